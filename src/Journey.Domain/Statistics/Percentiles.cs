namespace Journey.Domain.Statistics;

/// <summary>
/// Percentiles as PRODUCT.md defines them: linear interpolation between closest ranks
/// (rank = p/100 · (n − 1), the method of NumPy's and PM4Py's default), so the median of an even
/// count is the mean of the two middle values.
/// </summary>
public static class Percentiles
{
    /// <summary>The <paramref name="percent"/>-th percentile of values already sorted ascending.</summary>
    public static double OfSorted(ReadOnlySpan<double> sorted, double percent)
    {
        if (sorted.IsEmpty)
        {
            return 0;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        var rank = percent / 100 * (sorted.Length - 1);
        var lower = (int)Math.Floor(rank);
        var upper = (int)Math.Ceiling(rank);
        if (lower == upper)
        {
            return sorted[lower];
        }
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - lower);
    }
}

/// <summary>Summary of a sample of durations in seconds.</summary>
public sealed record DurationSummary(
    long Count,
    double MinSeconds,
    double MeanSeconds,
    double MedianSeconds,
    double P90Seconds,
    double P95Seconds,
    double P99Seconds,
    double MaxSeconds)
{
    public static readonly DurationSummary Empty = new(0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Summarises the values; sorts <paramref name="seconds"/> in place.</summary>
    public static DurationSummary Of(Span<double> seconds)
    {
        if (seconds.IsEmpty)
        {
            return Empty;
        }
        seconds.Sort();
        double sum = 0;
        foreach (var s in seconds)
        {
            sum += s;
        }
        ReadOnlySpan<double> sorted = seconds;
        return new DurationSummary(
            sorted.Length,
            sorted[0],
            sum / sorted.Length,
            Percentiles.OfSorted(sorted, 50),
            Percentiles.OfSorted(sorted, 90),
            Percentiles.OfSorted(sorted, 95),
            Percentiles.OfSorted(sorted, 99),
            sorted[^1]);
    }
}
