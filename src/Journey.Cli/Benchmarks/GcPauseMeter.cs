using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace Journey.Cli.Benchmarks;

/// <summary>
/// The server's garbage collections during one phase, as its runtime reports them over EventPipe: how many
/// of each generation, and every pause, from the moment the runtime starts suspending the server's threads
/// to the moment they run again. A pause stops every request, so a query's tail latency is no shorter than
/// the long pauses that fall on it.
/// </summary>
internal sealed class GcPauseMeter : IAsyncDisposable
{
    private const long GcKeyword = 0x1;

    private readonly EventPipeSession session;
    private readonly EventPipeEventSource source;
    private readonly Task processing;
    private readonly Stopwatch elapsed = Stopwatch.StartNew();
    private readonly int[] collections = new int[3];
    private readonly List<double> pauses = [];
    private double suspendedAt = double.NaN;

    private GcPauseMeter(int processId)
    {
        session = StartGcSession(processId);
        source = new EventPipeEventSource(session.EventStream);
        // The handlers run on the processing thread only; the figures are read once it has ended.
        source.Clr.GCStart += e => collections[Math.Clamp(e.Depth, 0, 2)]++;
        source.Clr.GCSuspendEEStart += e => suspendedAt = e.TimeStampRelativeMSec;
        source.Clr.GCRestartEEStop += e =>
        {
            if (!double.IsNaN(suspendedAt))
            {
                pauses.Add(e.TimeStampRelativeMSec - suspendedAt);
                suspendedAt = double.NaN;
            }
        };
        processing = Task.Factory.StartNew(() => source.Process(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public static GcPauseMeter Start(int processId) => new(processId);

    /// <summary>
    /// An EventPipe session on the runtime's GC events of <paramref name="processId"/>, with
    /// <paramref name="moreKeywords"/> (the GC-heap-collect keyword makes the runtime collect as the session starts).
    /// </summary>
    public static EventPipeSession StartGcSession(int processId, long moreKeywords = 0) =>
        new DiagnosticsClient(processId).StartEventPipeSession(
            new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GcKeyword | moreKeywords),
            requestRundown: false,
            circularBufferMB: 16);

    /// <summary>Ends the session and returns what it saw.</summary>
    public async Task<GcPauses> StopAsync(CancellationToken cancellationToken)
    {
        var phase = elapsed.Elapsed;
        await session.StopAsync(cancellationToken);
        await processing.WaitAsync(cancellationToken);
        return new GcPauses(collections[0], collections[1], collections[2], [.. pauses], phase);
    }

    public async ValueTask DisposeAsync()
    {
        if (!processing.IsCompleted)
        {
            try
            {
                await session.StopAsync(CancellationToken.None);
                await processing;
            }
            catch (Exception ex) when (ex is ServerNotAvailableException or IOException or InvalidOperationException)
            {
                // The server has gone: nothing more to read.
            }
        }
        source.Dispose();
        session.Dispose();
    }
}

/// <summary>Garbage collections of one phase: how many of each generation, and each pause in milliseconds.</summary>
internal sealed record GcPauses(int Gen0, int Gen1, int Gen2, IReadOnlyList<double> PausesMilliseconds, TimeSpan Phase)
{
    public int Collections => Gen0 + Gen1 + Gen2;

    /// <summary>The share of the phase the server's threads stood still.</summary>
    public double PausedShare => Phase <= TimeSpan.Zero ? 0 : PausesMilliseconds.Sum() / Phase.TotalMilliseconds;

    public double LongestMilliseconds => PausesMilliseconds.Count == 0 ? 0 : PausesMilliseconds.Max();

    /// <summary>The median pause (of an even number, the longer of the middle two).</summary>
    public double MedianMilliseconds => PausesMilliseconds.Count == 0 ? 0 : PausesMilliseconds.Order().ElementAt(PausesMilliseconds.Count / 2);

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"GC: {Collections} collections ({Gen0} gen0, {Gen1} gen1, {Gen2} gen2), paused {PausedShare:P1} of the phase, pauses median {MedianMilliseconds:0.0} ms, longest {LongestMilliseconds:0.0} ms");
}
