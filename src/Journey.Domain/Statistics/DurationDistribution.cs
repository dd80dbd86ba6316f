namespace Journey.Domain.Statistics;

/// <summary>
/// A mergeable distribution of durations (in ticks): every value is kept, and percentiles are exact, up to
/// <see cref="ExactLimit"/> values; beyond that it becomes a log-bucketed sketch in the manner of DDSketch
/// (Masson, Rim and Lee, VLDB 2019) whose percentiles have a relative error of at most
/// <see cref="RelativeAccuracy"/>.
/// </summary>
/// <remarks>
/// <para><b>Sketch.</b> A non-zero value v falls in bucket i = ⌈log_γ |v|⌉ with γ = (1 + α) / (1 − α), α =
/// <see cref="RelativeAccuracy"/>; positive and negative values have their own buckets and zero its own
/// count. Bucket i stands for 2γ^i / (γ + 1), which is within α·|v| of every value in it, so the k-th
/// smallest value read from the sketch is within α of the true k-th smallest. A percentile interpolates
/// between the two closest ranks as <see cref="Percentiles"/> does, so it is within α·max(|x_lo|, |x_hi|)
/// of the exact figure (relative error at most α when both ranks have the same sign). Estimates are clamped
/// to the exact minimum and maximum, which are kept.</para>
/// <para><b>Exact figures.</b> Count, sum (as a 128-bit tick total), mean, minimum and maximum are always
/// exact. The mean is the tick total over the count, so it does not depend on the order of the values.</para>
/// <para><b>Determinism.</b> The state depends only on the multiset of values added: the same values in any
/// order, or split into parts that are merged in any order, give the same figures to the last bit. That
/// is what lets projections merge months into a period and still equal a rebuild.</para>
/// <para>Memory: 8 bytes per value up to <see cref="ExactLimit"/>, then 8 bytes per bucket spanned
/// (about 1,700 buckets from one second to one year). Not thread-safe.</para>
/// </remarks>
public sealed class DurationDistribution
{
    /// <summary>Up to this many values, every value is kept and percentiles are exact.</summary>
    public const int ExactLimit = 2048;

    /// <summary>Relative accuracy α of the sketch's percentiles: 0.5 %, half the 1 % the figures promise.</summary>
    public const double RelativeAccuracy = 0.005;

    private static readonly double Gamma = (1 + RelativeAccuracy) / (1 - RelativeAccuracy);
    private static readonly double InverseLogGamma = 1 / Math.Log(Gamma);

    private long[]? exact = [];
    // The kept values' array once the values went to the sketch, for Reset to keep values in again.
    private long[]? spareExact;
    private int exactCount;
    // The kept values are in ascending order: made so by the first summary, kept so by merging sorted parts in order,
    // so a period's figures, merged from months summarised before, need no sort of their own.
    private bool sorted = true;
    private long count;
    private Int128 sum;
    private long min = long.MaxValue;
    private long max = long.MinValue;
    private long zeros;
    // Structs in the object itself: an add touches this object and one array, nothing in between.
    private Buckets positive = new();
    private Buckets negative = new();

    /// <summary>Values added.</summary>
    public long Count => count;

    /// <summary>True while every value is kept (at most <see cref="ExactLimit"/> values).</summary>
    public bool IsExact => exact is not null;

    /// <summary>The exact sum of the values, in seconds.</summary>
    public double TotalSeconds => (double)sum / TimeSpan.TicksPerSecond;

    /// <summary>Adds one duration in ticks.</summary>
    public void Add(long ticks)
    {
        count++;
        sum += ticks;
        min = Math.Min(min, ticks);
        max = Math.Max(max, ticks);
        if (exact is not null)
        {
            if (exactCount < ExactLimit)
            {
                if (exactCount == exact.Length)
                {
                    Array.Resize(ref exact, exactCount == 0 ? 4 : exactCount * 2);
                }
                sorted &= exactCount == 0 || exact[exactCount - 1] <= ticks;
                exact[exactCount++] = ticks;
                return;
            }
            ToSketch();
        }
        AddToSketch(ticks, 1);
    }

    /// <summary>
    /// Empties the distribution and keeps its arrays, so that adding about as many values again allocates nothing:
    /// for figures made again and again from a growing set (a report's cubes, made after every change).
    /// </summary>
    public void Reset()
    {
        count = 0;
        sum = 0;
        min = long.MaxValue;
        max = long.MinValue;
        zeros = 0;
        exact ??= spareExact ?? [];
        spareExact = null;
        exactCount = 0;
        sorted = true;
        positive.Clear();
        negative.Clear();
    }

    /// <summary>Adds every value of <paramref name="other"/>, whose values are left as they are (at most put in order).</summary>
    public void Merge(DurationDistribution other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.count == 0)
        {
            return;
        }
        count += other.count;
        sum += other.sum;
        min = Math.Min(min, other.min);
        max = Math.Max(max, other.max);
        if (exact is not null && other.exact is not null && exactCount + other.exactCount <= ExactLimit)
        {
            if (exact.Length < exactCount + other.exactCount)
            {
                Array.Resize(ref exact, Math.Max(exactCount + other.exactCount, exact.Length * 2));
            }
            // Each part is sorted once (in place, which changes neither multiset) and stays so for the next merge.
            MergeSorted(other.Sorted());
            exactCount += other.exactCount;
            return;
        }
        if (exact is not null)
        {
            ToSketch();
        }
        if (other.exact is not null)
        {
            for (var i = 0; i < other.exactCount; i++)
            {
                AddToSketch(other.exact[i], 1);
            }
            return;
        }
        zeros += other.zeros;
        positive.Merge(other.positive);
        negative.Merge(other.negative);
    }

    /// <summary>A new distribution holding the values of all the given ones.</summary>
    /// <remarks>
    /// Made in its final form at once, without growing: the values in one array of their number when they are few
    /// enough to keep, otherwise straight into the sketch. The state is the one merging them one by one would give
    /// (see the remarks on determinism), without the arrays outgrown on the way, which a report's figures, merging
    /// the cells of every month, service and initiator, allocated by the megabyte.
    /// </remarks>
    public static DurationDistribution Combine(IEnumerable<DurationDistribution> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var list = parts as IReadOnlyCollection<DurationDistribution> ?? [.. parts];
        long total = 0;
        var allExact = true;
        foreach (var part in list)
        {
            total += part.count;
            allExact &= part.exact is not null;
        }
        var result = new DurationDistribution
        {
            exact = !allExact || total > ExactLimit ? null : total == 0 ? [] : new long[total],
        };
        foreach (var part in list)
        {
            result.Merge(part);
        }
        return result;
    }

    /// <summary>
    /// The <paramref name="percent"/>-th percentile in seconds, by linear interpolation between closest
    /// ranks (<see cref="Percentiles"/>); exact while <see cref="IsExact"/>, otherwise within
    /// <see cref="RelativeAccuracy"/> as the remarks say. Zero when empty.
    /// </summary>
    public double Percentile(double percent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (count == 0)
        {
            return 0;
        }
        if (exact is not null)
        {
            return ExactPercentile(Sorted(), percent);
        }
        return Interpolated(percent);
    }

    /// <summary>Count, minimum, mean, median, p90, p95, p99 and maximum in seconds.</summary>
    public DurationSummary Summarise()
    {
        if (count == 0)
        {
            return DurationSummary.Empty;
        }
        var mean = (double)sum / count / TimeSpan.TicksPerSecond;
        if (exact is not null)
        {
            var sorted = Sorted();
            return new DurationSummary(
                count,
                Seconds(sorted[0]),
                mean,
                ExactPercentile(sorted, 50),
                ExactPercentile(sorted, 90),
                ExactPercentile(sorted, 95),
                ExactPercentile(sorted, 99),
                Seconds(sorted[^1]));
        }
        return new DurationSummary(
            count,
            Seconds(min),
            mean,
            Interpolated(50),
            Interpolated(90),
            Interpolated(95),
            Interpolated(99),
            Seconds(max));
    }

    private ReadOnlySpan<long> Sorted()
    {
        // Sorting the kept values in place changes nothing observable: they are a multiset.
        var values = exact.AsSpan(0, exactCount);
        if (!sorted)
        {
            values.Sort();
            sorted = true;
        }
        return values;
    }

    /// <summary>
    /// Merges the ascending <paramref name="other"/> into the kept values (sorted first when they are not), from the
    /// back, in the room after them (which the caller has made); <see cref="exactCount"/> is the caller's to advance.
    /// </summary>
    private void MergeSorted(ReadOnlySpan<long> other)
    {
        var values = exact!;
        if (other.IsEmpty || exactCount == 0 || Sorted()[^1] <= other[0])
        {
            // All of them after all of these, or one side empty: in order as they are.
            other.CopyTo(values.AsSpan(exactCount));
            return;
        }
        var mine = exactCount - 1;
        var theirs = other.Length - 1;
        for (var at = exactCount + other.Length - 1; theirs >= 0; at--)
        {
            values[at] = mine >= 0 && values[mine] > other[theirs] ? values[mine--] : other[theirs--];
        }
    }

    /// <summary>
    /// <see cref="Percentiles.OfSorted"/> read straight from sorted ticks, each converted to seconds as it is read: the
    /// same figure to the last bit, without a copy of the values in seconds for every summary.
    /// </summary>
    private static double ExactPercentile(ReadOnlySpan<long> sorted, double percent)
    {
        var rank = percent / 100 * (sorted.Length - 1);
        var lower = (int)Math.Floor(rank);
        var upper = (int)Math.Ceiling(rank);
        var low = Seconds(sorted[lower]);
        return lower == upper ? low : low + (Seconds(sorted[upper]) - low) * (rank - lower);
    }

    private double Interpolated(double percent)
    {
        var rank = percent / 100 * (count - 1);
        var lower = (long)Math.Floor(rank);
        var upper = (long)Math.Ceiling(rank);
        var low = ValueAtRank(lower);
        var high = upper == lower ? low : ValueAtRank(upper);
        return Seconds(low) + (Seconds(high) - Seconds(low)) * (rank - lower);
    }

    /// <summary>The sketch's estimate of the value of 0-based rank <paramref name="rank"/>, in ticks.</summary>
    private double ValueAtRank(long rank)
    {
        double estimate;
        var seen = 0L;
        // Ascending values are descending magnitudes.
        for (var i = negative.Counts.Length - 1; i >= 0; i--)
        {
            seen += negative.Counts[i];
            if (seen > rank)
            {
                estimate = -Representative(negative.Offset + i);
                return Math.Clamp(estimate, min, max);
            }
        }
        seen += zeros;
        if (seen > rank)
        {
            return Math.Clamp(0, min, max);
        }
        for (var i = 0; i < positive.Counts.Length; i++)
        {
            seen += positive.Counts[i];
            if (seen > rank)
            {
                estimate = Representative(positive.Offset + i);
                return Math.Clamp(estimate, min, max);
            }
        }
        return max;
    }

    private static double Representative(int index) => 2 * Math.Pow(Gamma, index) / (Gamma + 1);

    private static int Index(long magnitude) => (int)Math.Ceiling(Math.Log(magnitude) * InverseLogGamma);

    private static double Seconds(double ticks) => ticks / TimeSpan.TicksPerSecond;

    private void ToSketch()
    {
        var values = exact!;
        var n = exactCount;
        spareExact = values;
        exact = null;
        exactCount = 0;
        for (var i = 0; i < n; i++)
        {
            AddToSketch(values[i], 1);
        }
    }

    private void AddToSketch(long ticks, long times)
    {
        if (ticks > 0)
        {
            positive.Add(Index(ticks), times);
        }
        else if (ticks < 0)
        {
            // long.MinValue has no positive counterpart; a duration that long does not occur.
            negative.Add(Index(ticks == long.MinValue ? long.MaxValue : -ticks), times);
        }
        else
        {
            zeros += times;
        }
    }

    /// <summary>Dense counts for a contiguous range of bucket indices, grown on either side as needed.</summary>
    private struct Buckets()
    {
        public long[] Counts { get; private set; } = [];

        /// <summary>The bucket index of <c>Counts[0]</c>.</summary>
        public int Offset { get; private set; }

        public void Add(int index, long times)
        {
            if (Counts.Length == 0)
            {
                Counts = new long[16];
                Offset = index - 8;
            }
            Ensure(index);
            Counts[index - Offset] += times;
        }

        /// <summary>Every count back to zero; the range stays allocated.</summary>
        public readonly void Clear() => Array.Clear(Counts);

        public void Merge(in Buckets other)
        {
            if (other.Counts.Length == 0)
            {
                return;
            }
            if (Counts.Length == 0)
            {
                Counts = (long[])other.Counts.Clone();
                Offset = other.Offset;
                return;
            }
            Ensure(other.Offset);
            Ensure(other.Offset + other.Counts.Length - 1);
            for (var i = 0; i < other.Counts.Length; i++)
            {
                Counts[other.Offset + i - Offset] += other.Counts[i];
            }
        }

        private void Ensure(int index)
        {
            if (index < Offset)
            {
                // Grow by at least half again, so repeated extension stays amortised.
                var grow = Math.Max(Offset - index, Counts.Length / 2);
                var counts = new long[Counts.Length + grow];
                Array.Copy(Counts, 0, counts, grow, Counts.Length);
                Counts = counts;
                Offset -= grow;
            }
            else if (index >= Offset + Counts.Length)
            {
                var grow = Math.Max(index - (Offset + Counts.Length) + 1, Counts.Length / 2);
                var counts = new long[Counts.Length + grow];
                Array.Copy(Counts, counts, Counts.Length);
                Counts = counts;
            }
        }
    }
}
