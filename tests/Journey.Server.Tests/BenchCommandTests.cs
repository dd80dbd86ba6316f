using System.Text.Json;
using Journey.Server.Tests.Infrastructure;

namespace Journey.Server.Tests;

/// <summary>
/// <c>journey bench</c> end to end on a tiny workload: the child server starts, every phase runs and the JSON
/// holds every figure under its documented name. Speeds are not judged here (CI never times anything); the
/// figures come from <c>journey bench</c> runs written down in BENCHMARKS.md.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class BenchCommandTests
{
    [Fact]
    public async Task a_small_run_goes_through_every_phase_and_writes_every_figure()
    {
        var json = Path.Combine(TempDirectory.Create("journey-bench-test"), "bench.json");

        var (exit, output, error) = await CommandLine.RunAsync(
            "bench", "--events", "2000", "--unary-events", "200", "--settle-seconds", "0", "--rebuilds", "2", "--json", json);

        // 0 when every target is met, 3 when one is not: a run this small meets few.
        Assert.True(exit is 0 or 3, $"exit {exit}: {error}");
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = document.RootElement;
        Assert.Equal((2000, 0), (root.GetProperty("streamingIngestEvents").GetInt32(), root.GetProperty("streamingRejected").GetInt32()));
        Assert.Equal((200, 0), (root.GetProperty("unaryIngestEvents").GetInt32(), root.GetProperty("unaryRejected").GetInt32()));
        foreach (var figure in new[]
        {
            "storeBaselineEventsPerSecond", "streamingIngestEventsPerSecond", "unaryIngestEventsPerSecond",
            "rebuildEventsPerSecond", "queryP99Milliseconds", "serverWorkingSetBytes",
            "liveIngestEventsPerSecond", "liveQueryP99Milliseconds", "liveQueries", "liveServerCpuMicrosecondsPerEvent",
            "readNodeQueryP99Milliseconds", "readNodeQueries", "readNodePeakWorkingSetBytes",
        })
        {
            Assert.True(root.GetProperty(figure).GetDouble() > 0, figure);
        }
        // A process's CPU time is counted in clock ticks of 10 ms: in a run this small, the read node may fold its
        // 500 events and answer its queries within one, and its figure is then 0 (CI saw it once).
        Assert.True(root.GetProperty("readNodeCpuMicrosecondsPerEvent").GetDouble() >= 0, "readNodeCpuMicrosecondsPerEvent");
        Assert.True(root.TryGetProperty("bytesPerJourney", out _));
        Assert.Equal((0, 0, 0), (root.GetProperty("queriesUnanswered").GetInt32(), root.GetProperty("liveQueriesUnanswered").GetInt32(), root.GetProperty("readNodeQueriesUnanswered").GetInt32()));
        // The live phase: a tenth of the events (the backfill's journeys' next steps), every one stored, at the pace asked for (the default).
        Assert.Equal((200, 0, 5000), (root.GetProperty("liveIngestEvents").GetInt32(), root.GetProperty("liveRejected").GetInt32(), root.GetProperty("liveIngestTargetEventsPerSecond").GetInt32()));
        // The server's garbage collections during each ingest phase, and the read node's while streaming (a run this small may have none).
        foreach (var phase in new[] { "streamingServer", "unaryServer", "liveServer", "readNode" })
        {
            Assert.True(root.GetProperty($"{phase}GcCollections").GetInt32() >= 0);
            var share = root.GetProperty($"{phase}GcPausedShare").GetDouble();
            var median = root.GetProperty($"{phase}GcPauseMedianMilliseconds").GetDouble();
            var longest = root.GetProperty($"{phase}GcPauseLongestMilliseconds").GetDouble();
            Assert.InRange(share, 0, 1);
            Assert.True(longest >= median && median >= 0, $"{phase}: median {median}, longest {longest}");
        }
        // Two rebuilds, both equal to live; the figure is the slower of the two (the median of an even count).
        var runs = root.GetProperty("rebuildRunsEventsPerSecond").EnumerateArray().Select(r => r.GetDouble()).ToList();
        Assert.Equal(2, runs.Count);
        Assert.Equal(runs.Min(), root.GetProperty("rebuildEventsPerSecond").GetDouble());
        Assert.True(root.GetProperty("rebuildEqualsLive").GetBoolean());
        Assert.Equal(8, root.GetProperty("targets").GetArrayLength());
        Assert.Contains("Rebuild from position zero (median of 2)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task reports_only_times_reports_made_from_scratch_and_again_after_recent_and_spread_steps()
    {
        var json = Path.Combine(TempDirectory.Create("journey-bench-test"), "reports.json");

        var (exit, output, error) = await CommandLine.RunAsync("bench", "--reports-only", "--journeys", "2400", "--json", json);

        Assert.True(exit == 0, $"exit {exit}: {error}");
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = document.RootElement;
        Assert.Equal(2400, root.GetProperty("journeys").GetInt32());
        Assert.True(root.GetProperty("events").GetInt64() > 2400 * 5, root.ToString());
        Assert.True(root.GetProperty("months").GetInt32() >= 12, root.ToString());
        Assert.Equal(3, root.GetProperty("reportFromScratchReports").GetInt32());
        // About a twelfth of the journeys are born in the year's last month: 200 last steps, one report.
        foreach (var phase in new[] { "reportFromScratch", "reportAfterRecentSteps", "reportAfterSpreadSteps" })
        {
            Assert.True(root.GetProperty(phase + "Reports").GetInt32() >= 1, phase);
            Assert.True(root.GetProperty(phase + "MedianMilliseconds").GetDouble() > 0, phase);
            Assert.True(root.GetProperty(phase + "MaxMilliseconds").GetDouble() >= root.GetProperty(phase + "MedianMilliseconds").GetDouble(), phase);
        }
        Assert.Contains("steps of the latest month's journeys", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task store_only_grows_one_store_step_by_step_and_writes_each_step()
    {
        var json = Path.Combine(TempDirectory.Create("journey-bench-test"), "growth.json");

        var (exit, output, error) = await CommandLine.RunAsync("bench", "--store-only", "--events", "2500", "--step", "1000", "--json", json);

        Assert.True(exit == 0, $"exit {exit}: {error}");
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var steps = document.RootElement.GetProperty("storeGrowth").EnumerateArray().ToList();
        Assert.Equal([1000L, 2000L, 2500L], steps.Select(s => s.GetProperty("eventsInStore").GetInt64()));
        Assert.All(steps, s => Assert.True(s.GetProperty("eventsPerSecond").GetDouble() > 0));
        // Linux says what the process wrote to storage: at least the events themselves, durably (nothing, where the
        // temp folder lives in memory).
        if (OperatingSystem.IsLinux())
        {
            var onDisk = new DriveInfo(Path.GetTempPath()).DriveFormat != "tmpfs";
            Assert.All(steps, s => Assert.True(s.GetProperty("bytesWrittenPerEvent").GetDouble() > (onDisk ? 100 : -1), s.ToString()));
        }
        Assert.Equal(1000, document.RootElement.GetProperty("step").GetInt32());
        Assert.Contains("Written to disk per event", output, StringComparison.Ordinal);
    }
}
