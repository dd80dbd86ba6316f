using System.Diagnostics;
using Grpc.Core;
using Journey.Cli.Commands;
using Journey.Domain.Catalog;
using Journey.Server.Hosting;
using Contract = Journey.Contracts.V1;

namespace Journey.Cli.Benchmarks;

/// <summary>
/// One benchmark run: the store alone, then a server in its own process fed by streams and unary
/// callers while a process owner queries, then a rebuild, then the server's memory, then live ingest at a
/// steady pace while a process owner queries, then a read node answering queries while more journeys stream in.
/// </summary>
internal sealed class BenchmarkRunner(BenchmarkSettings settings, Action<string> progress)
{
    private readonly Stopwatch sinceStart = Stopwatch.StartNew();

    public async Task<BenchmarkResult> RunAsync(CancellationToken cancellationToken)
    {
        settings.Validate();
        var machine = MachineInfo.Capture();
        using var directory = new BenchWorkDirectory(settings, Report);
        var work = directory.Path;
        Report($"Generating {settings.Events:N0} events over {settings.Journeys:N0} journeys, and {settings.UnaryEvents:N0} unary events");
        var workload = Workload.Generate(CatalogLoader.LoadDefault(), settings);

        Report("Store baseline: the embedded store alone, in this process");
        var baseline = await StoreBaseline.RunAsync(workload.Streamed.Events, work, settings.BaselineAppenders, cancellationToken);
        Report($"  {baseline.EventsPerSecond:N0} events/s ({baseline.Events:N0} events in {baseline.Appends:N0} appends, {baseline.Elapsed.TotalSeconds:0.0} s)");
        // The baseline's store and its garbage must not weigh on the server's run.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

        await using var server = await ServerProcess.StartAsync(Path.Combine(work, "server"), cancellationToken);
        Report($"Server started as process {server.ProcessId} on {server.Address}");
        await server.CollectGarbageAsync(cancellationToken);
        var idleWorkingSet = server.WorkingSetBytes();

        var ingest = new IngestDriver(server.Clients, settings);
        Report($"Warm-up: {workload.WarmUpStreamed.Events.Count:N0} events streamed and {workload.WarmUpUnary.Events.Count:N0} unary, with queries");
        var warmUp = ingest.StreamAsync(workload.WarmUpStreamed, new Latencies(), cancellationToken);
        await QueriesAsync(server.Clients, warmUp, new Latencies(), cancellationToken);
        await warmUp;
        await ingest.UnaryAsync(workload.WarmUpUnary, new Latencies(), cancellationToken);
        // Tiered compilation promotes hot methods in the background; let it catch up before measuring.
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);

        Report($"Streaming ingest: {workload.Streamed.Events.Count:N0} events over {workload.Streamed.Journeys:N0} journeys, with lead-time queries");
        var streamed = await QueriedIngestAsync(server, acks => ingest.StreamAsync(workload.Streamed, acks, cancellationToken), cancellationToken);

        Report($"Unary ingest: {workload.Unary.Events.Count:N0} events from {settings.UnaryCallers} callers");
        var unaryLatencies = new Latencies();
        var cpu = CpuMeter.Start(server);
        var (unary, unaryGc) = await WithGcPausesAsync(server, () => ingest.UnaryAsync(workload.Unary, unaryLatencies, cancellationToken), cancellationToken);
        var unaryCpu = cpu.Stop(unary.Events);
        Report($"  {unary.EventsPerSecond:N0} events/s; {Describe(unary)}; {unaryCpu}; p99 {unaryLatencies.Summary().P99Seconds:0.0} ms");
        Report($"  {unaryGc}");

        var lastPosition = Math.Max(streamed.Ingest.LastPosition, unary.LastPosition);
        Report($"Waiting for the live projection to reach position {lastPosition:N0}");
        await WaitForProjectionAsync(server.Clients, lastPosition, cancellationToken);

        Report($"Rebuild: the lead-time projection folded again from position zero, {settings.Rebuilds} times");
        cpu = CpuMeter.Start(server);
        var rebuilds = new List<RebuildFigures>();
        for (var i = 0; i < settings.Rebuilds; i++)
        {
            var one = await RebuildAsync(server.Clients, cancellationToken);
            rebuilds.Add(one);
            Report($"  {one.EventsPerSecond:N0} events/s ({one.Events:N0} events in {one.Seconds:0.00} s), equal to live: {one.Equal}");
        }
        var rebuild = RebuildRuns.Of(rebuilds);
        var rebuildCpu = cpu.Stop(rebuilds.Sum(r => r.Events));
        Report($"  median {rebuild.EventsPerSecond:N0} events/s, all equal to live: {rebuild.Equal}; {rebuildCpu}");

        var memory = await SettleMemoryAsync(server, cancellationToken);
        var journeys = workload.TotalJourneys;
        Report($"Memory: {memory / 1_048_576.0:N0} MiB resident after the run (idle at start {idleWorkingSet / 1_048_576.0:N0} MiB) for {journeys:N0} journeys");

        var live = await LiveAsync(server, ingest, workload.Live, cancellationToken);
        lastPosition = Math.Max(lastPosition, live.Ingest.LastPosition);

        var readNode = await ReadNodeAsync(server, ingest, workload.ReadNodeStreamed, Path.Combine(work, "server"), lastPosition, cancellationToken);

        var result = new BenchmarkResult(
            machine,
            DateTimeOffset.Now,
            settings,
            baseline.EventsPerSecond,
            baseline.Events,
            streamed,
            unary,
            unaryLatencies.Summary(),
            unaryCpu,
            unaryGc,
            rebuild,
            rebuildCpu,
            live,
            readNode,
            idleWorkingSet,
            memory,
            server.PeakWorkingSetBytes(),
            journeys,
            sinceStart.Elapsed,
            MachineInfo.LoadAverage());
        return result;
    }

    private void Report(string message) => progress($"[{sinceStart.Elapsed:mm\\:ss}] {message}");

    /// <summary>Runs a phase while watching the server's garbage collections.</summary>
    private static async Task<(T Result, GcPauses Gc)> WithGcPausesAsync<T>(ServerProcess server, Func<Task<T>> phase, CancellationToken cancellationToken)
    {
        await using var gc = GcPauseMeter.Start(server.ProcessId);
        var result = await phase();
        return (result, await gc.StopAsync(cancellationToken));
    }

    private static string Describe(IngestResult result) =>
        $"{result.Accepted:N0} accepted, {result.Duplicates:N0} duplicates, {result.Rejected:N0} rejected{(result.FirstRejection is { } r ? $" (first: {r})" : "")}";

    // A query is a few milliseconds, a few hundred under the heaviest ingest. One of some thirty runs on
    // 2026-12-03 waited for ever: its request got no response and the server had none in flight.
    private static readonly TimeSpan QueryDeadline = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Lead-time queries, one after another with a short pause, until <paramref name="until"/> completes. Returns
    /// how many got no answer within <see cref="QueryDeadline"/>; each is recorded at the time it waited.
    /// </summary>
    private async Task<int> QueriesAsync(BenchClients clients, Task until, Latencies latencies, CancellationToken cancellationToken)
    {
        using var channel = clients.Channel(Roles.ProcessOwner);
        var client = new Contract.LeadTimes.LeadTimesClient(channel);
        var request = new Contract.GetLeadTimesRequest();
        var unanswered = 0;
        while (!until.IsCompleted)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await client.GetLeadTimesAsync(request, deadline: DateTime.UtcNow + QueryDeadline, cancellationToken: cancellationToken);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded)
            {
                unanswered++;
            }
            latencies.RecordSince(start);
            await Task.WhenAny(until, Task.Delay(settings.QueryInterval, cancellationToken));
        }
        return unanswered;
    }

    /// <summary>
    /// Live ingest: agencies streaming small batches at a steady pace well below what the server can take (as they
    /// send what happens when it happens, rather than a backfill as fast as it goes), while a process owner queries.
    /// It runs on the settled server, after the backfill's journeys have gone idle, and sends their next steps: as in
    /// production, where a journey's steps are days apart, each event wakes its journey, which reads its history first.
    /// Its first queries are those a process owner makes as traffic resumes.
    /// </summary>
    private async Task<QueriedIngest> LiveAsync(ServerProcess server, IngestDriver ingest, JourneyBatch batch, CancellationToken cancellationToken)
    {
        Report($"Live ingest: {batch.Events.Count:N0} events, the next steps of {batch.Journeys:N0} idle journeys, at {settings.LiveEventsPerSecond:N0} events/s in batches of {settings.LiveBatchSize}, with lead-time queries");
        return await QueriedIngestAsync(
            server, acks => ingest.StreamAsync(batch, settings.LiveBatchSize, settings.LiveEventsPerSecond, acks, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Sends events with <paramref name="send"/> (recording each acknowledgement's latency) while a process owner asks
    /// for lead times, and measures the server meanwhile: its CPU per event and its collections.
    /// </summary>
    private async Task<QueriedIngest> QueriedIngestAsync(ServerProcess server, Func<Latencies, Task<IngestResult>> send, CancellationToken cancellationToken)
    {
        var acks = new Latencies();
        var queries = new Latencies();
        var cpu = CpuMeter.Start(server);
        var unanswered = 0;
        var (ingested, gc) = await WithGcPausesAsync(server, async () =>
        {
            var sending = send(acks);
            unanswered = await QueriesAsync(server.Clients, sending, queries, cancellationToken);
            return await sending;
        }, cancellationToken);
        var phase = new QueriedIngest(ingested, acks.Summary(), queries.Summary(), unanswered, cpu.Stop(ingested.Events), gc);
        Report($"  {ingested.EventsPerSecond:N0} events/s; {Describe(ingested)}; {phase.Cpu}; ack p50 {phase.Acks.MedianSeconds:0.00} / p99 {phase.Acks.P99Seconds:0.00} ms; query p50 {phase.Queries.MedianSeconds:0.00} / p99 {phase.Queries.P99Seconds:0.00} ms over {phase.Queries.Count:N0} queries");
        Report($"  {gc}");
        ReportUnanswered(unanswered, "the server");
        return phase;
    }

    /// <summary>
    /// The last phase: a read node started on the server's data directory and caught up with the log, then asked
    /// the same lead-time queries as the server while new journeys stream in. It runs last because on this
    /// machine it shares the two cores with the server, so its CPU would weigh on every figure measured beside it.
    /// </summary>
    private async Task<ReadNodeFigures> ReadNodeAsync(
        ServerProcess server, IngestDriver ingest, JourneyBatch batch, string dataDir, ulong lastPosition, CancellationToken cancellationToken)
    {
        await using var reader = await ServerProcess.StartAsync(dataDir, cancellationToken, ServerRole.Reader);
        Report($"Read node started as process {reader.ProcessId} on {reader.Address}; folding the log");
        await WaitForProjectionAsync(reader.Clients, lastPosition, cancellationToken);
        // Its first queries compile what the measured ones run.
        await QueriesAsync(reader.Clients, Task.Delay(TimeSpan.FromSeconds(2), cancellationToken), new Latencies(), cancellationToken);

        Report($"Read node: {batch.Events.Count:N0} events over {batch.Journeys:N0} new journeys streamed to the server, with lead-time queries to both");
        var serverQueries = new Latencies();
        var readerQueries = new Latencies();
        var cpu = CpuMeter.Start(reader);
        await using var gc = GcPauseMeter.Start(reader.ProcessId);
        var streaming = ingest.StreamAsync(batch, new Latencies(), cancellationToken);
        var unanswered = await Task.WhenAll(
            QueriesAsync(server.Clients, streaming, serverQueries, cancellationToken),
            QueriesAsync(reader.Clients, streaming, readerQueries, cancellationToken));
        var streamed = await streaming;
        var figures = new ReadNodeFigures(
            streamed,
            readerQueries.Summary(),
            unanswered[1],
            serverQueries.Summary(),
            unanswered[0],
            cpu.Stop(streamed.Events),
            await gc.StopAsync(cancellationToken),
            reader.PeakWorkingSetBytes());
        Report($"  {streamed.EventsPerSecond:N0} events/s; {Describe(streamed)}; query p99 on the read node {figures.Queries.P99Seconds:0.00} ms over {figures.Queries.Count:N0} queries, on the server {figures.ServerQueries.P99Seconds:0.00} ms over {figures.ServerQueries.Count:N0}");
        Report($"  read node: {figures.Cpu.ServerMicrosecondsPerEvent:0.0} µs of CPU per event streamed; {figures.Gc}");
        ReportUnanswered(figures.Unanswered, "the read node");
        ReportUnanswered(figures.ServerUnanswered, "the server");
        return figures;
    }

    private void ReportUnanswered(int count, string where)
    {
        if (count > 0)
        {
            Report($"  {count:N0} lead-time queries to {where} got no answer within {QueryDeadline.TotalSeconds:0} s (counted in the p99 at that)");
        }
    }

    private static async Task WaitForProjectionAsync(BenchClients clients, ulong position, CancellationToken cancellationToken)
    {
        using var channel = clients.Channel(Roles.ProcessOwner);
        var client = new Contract.LeadTimes.LeadTimesClient(channel);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            Contract.LeadTimesReport report;
            try
            {
                report = await client.GetLeadTimesAsync(new Contract.GetLeadTimesRequest(), deadline: DateTime.UtcNow + QueryDeadline, cancellationToken: cancellationToken);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded && DateTime.UtcNow < deadline)
            {
                continue;
            }
            if (report.Checkpoint >= position)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The live projection stayed at position {report.Checkpoint}, short of {position}.");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<RebuildFigures> RebuildAsync(BenchClients clients, CancellationToken cancellationToken)
    {
        using var channel = clients.Channel(Roles.Admin);
        using var call = new Contract.Admin.AdminClient(channel).Rebuild(new Contract.RebuildRequest(), cancellationToken: cancellationToken);
        await foreach (var progress in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (progress.Verdict is { } verdict)
            {
                return new RebuildFigures((long)verdict.Events, verdict.Seconds, verdict.EventsPerSecond, verdict.Equal);
            }
        }
        throw new InvalidOperationException("The server ended the rebuild without a verdict.");
    }

    /// <summary>
    /// The server's resident memory once idle: idle journey grains collected (their state comes back from
    /// the log), then a full garbage collection, sampled until it stops falling.
    /// </summary>
    private async Task<long> SettleMemoryAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var lowest = server.WorkingSetBytes();
        var samplesWithoutNewLow = 0;
        Report($"Letting the server settle: {lowest / 1_048_576.0:N0} MiB resident now");
        // The server gives memory back once it has been quiet for a while (15 s by default), and again as
        // idle grains are collected: a minute without a new low means it has settled.
        while (watch.Elapsed < settings.MemorySettleLimit && samplesWithoutNewLow < 5)
        {
            await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
            await server.CollectGarbageAsync(cancellationToken);
            var now = server.WorkingSetBytes();
            // A fall of less than 1% is noise, not settling.
            if (now < lowest * 0.99)
            {
                lowest = now;
                samplesWithoutNewLow = 0;
            }
            else
            {
                samplesWithoutNewLow++;
            }
            Report($"  {now / 1_048_576.0:N0} MiB resident after a full GC");
        }
        return server.WorkingSetBytes();
    }

}

/// <summary>
/// CPU time the server and this process spent in a phase, per event: a figure that, unlike throughput,
/// other work on the machine barely moves.
/// </summary>
internal sealed record PhaseCpu(TimeSpan Server, TimeSpan Client, long Events)
{
    public double ServerMicrosecondsPerEvent => Events == 0 ? 0 : Server.TotalMicroseconds / Events;

    public double ClientMicrosecondsPerEvent => Events == 0 ? 0 : Client.TotalMicroseconds / Events;

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"CPU per event: server {ServerMicrosecondsPerEvent:0.0} µs, bench {ClientMicrosecondsPerEvent:0.0} µs");
}

internal sealed class CpuMeter
{
    private readonly ServerProcess server;
    private readonly TimeSpan serverStart;
    private readonly TimeSpan clientStart;

    private CpuMeter(ServerProcess server)
    {
        this.server = server;
        serverStart = server.CpuTime();
        clientStart = Process.GetCurrentProcess().TotalProcessorTime;
    }

    public static CpuMeter Start(ServerProcess server) => new(server);

    public PhaseCpu Stop(long events) =>
        new(server.CpuTime() - serverStart, Process.GetCurrentProcess().TotalProcessorTime - clientStart, events);
}

/// <summary>The rebuild's own verdict: events folded and how fast, and whether replay equals live.</summary>
internal sealed record RebuildFigures(long Events, double Seconds, double EventsPerSecond, bool Equal);

/// <summary>
/// Rebuilds run one after another on the same log. A rebuild of a million events takes about a second, so
/// one garbage collection or a burst of other work on a shared machine moves a single run's figure by a
/// third; the median of several is the rebuild's speed, and every run is kept beside it.
/// </summary>
internal sealed record RebuildRuns(IReadOnlyList<RebuildFigures> Runs)
{
    public static RebuildRuns Of(IReadOnlyList<RebuildFigures> runs)
    {
        ArgumentOutOfRangeException.ThrowIfZero(runs.Count);
        return new RebuildRuns(runs);
    }

    /// <summary>Events one rebuild folds.</summary>
    public long Events => Runs[0].Events;

    /// <summary>The median run's speed (of an even number of runs, the slower of the middle two).</summary>
    public double EventsPerSecond => Runs.Select(r => r.EventsPerSecond).Order().ElementAt((Runs.Count - 1) / 2);

    /// <summary>Replay equals live in every run.</summary>
    public bool Equal => Runs.All(r => r.Equal);
}
