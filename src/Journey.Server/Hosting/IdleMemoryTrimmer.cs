using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;
using Journey.Server.Projections;
using Microsoft.Extensions.Options;

namespace Journey.Server.Hosting;

/// <summary>
/// Gives memory back once the server has gone quiet. A burst (an agency's backfill, a rebuild) leaves the
/// garbage collector with as much memory committed as the peak needed, and the native allocator with what
/// SQLite's caches have freed; a quiet server needs neither. After <see cref="MemoryOptions.IdleAfter"/>
/// without allocation to speak of, this silo's grains idle that long are deactivated and the lead-time
/// projection drops the cubes filtered queries are made from; then one compacting, aggressive collection
/// returns the collector's spare memory and, on Linux with glibc, <c>malloc_trim</c> the allocator's. While
/// the server stays quiet it trims again at doubling intervals, and not again once work resumes until the
/// next quiet spell.
/// </summary>
internal sealed partial class IdleMemoryTrimmer(IOptions<JourneyOptions> options, IGrainFactory grains, ILocalSiloDetails silo, ILogger<IdleMemoryTrimmer> logger) : BackgroundService
{
    private long trims;

    /// <summary>Trims done so far; tests use it.</summary>
    public long Trims => Interlocked.Read(ref trims);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var memory = options.Value.Memory;
        if (!memory.TrimWhenIdle)
        {
            return;
        }
        var quiet = new QuietSpell(memory.IdleAfter, memory.QuietBytesPerSecond);
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(QuietSpell.SamplePeriod(memory.IdleAfter));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (quiet.ShouldTrim(clock.Elapsed, GC.GetTotalAllocatedBytes()))
            {
                await TrimAsync(memory.IdleAfter);
            }
        }
    }

    private async Task TrimAsync(TimeSpan idleAfter)
    {
        var before = Environment.WorkingSet;
        try
        {
            // Grains of this silo idle as long as it has been quiet go now rather than at their age limit: a
            // journey's state comes back from its stream in one read. The projection is exempt (always active).
            await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection([silo.SiloAddress], idleAfter);
            // The month cubes filtered queries are made from: rebuilt by the next such query.
            await grains.Reference<ILeadTimeProjectionGrain>(LeadTimeProjectionGrain.Key).ReleaseCachesAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCollectionFailed(ex);
        }
        // Blocking: the process pauses for it, about a tenth of a second per 100 MB of live heap here. Quiet
        // spells are when that costs least, and trims grow rarer the longer one lasts.
        var pause = Stopwatch.StartNew();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        NativeHeap.Trim();
        Interlocked.Increment(ref trims);
        LogTrimmed(before / 1_048_576, Environment.WorkingSet / 1_048_576, GC.GetGCMemoryInfo().TotalCommittedBytes / 1_048_576, (long)pause.Elapsed.TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Idle grains could not be collected, or the projection's caches released, before trimming memory")]
    private partial void LogCollectionFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Quiet: memory given back, working set {BeforeMiB} MiB -> {AfterMiB} MiB (managed heap {ManagedMiB} MiB; collection took {Milliseconds} ms)")]
    private partial void LogTrimmed(long beforeMiB, long afterMiB, long managedMiB, long milliseconds);
}

/// <summary>
/// When a quiet process should trim: after <c>idleAfter</c> of allocating less than
/// <c>quietBytesPerSecond</c>, then after twice as long again, and so on while it stays quiet.
/// </summary>
internal sealed class QuietSpell(TimeSpan idleAfter, long quietBytesPerSecond)
{
    private TimeSpan? lastSample;
    private long lastAllocated;
    private TimeSpan? quietSince;
    private TimeSpan nextTrimAfter;

    /// <summary>How often to sample: a few times per <paramref name="idleAfter"/>.</summary>
    public static TimeSpan SamplePeriod(TimeSpan idleAfter) => idleAfter / 3;

    /// <param name="now">Time on a monotonic clock.</param>
    /// <param name="allocatedBytes">Bytes allocated by the process so far.</param>
    public bool ShouldTrim(TimeSpan now, long allocatedBytes)
    {
        if (lastSample is not { } previous)
        {
            lastSample = now;
            lastAllocated = allocatedBytes;
            return false;
        }
        var seconds = Math.Max((now - previous).TotalSeconds, 0.001);
        var rate = (allocatedBytes - lastAllocated) / seconds;
        lastSample = now;
        lastAllocated = allocatedBytes;
        if (rate >= quietBytesPerSecond)
        {
            quietSince = null;
            return false;
        }
        if (quietSince is not { } since)
        {
            // The quiet spell began at the previous sample at the latest.
            quietSince = previous;
            nextTrimAfter = idleAfter;
            return false;
        }
        if (now - since < nextTrimAfter)
        {
            return false;
        }
        nextTrimAfter = (now - since) * 2;
        return true;
    }
}

/// <summary>
/// The native allocator (glibc's malloc on Linux), which SQLite's caches and connections use: it keeps
/// freed memory in its arenas until asked to give it back. Elsewhere (musl, other systems) this does nothing.
/// </summary>
internal static partial class NativeHeap
{
    /// <summary>Returns the allocator's free memory to the system.</summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        try
        {
            MallocTrim(0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: its allocator keeps what it keeps.
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
