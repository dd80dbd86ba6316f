using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.Privacy;
using Journey.Storage;
using Journey.Storage.Sqlite;
using Contract = Journey.Contracts.V1;

namespace Journey.Cli.Benchmarks;

/// <summary>
/// The embedded store alone, in this process: the same events as the server would store them
/// (pseudonymised JSON and metadata of the same size), appended one journey per append by many
/// appenders at once, durably. The practical limit the end-to-end figures are measured against.
/// </summary>
internal static class StoreBaseline
{
    public sealed record Result(long Events, long Appends, TimeSpan Elapsed)
    {
        public double EventsPerSecond => Events / Elapsed.TotalSeconds;
    }

    public static async Task<Result> RunAsync(IReadOnlyList<Contract.JourneyEvent> events, string directory, int appenders, CancellationToken cancellationToken)
    {
        var appends = ToAppends(events);
        await using var store = await SqliteEventStore.OpenAsync(Path.Combine(directory, "baseline.db"), cancellationToken: cancellationToken);
        var elapsed = await AppendAllAsync(store, appends, ExpectedRevision.NoStream, appenders, cancellationToken);
        return new Result(events.Count, appends.Count, elapsed);
    }

    /// <summary>The store after a step of its growth: how many events it holds, how fast the step's went in, and what the disk was given for each.</summary>
    public sealed record GrowthStep(long EventsInStore, double EventsPerSecond, double? BytesWrittenPerEvent);

    /// <summary>
    /// One store grown to <paramref name="events"/> events, <paramref name="step"/> at a time: each step's events are
    /// simulated and serialised first, untimed, then appended as <see cref="RunAsync"/> appends them. Shows how the
    /// store's speed and its writing to disk change with its size, past what one bench run holds.
    /// </summary>
    public static async Task<IReadOnlyList<GrowthStep>> GrowAsync(
        JourneyCatalog catalog, int seed, long events, int step, string directory, int appenders, Action<GrowthStep> progress, CancellationToken cancellationToken)
    {
        await using var store = await SqliteEventStore.OpenAsync(Path.Combine(directory, "growth.db"), cancellationToken: cancellationToken);
        var steps = new List<GrowthStep>();
        for (long done = 0, n = 0; done < events; n++)
        {
            var count = (int)Math.Min(step, events - done);
            // Each step its own persons (another seed); a person drawn again only adds to that journey.
            var appends = ToAppends(Workload.Take(catalog, unchecked(seed + (int)n), Math.Max(1, count / 10), count).Events);
            var writtenBefore = DiskBytesWritten();
            var elapsed = await AppendAllAsync(store, appends, ExpectedRevision.Any, appenders, cancellationToken);
            var writtenAfter = DiskBytesWritten();
            done += count;
            var figures = new GrowthStep(done, count / elapsed.TotalSeconds, writtenAfter - writtenBefore is { } bytes ? (double)bytes / count : null);
            steps.Add(figures);
            progress(figures);
        }
        return steps;
    }

    private static async Task<TimeSpan> AppendAllAsync(
        SqliteEventStore store, List<(string Stream, EventData[] Events)> appends, ExpectedRevision expected, int appenders, CancellationToken cancellationToken)
    {
        var next = -1;
        var watch = Stopwatch.StartNew();
        var workers = new Task[appenders];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < appends.Count)
                {
                    var (stream, data) = appends[i];
                    await store.AppendAsync(stream, expected, data, cancellationToken);
                }
            }, cancellationToken);
        }
        await Task.WhenAll(workers);
        return watch.Elapsed;
    }

    // What this process has had written to storage (Linux: /proc/self/io); null where the system does not say.
    private static long? DiskBytesWritten()
    {
        const string IoFile = "/proc/self/io";
        if (!File.Exists(IoFile))
        {
            return null;
        }
        foreach (var line in File.ReadLines(IoFile))
        {
            if (line.StartsWith("write_bytes:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan("write_bytes:".Length).Trim(), CultureInfo.InvariantCulture);
            }
        }
        return null;
    }

    /// <summary>One append per journey, in the simulator's order, shaped as the server stores events.</summary>
    private static List<(string Stream, EventData[] Events)> ToAppends(IReadOnlyList<Contract.JourneyEvent> events)
    {
        var pseudonymiser = new Pseudonymiser(PseudonymKey.Generate("bench"));
        var correlationId = Guid.NewGuid().ToString();
        var recordedAt = DateTimeOffset.UtcNow;
        var appends = new List<(string, EventData[])>();
        var current = new List<EventData>();
        string? stream = null;
        foreach (var e in events)
        {
            var stored = ToStored(e, pseudonymiser);
            var journey = stored.JourneyId.StreamName;
            if (journey != stream && current.Count > 0)
            {
                appends.Add((stream!, [.. current]));
                current.Clear();
            }
            stream = journey;
            current.Add(new EventData(stored.EventId, JourneyEventJson.EventType, JourneyEventJson.Serialize(stored), Metadata(stored.EventId, correlationId, recordedAt, pseudonymiser.KeyId)));
        }
        if (current.Count > 0)
        {
            appends.Add((stream!, [.. current]));
        }
        return appends;
    }

    /// <summary>An event as the server stores it: validated fields, every person pseudonymised.</summary>
    internal static JourneyEvent ToStored(Contract.JourneyEvent e, Pseudonymiser pseudonymiser) => new(
        Guid.Parse(e.EventId),
        e.JourneyType,
        e.Agency,
        e.Activity,
        pseudonymiser.Pseudonymise(e.Subject),
        [.. e.Related.Select(r => new RelatedPerson(r.Role, pseudonymiser.Pseudonymise(r.Person)))],
        DateTimeOffset.Parse(e.OccurredAt, CultureInfo.InvariantCulture),
        e.Initiator switch
        {
            Contract.Initiator.Citizen => Initiator.Citizen,
            Contract.Initiator.Agency => Initiator.Agency,
            _ => Initiator.Automatic,
        },
        e.Lifecycle == Contract.Lifecycle.Start ? Lifecycle.Start : Lifecycle.Complete,
        string.IsNullOrEmpty(e.CaseRef) ? null : e.CaseRef,
        e.Attributes.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal));

    // The server's metadata: correlation, causation, recorded-at and the pseudonym key id.
    private static byte[] Metadata(Guid eventId, string correlationId, DateTimeOffset recordedAt, string keyId)
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("$correlationId", correlationId);
            w.WriteString("$causationId", eventId);
            w.WriteString("recordedAt", recordedAt);
            w.WriteString("pseudonymKeyId", keyId);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
