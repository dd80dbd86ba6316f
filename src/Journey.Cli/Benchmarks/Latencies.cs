using System.Diagnostics;
using Journey.Domain.Statistics;

namespace Journey.Cli.Benchmarks;

/// <summary>Latencies recorded from many tasks at once, summarised with the percentiles PRODUCT.md defines.</summary>
internal sealed class Latencies
{
    private readonly List<double> milliseconds = [];

    public int Count
    {
        get
        {
            lock (milliseconds)
            {
                return milliseconds.Count;
            }
        }
    }

    /// <summary>Records the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void RecordSince(long startTimestamp)
    {
        var elapsed = Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
        lock (milliseconds)
        {
            milliseconds.Add(elapsed);
        }
    }

    public DurationSummary Summary()
    {
        lock (milliseconds)
        {
            // DurationSummary is unit-agnostic; these are milliseconds.
            return DurationSummary.Of(System.Runtime.InteropServices.CollectionsMarshal.AsSpan([.. milliseconds]));
        }
    }
}
