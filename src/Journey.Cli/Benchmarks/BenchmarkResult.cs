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
    IngestResult Streaming,
    DurationSummary StreamingAcks,
    PhaseCpu StreamingCpu,
    GcPauses StreamingGc,
    IngestResult Unary,
    DurationSummary UnaryLatencies,
    PhaseCpu UnaryCpu,
    GcPauses UnaryGc,
    RebuildRuns Rebuild,
    PhaseCpu RebuildCpu,
    DurationSummary Queries,
    int QueriesUnanswered,
    long ServerIdleWorkingSetBytes,
    long ServerWorkingSetBytes,
    long ServerPeakWorkingSetBytes,
    long Journeys,
    TimeSpan Duration,
    string LoadAverageAtEnd)
{
    /// <summary>Streaming throughput as a share of the store alone.</summary>
    public double StreamingShareOfStoreBaseline => Streaming.EventsPerSecond / StoreBaselineEventsPerSecond;

    /// <summary>What the run added to the idle server's resident memory, per journey it now holds.</summary>
    public double BytesPerJourney => Math.Max(0, ServerWorkingSetBytes - ServerIdleWorkingSetBytes) / (double)Journeys;

    public IReadOnlyList<Target> Targets =>
    [
        new("streamingIngestEventsPerSecond", "≥ 50,000 events/s", Streaming.EventsPerSecond >= 50_000),
        new("streamingIngestShareOfStoreBaseline", "≥ 40% of the store baseline", StreamingShareOfStoreBaseline >= 0.40),
        new("unaryIngestEventsPerSecond", "≥ 10,000 events/s", Unary.EventsPerSecond >= 10_000),
        new("rebuildEventsPerSecond", "≥ 1,000,000 events/s", Rebuild.EventsPerSecond >= 1_000_000),
        new("queryP99Milliseconds", "< 5 ms during ingest", Queries.P99Seconds < 5),
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
        w.WriteNumber("streamingIngestEventsPerSecond", Round(Streaming.EventsPerSecond));
        w.WriteNumber("streamingIngestEvents", Streaming.Events);
        w.WriteNumber("streamingIngestShareOfStoreBaseline", Math.Round(StreamingShareOfStoreBaseline, 3));
        w.WriteNumber("streamingAckLatencyP50Milliseconds", Math.Round(StreamingAcks.MedianSeconds, 3));
        w.WriteNumber("streamingAckLatencyP99Milliseconds", Math.Round(StreamingAcks.P99Seconds, 3));
        w.WriteNumber("streamingRejected", Streaming.Rejected);
        w.WriteNumber("streamingServerCpuMicrosecondsPerEvent", Math.Round(StreamingCpu.ServerMicrosecondsPerEvent, 2));
        w.WriteNumber("streamingBenchCpuMicrosecondsPerEvent", Math.Round(StreamingCpu.ClientMicrosecondsPerEvent, 2));
        WriteGc(w, "streaming", StreamingGc);
        w.WriteNumber("unaryIngestEventsPerSecond", Round(Unary.EventsPerSecond));
        w.WriteNumber("unaryIngestEvents", Unary.Events);
        w.WriteNumber("unaryLatencyP50Milliseconds", Math.Round(UnaryLatencies.MedianSeconds, 3));
        w.WriteNumber("unaryLatencyP99Milliseconds", Math.Round(UnaryLatencies.P99Seconds, 3));
        w.WriteNumber("unaryRejected", Unary.Rejected);
        w.WriteNumber("unaryServerCpuMicrosecondsPerEvent", Math.Round(UnaryCpu.ServerMicrosecondsPerEvent, 2));
        WriteGc(w, "unary", UnaryGc);
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
        w.WriteNumber("queryP50Milliseconds", Math.Round(Queries.MedianSeconds, 3));
        w.WriteNumber("queryP99Milliseconds", Math.Round(Queries.P99Seconds, 3));
        w.WriteNumber("queryMaxMilliseconds", Math.Round(Queries.MaxSeconds, 3));
        w.WriteNumber("queries", Queries.Count);
        w.WriteNumber("queriesUnanswered", QueriesUnanswered);
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

    private static void WriteGc(Utf8JsonWriter w, string phase, GcPauses gc)
    {
        w.WriteNumber($"{phase}ServerGcCollections", gc.Collections);
        w.WriteNumber($"{phase}ServerGcPausedShare", Math.Round(gc.PausedShare, 4));
        w.WriteNumber($"{phase}ServerGcPauseMedianMilliseconds", Math.Round(gc.MedianMilliseconds, 3));
        w.WriteNumber($"{phase}ServerGcPauseLongestMilliseconds", Math.Round(gc.LongestMilliseconds, 3));
    }

    /// <summary>Rows of the printed table: figure, value, target, met.</summary>
    public IEnumerable<(string Figure, string Value, string Target, bool? Met)> Rows()
    {
        var met = Targets.ToDictionary(t => t.Figure, t => t);
        (string, string, string, bool?) Row(string label, string value, string? key = null) =>
            key is not null && met.TryGetValue(key, out var t) ? (label, value, t.Description, t.Met) : (label, value, "", null);

        yield return Row("Store baseline (SQLite alone, durable)", $"{N(StoreBaselineEventsPerSecond)} events/s");
        yield return Row("Streaming ingest", $"{N(Streaming.EventsPerSecond)} events/s", "streamingIngestEventsPerSecond");
        yield return Row("  share of store baseline", StreamingShareOfStoreBaseline.ToString("P0", CultureInfo.InvariantCulture), "streamingIngestShareOfStoreBaseline");
        yield return Row("  ack latency p50 / p99", $"{Ms(StreamingAcks.MedianSeconds)} / {Ms(StreamingAcks.P99Seconds)}");
        yield return Row("  server GC pauses", Pauses(StreamingGc));
        yield return Row($"Unary ingest ({Settings.UnaryCallers} callers)", $"{N(Unary.EventsPerSecond)} events/s", "unaryIngestEventsPerSecond");
        yield return Row("  latency p50 / p99", $"{Ms(UnaryLatencies.MedianSeconds)} / {Ms(UnaryLatencies.P99Seconds)}");
        yield return Row("  server GC pauses", Pauses(UnaryGc));
        yield return Row($"Rebuild from position zero (median of {Rebuild.Runs.Count})", $"{N(Rebuild.EventsPerSecond)} events/s", "rebuildEventsPerSecond");
        yield return Row("Lead-time query p50 (during ingest)", Ms(Queries.MedianSeconds));
        yield return Row("Lead-time query p99 (during ingest)", Ms(Queries.P99Seconds), "queryP99Milliseconds");
        yield return Row("Server working set after the run", $"{ServerWorkingSetBytes / 1_048_576.0:N0} MiB (idle {ServerIdleWorkingSetBytes / 1_048_576.0:N0} MiB)");
        yield return Row($"Memory per journey ({N(Journeys)} journeys)", $"{N(BytesPerJourney)} bytes", "bytesPerJourney");
    }

    private static string Pauses(GcPauses gc) =>
        $"{gc.PausedShare.ToString("P0", CultureInfo.InvariantCulture)} of the time: {gc.Collections} collections, median {Ms(gc.MedianMilliseconds)}, longest {Ms(gc.LongestMilliseconds)}";

    private static double Round(double value) => Math.Round(value, 0);

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ms(double milliseconds) => milliseconds.ToString("0.00 'ms'", CultureInfo.InvariantCulture);
}

/// <summary>A target of issue 8 and whether this run met it.</summary>
internal sealed record Target(string Figure, string Description, bool Met);
