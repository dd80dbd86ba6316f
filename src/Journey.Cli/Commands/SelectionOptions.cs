using System.CommandLine;
using System.Globalization;
using Journey.Domain.Exchange;

namespace Journey.Cli.Commands;

/// <summary>The options that select events from the log, shared by <c>journey export</c> and <c>journey replay</c>.</summary>
public sealed class SelectionOptions
{
    public Option<ulong?> After { get; } = new("--after") { Description = "Only events after this position (a replay's checkpoint resumes here)" };

    public Option<ulong?> To { get; } = new("--to") { Description = "Only events up to and including this position" };

    public Option<string[]> JourneyTypes { get; } = new("--journey-type") { Description = "Only this journey type (repeat for several)" };

    public Option<string[]> Agencies { get; } = new("--agency") { Description = "Only events emitted by this agency (repeat for several)" };

    public Option<string[]> Activities { get; } = new("--activity") { Description = "Only this activity code (repeat for several)" };

    public Option<string?> OccurredFrom { get; } = new("--occurred-from") { Description = "Only events that occurred at or after this instant (RFC 3339; a date alone is midnight UTC)" };

    public Option<string?> OccurredTo { get; } = new("--occurred-to") { Description = "Only events that occurred before this instant" };

    public Option<string?> RecordedFrom { get; } = new("--recorded-from") { Description = "Only events recorded at or after this instant" };

    public Option<string?> RecordedTo { get; } = new("--recorded-to") { Description = "Only events recorded before this instant" };

    public IEnumerable<Option> All => [After, To, JourneyTypes, Agencies, Activities, OccurredFrom, OccurredTo, RecordedFrom, RecordedTo];

    /// <summary>The selection the parsed options describe.</summary>
    /// <exception cref="ArgumentException">A time that cannot be read, or a range that selects nothing by construction.</exception>
    public EventSelection Selection(ParseResult parse)
    {
        var selection = new EventSelection
        {
            AfterPosition = parse.GetValue(After),
            ToPosition = parse.GetValue(To),
            JourneyTypes = EventSelection.SetOf(parse.GetValue(JourneyTypes) ?? []),
            Agencies = EventSelection.SetOf(parse.GetValue(Agencies) ?? []),
            Activities = EventSelection.SetOf(parse.GetValue(Activities) ?? []),
            Occurred = new TimeWindow(Instant(parse, OccurredFrom), Instant(parse, OccurredTo)),
            Recorded = new TimeWindow(Instant(parse, RecordedFrom), Instant(parse, RecordedTo)),
        };
        var problems = selection.Problems();
        return problems.Count == 0
            ? selection
            : throw new ArgumentException(string.Join("; ", problems.Select(p => $"{p.Field}: {p.Description}")));
    }

    private static DateTimeOffset? Instant(ParseResult parse, Option<string?> option)
    {
        var text = parse.GetValue(option);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant
            : throw new ArgumentException($"{option.Name}: '{text}' is not a date and time (use e.g. 2025-03-01 or 2025-03-01T00:00:00+01:00)");
    }
}
