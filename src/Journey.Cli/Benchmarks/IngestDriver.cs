using System.Diagnostics;
using Grpc.Core;
using Journey.Cli.Commands;
using Contract = Journey.Contracts.V1;

namespace Journey.Cli.Benchmarks;

/// <summary>What an ingest phase sent and what came back.</summary>
internal sealed record IngestResult(long Events, long Accepted, long Duplicates, long Rejected, string? FirstRejection, ulong LastPosition, TimeSpan Elapsed)
{
    public double EventsPerSecond => Events / Elapsed.TotalSeconds;
}

/// <summary>Sends events to the server as agencies do: streamed batches, or one unary call per event.</summary>
internal sealed class IngestDriver(BenchClients clients, BenchmarkSettings settings)
{
    /// <summary>
    /// Streams the events, each agency over its own connection, acknowledgement latency per batch. Each
    /// stream keeps at most <see cref="BenchmarkSettings.BatchesInFlight"/> batches unacknowledged, so the
    /// latency is the server's, not a queue in front of it.
    /// </summary>
    public Task<IngestResult> StreamAsync(JourneyBatch batch, Latencies acks, CancellationToken cancellationToken) =>
        StreamAsync(batch, settings.BatchSize, eventsPerSecond: null, acks, cancellationToken);

    /// <summary>
    /// Streams the events in batches of <paramref name="batchSize"/>, as fast as the server acknowledges them or, with
    /// <paramref name="eventsPerSecond"/>, at that pace in all: each stream sends its batches on a schedule at its share
    /// of the rate, as agencies' systems send what happens when it happens.
    /// </summary>
    public async Task<IngestResult> StreamAsync(JourneyBatch batch, int batchSize, double? eventsPerSecond, Latencies acks, CancellationToken cancellationToken)
    {
        var streams = Partition(batch.Events, batchSize);
        var tally = new Tally();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(streams.Select(s =>
        {
            // A stream of n events at its share of the rate sends a batch every batchSize / (rate * n / total) seconds.
            TimeSpan? interval = eventsPerSecond is { } rate
                ? TimeSpan.FromSeconds(batchSize * (double)batch.Events.Count / (rate * s.Batches.Sum(b => b.Events.Count)))
                : null;
            return Task.Run(() => SendStreamAsync(s.Agency, s.Batches, interval, acks, tally, cancellationToken), cancellationToken);
        }));
        watch.Stop();
        return tally.Result(batch.Events.Count, watch.Elapsed);
    }

    /// <summary>One event per call from many callers at once, latency per call.</summary>
    public async Task<IngestResult> UnaryAsync(JourneyBatch batch, Latencies latencies, CancellationToken cancellationToken)
    {
        var events = batch.Events;
        // One connection per agency, shared by the callers: each call carries its own agency's token.
        var channels = events.Select(e => e.Agency).Distinct(StringComparer.Ordinal)
            .ToDictionary(a => a, a => clients.Channel(Roles.Agency, a), StringComparer.Ordinal);
        var ingest = channels.ToDictionary(c => c.Key, c => new Contract.Ingest.IngestClient(c.Value), StringComparer.Ordinal);
        var tally = new Tally();
        var next = -1;
        var watch = Stopwatch.StartNew();
        var callers = new Task[settings.UnaryCallers];
        for (var c = 0; c < callers.Length; c++)
        {
            callers[c] = Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < events.Count)
                {
                    var e = events[i];
                    var start = Stopwatch.GetTimestamp();
                    try
                    {
                        var response = await ingest[e.Agency].AppendAsync(new Contract.AppendRequest { Event = e }, cancellationToken: cancellationToken);
                        latencies.RecordSince(start);
                        tally.Add(response.Result);
                    }
                    catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
                    {
                        tally.Reject($"{ex.StatusCode}: {ex.Status.Detail}");
                    }
                }
            }, cancellationToken);
        }
        try
        {
            await Task.WhenAll(callers);
        }
        finally
        {
            foreach (var channel in channels.Values)
            {
                channel.Dispose();
            }
        }
        watch.Stop();
        return tally.Result(events.Count, watch.Elapsed);
    }

    private async Task SendStreamAsync(
        string agency, List<Contract.AppendBatchRequest> batches, TimeSpan? interval, Latencies acks, Tally tally, CancellationToken cancellationToken)
    {
        using var channel = clients.Channel(Roles.Agency, agency);
        using var call = new Contract.Ingest.IngestClient(channel).AppendStream(cancellationToken: cancellationToken);
        using var window = new SemaphoreSlim(settings.BatchesInFlight);
        var sentAt = new long[batches.Count];
        var reading = Task.Run(async () =>
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                acks.RecordSince(Volatile.Read(ref sentAt[response.BatchId]));
                foreach (var result in response.Results)
                {
                    tally.Add(result);
                }
                window.Release();
            }
        }, cancellationToken);

        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < batches.Count; i++)
        {
            if (interval is { } every && every * i - Stopwatch.GetElapsedTime(start) is { Ticks: > 0 } early)
            {
                await Task.Delay(early, cancellationToken);
            }
            await window.WaitAsync(cancellationToken);
            Volatile.Write(ref sentAt[i], Stopwatch.GetTimestamp());
            await call.RequestStream.WriteAsync(batches[i], cancellationToken);
        }
        await call.RequestStream.CompleteAsync();
        await reading;
    }

    /// <summary>
    /// Each agency's events in the simulator's order (so a journey's events travel together), split into
    /// about <see cref="BenchmarkSettings.Streams"/> streams of similar length at journey boundaries, then
    /// into batches.
    /// </summary>
    private List<(string Agency, List<Contract.AppendBatchRequest> Batches)> Partition(IReadOnlyList<Contract.JourneyEvent> events, int batchSize)
    {
        var byAgency = events.GroupBy(e => e.Agency, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);
        var share = Math.Max(1, events.Count / settings.Streams);
        var streams = new List<(string, List<Contract.AppendBatchRequest>)>();
        foreach (var agency in byAgency)
        {
            var list = agency.ToList();
            var parts = Math.Max(1, (int)Math.Round(list.Count / (double)share));
            var partSize = (list.Count + parts - 1) / parts;
            var start = 0;
            while (start < list.Count)
            {
                var end = Math.Min(list.Count, start + partSize);
                while (end < list.Count && SameJourney(list[end - 1], list[end]))
                {
                    end++;
                }
                streams.Add((agency.Key, Batches(list, start, end, batchSize)));
                start = end;
            }
        }
        return streams;
    }

    private static List<Contract.AppendBatchRequest> Batches(List<Contract.JourneyEvent> events, int start, int end, int batchSize)
    {
        var batches = new List<Contract.AppendBatchRequest>();
        for (var offset = start; offset < end; offset += batchSize)
        {
            var batch = new Contract.AppendBatchRequest { BatchId = (ulong)batches.Count };
            for (var i = offset; i < Math.Min(end, offset + batchSize); i++)
            {
                batch.Events.Add(events[i]);
            }
            batches.Add(batch);
        }
        return batches;
    }

    private static bool SameJourney(Contract.JourneyEvent a, Contract.JourneyEvent b) =>
        a.Subject == b.Subject && a.JourneyType == b.JourneyType;

    /// <summary>Outcomes counted from several tasks.</summary>
    private sealed class Tally
    {
        private long accepted;
        private long duplicates;
        private long rejected;
        private long lastPosition;
        private string? firstRejection;

        public void Add(Contract.EventResult result)
        {
            switch (result.OutcomeCase)
            {
                case Contract.EventResult.OutcomeOneofCase.Accepted:
                    Interlocked.Increment(ref accepted);
                    Max((long)result.Accepted.Position);
                    break;
                case Contract.EventResult.OutcomeOneofCase.Duplicate:
                    Interlocked.Increment(ref duplicates);
                    Max((long)result.Duplicate.Position);
                    break;
                default:
                    Reject($"{result.EventId}: {result.Rejected?.Message}");
                    break;
            }
        }

        public void Reject(string why)
        {
            Interlocked.Increment(ref rejected);
            Interlocked.CompareExchange(ref firstRejection, why, null);
        }

        public IngestResult Result(long events, TimeSpan elapsed) =>
            new(events, accepted, duplicates, rejected, firstRejection, (ulong)Interlocked.Read(ref lastPosition), elapsed);

        private void Max(long position)
        {
            var seen = Interlocked.Read(ref lastPosition);
            while (position > seen)
            {
                var before = Interlocked.CompareExchange(ref lastPosition, position, seen);
                if (before == seen)
                {
                    return;
                }
                seen = before;
            }
        }
    }
}
