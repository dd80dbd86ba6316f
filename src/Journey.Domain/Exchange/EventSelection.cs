using Journey.Domain.Events;

namespace Journey.Domain.Exchange;

/// <summary>A half-open window of instants [<see cref="From"/>, <see cref="To"/>); a missing end is unbounded.</summary>
public sealed record TimeWindow(DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    public static readonly TimeWindow Always = new();

    public bool IsBounded => From is not null || To is not null;

    /// <summary>Whether the instant lies in the window; offsets do not matter, only the instant.</summary>
    public bool Contains(DateTimeOffset instant) =>
        (From is not { } from || instant >= from) && (To is not { } to || instant < to);
}

/// <summary>A problem with a selection, named by the field it concerns.</summary>
public sealed record SelectionProblem(string Field, string Description);

/// <summary>
/// Which events of the log a replay or export takes: a position range and filters that combine with AND.
/// Within one set any value matches; an empty set matches everything.
/// </summary>
public sealed record EventSelection
{
    private static readonly IReadOnlySet<string> Any = new HashSet<string>(StringComparer.Ordinal);

    public static readonly EventSelection All = new();

    /// <summary>Take events strictly after this position; null: from the start of the log.</summary>
    public ulong? AfterPosition { get; init; }

    /// <summary>Take events up to and including this position; null: no end.</summary>
    public ulong? ToPosition { get; init; }

    public IReadOnlySet<string> JourneyTypes { get; init; } = Any;

    public IReadOnlySet<string> Agencies { get; init; } = Any;

    public IReadOnlySet<string> Activities { get; init; } = Any;

    /// <summary>Window on <see cref="JourneyEvent.OccurredAt"/>.</summary>
    public TimeWindow Occurred { get; init; } = TimeWindow.Always;

    /// <summary>Window on <see cref="RecordedJourneyEvent.RecordedAt"/>.</summary>
    public TimeWindow Recorded { get; init; } = TimeWindow.Always;

    /// <summary>An ordinal set of the values, for the filter properties.</summary>
    public static IReadOnlySet<string> SetOf(IEnumerable<string> values) => new HashSet<string>(values, StringComparer.Ordinal);

    /// <summary>Whether a position lies beyond <see cref="ToPosition"/>: reading can stop there.</summary>
    public bool IsPastEnd(ulong position) => ToPosition is { } to && position > to;

    /// <summary>Whether the event is in the position range and passes every filter.</summary>
    public bool Matches(RecordedJourneyEvent recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        var e = recorded.Event;
        return (AfterPosition is not { } after || recorded.Position > after)
            && !IsPastEnd(recorded.Position)
            && MatchesContent(e.JourneyType, e.Agency, e.Activity)
            && Occurred.Contains(e.OccurredAt)
            && Recorded.Contains(recorded.RecordedAt);
    }

    /// <summary>The set filters alone, for callers that test them before decoding anything else.</summary>
    public bool MatchesContent(string journeyType, string agency, string activity) =>
        (JourneyTypes.Count == 0 || JourneyTypes.Contains(journeyType))
        && (Agencies.Count == 0 || Agencies.Contains(agency))
        && (Activities.Count == 0 || Activities.Contains(activity));

    /// <summary>What makes the selection contradictory or unreadable; none when it is usable.</summary>
    public IReadOnlyList<SelectionProblem> Problems()
    {
        var problems = new List<SelectionProblem>();
        // Equal ends are an empty range, which a resumed replay that had reached its end asks for.
        if (AfterPosition is { } after && ToPosition is { } to && to < after)
        {
            problems.Add(new("to_position", "must not be below after_position"));
        }
        CheckWindow("occurred", Occurred, problems);
        CheckWindow("recorded", Recorded, problems);
        CheckValues("journey_types", JourneyTypes, problems);
        CheckValues("agencies", Agencies, problems);
        CheckValues("activities", Activities, problems);
        return problems;
    }

    private static void CheckWindow(string field, TimeWindow window, List<SelectionProblem> problems)
    {
        if (window.From is { } from && window.To is { } to && to <= from)
        {
            problems.Add(new(field, "the end of the window must be after its start"));
        }
    }

    private static void CheckValues(string field, IReadOnlySet<string> values, List<SelectionProblem> problems)
    {
        if (values.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add(new(field, "must not contain an empty value"));
        }
    }
}
