using System.Globalization;
using System.Text.Json;
using Journey.Domain.Statistics;

namespace Journey.Cli.Benchmarks;

/// <summary>
/// Every figure of one run, the machine and the settings it ran with, and the targets of issue 8.
/// Latency summaries are in milliseconds.
/// </summary>
internal sealed record BenchmarkResult(
    MachineInfo Machine,
    DateTimeOffset Date,
    BenchmarkSettings Settings,
    double StoreBaselineEventsPerSecond,
    long StoreBaselineEvents,
    QueriedIngest Streaming,
    IngestResult Unary,
    DurationSummary UnaryLatencies,
    PhaseCpu UnaryCpu,
    GcPauses UnaryGc,
    RebuildRuns Rebuild,
    PhaseCpu RebuildCpu,
    QueriedIngest Live,
    ReadNodeFigures ReadNode,
    long ServerIdleWorkingSetBytes,
    long ServerWorkingSetBytes,
    long ServerPeakWorkingSetBytes,
    long Journeys,
    TimeSpan Duration,
    string LoadAverageAtEnd)
{
    /// <summary>Streaming throughput as a share of the store alone.</summary>
    public double StreamingShareOfStoreBaseline => Streaming.Ingest.EventsPerSecond / StoreBaselineEventsPerSecond;

    /// <summary>What the run added to the idle server's resident memory, per journey it now holds.</summary>
    public double BytesPerJourney => Math.Max(0, ServerWorkingSetBytes - ServerIdleWorkingSetBytes) / (double)Journeys;

    public IReadOnlyList<Target> Targets =>
    [
        new("streamingIngestEventsPerSecond", "≥ 50,000 events/s", Streaming.Ingest.EventsPerSecond >= 50_000),
        new("streamingIngestShareOfStoreBaseline", "≥ 40% of the store baseline", StreamingShareOfStoreBaseline >= 0.40),
        new("unaryIngestEventsPerSecond", "≥ 10,000 events/s", Unary.EventsPerSecond >= 10_000),
        new("rebuildEventsPerSecond", "≥ 1,000,000 events/s", Rebuild.EventsPerSecond >= 1_000_000),
        new("queryP99Milliseconds", "< 5 ms during ingest", Streaming.Queries.P99Seconds < 5),
        new("liveQueryP99Milliseconds", "< 5 ms during ingest", Live.Queries.P99Seconds < 5),
        new("readNodeQueryP99Milliseconds", "< 5 ms during ingest", ReadNode.Queries.P99Seconds < 5),
        new("bytesPerJourney", "< 1 KB per journey", BytesPerJourney < 1024),
    ];

    public bool AllTargetsMet => Targets.All(t => t.Met);

    /// <summary>The JSON document: one plainly named key per figure, keys in a fixed order.</summary>
    public string ToJson(string command) => BenchJson.Write(Date, command, Machine, LoadAverageAtEnd, w =>
    {
        w.WriteStartObject("settings");
        w.WriteNumber("events", Settings.Events);
        w.WriteNumber("journeys", Settings.Journeys);
        w.WriteNumber("unaryEvents", Settings.UnaryEvents);
        w.WriteNumber("unaryCallers", Settings.UnaryCallers);
        w.WriteNumber("batchSize", Settings.BatchSize);
        w.WriteNumber("streams", Settings.Streams);
        w.WriteNumber("batchesInFlightPerStream", Settings.BatchesInFlight);
        w.WriteNumber("baselineAppenders", Settings.BaselineAppenders);
        w.WriteNumber("seed", Settings.Seed);
        w.WriteEndObject();

        w.WriteNumber("storeBaselineEventsPerSecond", Round(StoreBaselineEventsPerSecond));
        w.WriteNumber("storeBaselineEvents", StoreBaselineEvents);
        w.WriteNumber("streamingIngestEventsPerSecond", Round(Streaming.Ingest.EventsPerSecond));
        w.WriteNumber("streamingIngestEvents", Streaming.Ingest.Events);
        w.WriteNumber("streamingIngestShareOfStoreBaseline", Math.Round(StreamingShareOfStoreBaseline, 3));
        w.WriteNumber("streamingAckLatencyP50Milliseconds", Math.Round(Streaming.Acks.MedianSeconds, 3));
        w.WriteNumber("streamingAckLatencyP99Milliseconds", Math.Round(Streaming.Acks.P99Seconds, 3));
        w.WriteNumber("streamingRejected", Streaming.Ingest.Rejected);
        w.WriteNumber("streamingServerCpuMicrosecondsPerEvent", Math.Round(Streaming.Cpu.ServerMicrosecondsPerEvent, 2));
        w.WriteNumber("streamingBenchCpuMicrosecondsPerEvent", Math.Round(Streaming.Cpu.ClientMicrosecondsPerEvent, 2));
        WriteGc(w, "streamingServer", Streaming.Gc);
        w.WriteNumber("unaryIngestEventsPerSecond", Round(Unary.EventsPerSecond));
        w.WriteNumber("unaryIngestEvents", Unary.Events);
        w.WriteNumber("unaryLatencyP50Milliseconds", Math.Round(UnaryLatencies.MedianSeconds, 3));
        w.WriteNumber("unaryLatencyP99Milliseconds", Math.Round(UnaryLatencies.P99Seconds, 3));
        w.WriteNumber("unaryRejected", Unary.Rejected);
        w.WriteNumber("unaryServerCpuMicrosecondsPerEvent", Math.Round(UnaryCpu.ServerMicrosecondsPerEvent, 2));
        WriteGc(w, "unaryServer", UnaryGc);
        w.WriteNumber("rebuildEventsPerSecond", Round(Rebuild.EventsPerSecond));
        w.WriteStartArray("rebuildRunsEventsPerSecond");
        foreach (var run in Rebuild.Runs)
        {
            w.WriteNumberValue(Round(run.EventsPerSecond));
        }
        w.WriteEndArray();
        w.WriteNumber("rebuildEvents", Rebuild.Events);
        w.WriteBoolean("rebuildEqualsLive", Rebuild.Equal);
        w.WriteNumber("rebuildServerCpuMicrosecondsPerEvent", Math.Round(RebuildCpu.ServerMicrosecondsPerEvent, 2));
        w.WriteNumber("queryP50Milliseconds", Math.Round(Streaming.Queries.MedianSeconds, 3));
        w.WriteNumber("queryP99Milliseconds", Math.Round(Streaming.Queries.P99Seconds, 3));
        w.WriteNumber("queryMaxMilliseconds", Math.Round(Streaming.Queries.MaxSeconds, 3));
        w.WriteNumber("queries", Streaming.Queries.Count);
        w.WriteNumber("queriesUnanswered", Streaming.Unanswered);
        w.WriteNumber("liveIngestTargetEventsPerSecond", Round(Settings.LiveEventsPerSecond));
        w.WriteNumber("liveIngestEventsPerSecond", Round(Live.Ingest.EventsPerSecond));
        w.WriteNumber("liveIngestEvents", Live.Ingest.Events);
        w.WriteNumber("liveIngestBatchSize", Settings.LiveBatchSize);
        w.WriteNumber("liveRejected", Live.Ingest.Rejected);
        w.WriteNumber("liveAckLatencyP50Milliseconds", Math.Round(Live.Acks.MedianSeconds, 3));
        w.WriteNumber("liveAckLatencyP99Milliseconds", Math.Round(Live.Acks.P99Seconds, 3));
        w.WriteNumber("liveQueryP50Milliseconds", Math.Round(Live.Queries.MedianSeconds, 3));
        w.WriteNumber("liveQueryP99Milliseconds", Math.Round(Live.Queries.P99Seconds, 3));
        w.WriteNumber("liveQueryMaxMilliseconds", Math.Round(Live.Queries.MaxSeconds, 3));
        w.WriteNumber("liveQueries", Live.Queries.Count);
        w.WriteNumber("liveQueriesUnanswered", Live.Unanswered);
        w.WriteNumber("liveServerCpuMicrosecondsPerEvent", Math.Round(Live.Cpu.ServerMicrosecondsPerEvent, 2));
        WriteGc(w, "liveServer", Live.Gc);
        w.WriteNumber("readNodeStreamingEventsPerSecond", Round(ReadNode.Streaming.EventsPerSecond));
        w.WriteNumber("readNodeStreamingEvents", ReadNode.Streaming.Events);
        w.WriteNumber("readNodeQueryP50Milliseconds", Math.Round(ReadNode.Queries.MedianSeconds, 3));
        w.WriteNumber("readNodeQueryP99Milliseconds", Math.Round(ReadNode.Queries.P99Seconds, 3));
        w.WriteNumber("readNodeQueryMaxMilliseconds", Math.Round(ReadNode.Queries.MaxSeconds, 3));
        w.WriteNumber("readNodeQueries", ReadNode.Queries.Count);
        w.WriteNumber("readNodeQueriesUnanswered", ReadNode.Unanswered);
        w.WriteNumber("readNodePhaseServerQueryP50Milliseconds", Math.Round(ReadNode.ServerQueries.MedianSeconds, 3));
        w.WriteNumber("readNodePhaseServerQueryP99Milliseconds", Math.Round(ReadNode.ServerQueries.P99Seconds, 3));
        w.WriteNumber("readNodePhaseServerQueriesUnanswered", ReadNode.ServerUnanswered);
        w.WriteNumber("readNodeCpuMicrosecondsPerEvent", Math.Round(ReadNode.Cpu.ServerMicrosecondsPerEvent, 2));
        WriteGc(w, "readNode", ReadNode.Gc);
        w.WriteNumber("readNodePeakWorkingSetBytes", ReadNode.PeakWorkingSetBytes);
        w.WriteNumber("serverWorkingSetBytes", ServerWorkingSetBytes);
        w.WriteNumber("serverIdleWorkingSetBytes", ServerIdleWorkingSetBytes);
        w.WriteNumber("serverPeakWorkingSetBytes", ServerPeakWorkingSetBytes);
        w.WriteNumber("journeys", Journeys);
        w.WriteNumber("bytesPerJourney", Round(BytesPerJourney));
        w.WriteNumber("durationSeconds", Math.Round(Duration.TotalSeconds, 1));

        w.WriteStartArray("targets");
        foreach (var target in Targets)
        {
            w.WriteStartObject();
            w.WriteString("figure", target.Figure);
            w.WriteString("target", target.Description);
            w.WriteBoolean("met", target.Met);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteBoolean("allTargetsMet", AllTargetsMet);
    });

    /// <param name="prefix">Whose collections: <c>streamingServer</c>, <c>unaryServer</c>, <c>liveServer</c>, <c>readNode</c>.</param>
    private static void WriteGc(Utf8JsonWriter w, string prefix, GcPauses gc)
    {
        w.WriteNumber($"{prefix}GcCollections", gc.Collections);
        w.WriteNumber($"{prefix}GcPausedShare", Math.Round(gc.PausedShare, 4));
        w.WriteNumber($"{prefix}GcPauseMedianMilliseconds", Math.Round(gc.MedianMilliseconds, 3));
        w.WriteNumber($"{prefix}GcPauseLongestMilliseconds", Math.Round(gc.LongestMilliseconds, 3));
    }

    /// <summary>Rows of the printed table: figure, value, target, met.</summary>
    public IEnumerable<(string Figure, string Value, string Target, bool? Met)> Rows()
    {
        var met = Targets.ToDictionary(t => t.Figure, t => t);
        (string, string, string, bool?) Row(string label, string value, string? key = null) =>
            key is not null && met.TryGetValue(key, out var t) ? (label, value, t.Description, t.Met) : (label, value, "", null);

        yield return Row("Store baseline (SQLite alone, durable)", $"{N(StoreBaselineEventsPerSecond)} events/s");
        yield return Row("Streaming ingest", $"{N(Streaming.Ingest.EventsPerSecond)} events/s", "streamingIngestEventsPerSecond");
        yield return Row("  share of store baseline", StreamingShareOfStoreBaseline.ToString("P0", CultureInfo.InvariantCulture), "streamingIngestShareOfStoreBaseline");
        yield return Row("  ack latency p50 / p99", $"{Ms(Streaming.Acks.MedianSeconds)} / {Ms(Streaming.Acks.P99Seconds)}");
        yield return Row("  lead-time query p50 meanwhile", Ms(Streaming.Queries.MedianSeconds));
        yield return Row("  lead-time query p99 meanwhile", Ms(Streaming.Queries.P99Seconds), "queryP99Milliseconds");
        yield return Row("  server GC pauses", Pauses(Streaming.Gc));
        yield return Row($"Unary ingest ({Settings.UnaryCallers} callers)", $"{N(Unary.EventsPerSecond)} events/s", "unaryIngestEventsPerSecond");
        yield return Row("  latency p50 / p99", $"{Ms(UnaryLatencies.MedianSeconds)} / {Ms(UnaryLatencies.P99Seconds)}");
        yield return Row("  server GC pauses", Pauses(UnaryGc));
        yield return Row($"Rebuild from position zero (median of {Rebuild.Runs.Count})", $"{N(Rebuild.EventsPerSecond)} events/s", "rebuildEventsPerSecond");
        yield return Row("Server working set after the run", $"{ServerWorkingSetBytes / 1_048_576.0:N0} MiB (idle {ServerIdleWorkingSetBytes / 1_048_576.0:N0} MiB)");
        yield return Row($"Memory per journey ({N(Journeys)} journeys)", $"{N(BytesPerJourney)} bytes", "bytesPerJourney");
        yield return Row($"Live ingest: {N(Live.Ingest.Events)} events paced at {N(Settings.LiveEventsPerSecond)} events/s", $"{N(Live.Ingest.EventsPerSecond)} events/s");
        yield return Row("  ack latency p50 / p99", $"{Ms(Live.Acks.MedianSeconds)} / {Ms(Live.Acks.P99Seconds)}");
        yield return Row("  lead-time query p50", Ms(Live.Queries.MedianSeconds));
        yield return Row("  lead-time query p99", Ms(Live.Queries.P99Seconds), "liveQueryP99Milliseconds");
        yield return Row("  server GC pauses", Pauses(Live.Gc));
        yield return Row($"Read node: {N(ReadNode.Streaming.Events)} more events streamed", $"{N(ReadNode.Streaming.EventsPerSecond)} events/s");
        yield return Row("  lead-time query p50 on the read node", Ms(ReadNode.Queries.MedianSeconds));
        yield return Row("  lead-time query p99 on the read node", Ms(ReadNode.Queries.P99Seconds), "readNodeQueryP99Milliseconds");
        yield return Row("  meanwhile on the server p50 / p99", $"{Ms(ReadNode.ServerQueries.MedianSeconds)} / {Ms(ReadNode.ServerQueries.P99Seconds)}");
        yield return Row("  read node's CPU per event", string.Create(CultureInfo.InvariantCulture, $"{ReadNode.Cpu.ServerMicrosecondsPerEvent:0.0} µs"));
        yield return Row("  read node's GC pauses", Pauses(ReadNode.Gc));
    }

    private static string Pauses(GcPauses gc) =>
        $"{gc.PausedShare.ToString("P0", CultureInfo.InvariantCulture)} of the time: {gc.Collections} collections, median {Ms(gc.MedianMilliseconds)}, longest {Ms(gc.LongestMilliseconds)}";

    private static double Round(double value) => Math.Round(value, 0);

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ms(double milliseconds) => milliseconds.ToString("0.00 'ms'", CultureInfo.InvariantCulture);
}

/// <summary>
/// An ingest phase with a process owner querying meanwhile (the backfill, and live ingest at a steady pace): what was
/// sent, its acknowledgements, the lead-time queries and how many got no answer, and the server's CPU per event and
/// collections.
/// </summary>
internal sealed record QueriedIngest(IngestResult Ingest, DurationSummary Acks, DurationSummary Queries, int Unanswered, PhaseCpu Cpu, GcPauses Gc);

/// <summary>
/// The last phase: a read node on the server's data directory answering lead-time queries while journeys
/// stream into the server, and the server answering the same queries meanwhile; the read node's CPU (per event
/// streamed) and collections.
/// </summary>
internal sealed record ReadNodeFigures(
    IngestResult Streaming,
    DurationSummary Queries,
    int Unanswered,
    DurationSummary ServerQueries,
    int ServerUnanswered,
    PhaseCpu Cpu,
    GcPauses Gc,
    long PeakWorkingSetBytes);

/// <summary>A target of issue 8 and whether this run met it.</summary>
internal sealed record Target(string Figure, string Description, bool Met);
