using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Journey.Storage;
using Spectre.Console;

namespace Journey.Cli.Commands;

/// <summary>
/// <c>journey migrate --from sqlite:PATH --to esdb://…</c>: copies every event in global order, with its id,
/// stream and revision. Each event is appended at the revision it had, so a re-run (after a crash, or
/// twice on purpose) stores nothing twice: both stores treat the same ids at the same place as a retry.
/// A checkpoint file lets a large copy resume where it stopped rather than from the start.
/// </summary>
public static class MigrateCommand
{
    private const int PageSize = 5_000;

    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "Source store: sqlite:PATH (or the file's path) or esdb://…", Required = true };
        var to = new Option<string>("--to") { Description = "Target store: esdb://… or sqlite:PATH", Required = true };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Where to keep progress (default: beside the source, named for the target)" };
        var command = new Command("migrate", "Copy every event from one store to another, in global order, resumably") { from, to, checkpoint };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var source = parse.GetValue(from)!;
            var target = parse.GetValue(to)!;
            var result = await RunAsync(source, target, parse.GetValue(checkpoint), p =>
                AnsiConsole.MarkupLine($"[grey]{p.Copied:N0} events copied, at source position {p.Position} ({p.EventsPerSecond.ToString("N0", CultureInfo.InvariantCulture)} events/s)[/]"),
                cancellationToken);
            AnsiConsole.MarkupLine($"[green]Migrated[/] {result.Copied:N0} events from {Markup.Escape(EventStores.Describe(source))} to {Markup.Escape(EventStores.Describe(target))} in {result.Seconds:0.0} s.");
            return 0;
        });
        return command;
    }

    public sealed record Progress(long Copied, ulong Position, double EventsPerSecond, double Seconds);

    public static async Task<Progress> RunAsync(string from, string to, string? checkpointFile, Action<Progress>? report, CancellationToken cancellationToken)
    {
        checkpointFile ??= DefaultCheckpoint(from, to);
        ulong? after = File.Exists(checkpointFile)
            ? ulong.Parse(await File.ReadAllTextAsync(checkpointFile, cancellationToken), CultureInfo.InvariantCulture)
            : null;
        await using var source = await EventStores.OpenExistingAsync(from, cancellationToken: cancellationToken);
        await using var target = await EventStores.OpenAsync(to, cancellationToken: cancellationToken);

        var watch = Stopwatch.StartNew();
        long copied = 0;
        var page = new List<RecordedEvent>(PageSize);
        while (true)
        {
            page.Clear();
            await foreach (var e in source.ReadAllAsync(ReadDirection.Forwards, after, PageSize, cancellationToken: cancellationToken))
            {
                page.Add(e);
            }
            if (page.Count == 0)
            {
                break;
            }
            await CopyPageAsync(target, page, cancellationToken);
            copied += page.Count;
            after = page[^1].Position;
            // Written only after the whole page is durable in the target: a crash repeats at most one page.
            await File.WriteAllTextAsync(checkpointFile, after.Value.ToString(CultureInfo.InvariantCulture), cancellationToken);
            report?.Invoke(new Progress(copied, after.Value, copied / Math.Max(watch.Elapsed.TotalSeconds, 1e-6), watch.Elapsed.TotalSeconds));
        }
        return new Progress(copied, after ?? 0, copied / Math.Max(watch.Elapsed.TotalSeconds, 1e-6), watch.Elapsed.TotalSeconds);
    }

    // The target must hold the events in the source's global order, so appends go one after another;
    // consecutive events of one stream (a grain's batch, usually) travel as one append.
    private static async Task CopyPageAsync(IEventStore target, List<RecordedEvent> page, CancellationToken cancellationToken)
    {
        var start = 0;
        while (start < page.Count)
        {
            var end = start + 1;
            while (end < page.Count && page[end].Stream == page[start].Stream && page[end].StreamRevision == page[end - 1].StreamRevision + 1)
            {
                end++;
            }
            var first = page[start].StreamRevision;
            var expected = first == 0 ? ExpectedRevision.NoStream : ExpectedRevision.Exact(first - 1);
            var events = new EventData[end - start];
            for (var i = start; i < end; i++)
            {
                events[i - start] = new EventData(page[i].EventId, page[i].Type, page[i].Data, page[i].Metadata);
            }
            await target.AppendAsync(page[start].Stream, expected, events, cancellationToken);
            start = end;
        }
    }

    private static string DefaultCheckpoint(string from, string to)
    {
        var folder = from.StartsWith(EventStores.SqlitePrefix, StringComparison.OrdinalIgnoreCase)
            ? Path.GetDirectoryName(Path.GetFullPath(from[EventStores.SqlitePrefix.Length..]))!
            : Directory.GetCurrentDirectory();
        // Named for the pair, without credentials in the name.
        var pair = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(EventStores.Describe(from) + "\n" + EventStores.Describe(to))))[..16];
        return Path.Combine(folder, $"migrate-{pair}.checkpoint");
    }
}
