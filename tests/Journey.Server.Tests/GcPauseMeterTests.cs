using Journey.Cli.Benchmarks;

namespace Journey.Server.Tests;

/// <summary>
/// The bench's view of a process's garbage collections, read over the runtime's diagnostics channel; here the
/// process is this test run itself, made to collect while it is watched.
/// </summary>
public sealed class GcPauseMeterTests
{
    [Fact]
    public async Task counts_the_collections_of_each_generation_and_times_their_pauses()
    {
        await using var meter = GcPauseMeter.Start(Environment.ProcessId);
        // The session is running once Start returns; give its first buffer a moment all the same.
        await Task.Delay(200);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        await Task.Delay(200);

        var gc = await meter.StopAsync(CancellationToken.None);

        // Other tests may collect meanwhile, so at least what this one caused. The runtime may collect more than
        // the generation asked for (a gen0 request becomes a gen1 collection when gen1's budget is spent too,
        // as it is while other tests allocate), never less.
        Assert.True(gc.Gen2 >= 2, $"gen2 {gc.Gen2}");
        Assert.True(gc.Collections >= 3, $"{gc.Collections} collections");
        // Every blocking collection stops the threads once, and a pause takes some time.
        Assert.True(gc.PausesMilliseconds.Count >= 3, $"{gc.PausesMilliseconds.Count} pauses");
        Assert.All(gc.PausesMilliseconds, pause => Assert.InRange(pause, 0.000_1, 10_000));
        Assert.InRange(gc.PausedShare, 0.000_001, 1);
        Assert.True(gc.LongestMilliseconds >= gc.MedianMilliseconds);
        Assert.Contains($"{gc.Collections} collections", gc.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void a_phase_without_collections_has_no_pauses()
    {
        var gc = new GcPauses(0, 0, 0, [], TimeSpan.FromSeconds(1));

        Assert.Equal((0, 0.0, 0.0, 0.0), (gc.Collections, gc.PausedShare, gc.MedianMilliseconds, gc.LongestMilliseconds));
    }

    [Fact]
    public void the_share_paused_is_the_sum_of_the_pauses_over_the_phase()
    {
        var gc = new GcPauses(2, 1, 0, [10, 30, 20], TimeSpan.FromMilliseconds(600));

        Assert.Equal(3, gc.Collections);
        Assert.Equal(0.1, gc.PausedShare, 9);
        Assert.Equal((20.0, 30.0), (gc.MedianMilliseconds, gc.LongestMilliseconds));
    }
}
