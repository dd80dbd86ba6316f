using Journey.Domain.Statistics;

namespace Journey.Domain.Tests.Statistics;

public sealed class DurationDistributionTests
{
    private const long Second = TimeSpan.TicksPerSecond;
    private static readonly double[] Ranks = [0, 1, 10, 25, 50, 75, 90, 95, 99, 100];

    [Fact]
    public void a_small_group_gives_the_exact_figures_of_the_percentile_definition()
    {
        var distribution = new DurationDistribution();
        foreach (var hours in new[] { 4, 1, 10, 2 })
        {
            distribution.Add(hours * 3600 * Second);
        }

        var summary = distribution.Summarise();

        Assert.True(distribution.IsExact);
        // 1, 2, 4, 10 hours: median (2 + 4) / 2 = 3 h; p90 at rank 2.7 = 4 + 0.7 · 6 = 8.2 h.
        Assert.Equal(4, summary.Count);
        Assert.Equal(3600, summary.MinSeconds);
        Assert.Equal(17 * 3600 / 4.0, summary.MeanSeconds);
        Assert.Equal(3 * 3600, summary.MedianSeconds);
        Assert.Equal(8.2 * 3600, summary.P90Seconds, 6);
        Assert.Equal(36_000, summary.MaxSeconds);
    }

    [Fact]
    public void up_to_the_limit_every_percentile_equals_the_exact_one()
    {
        var values = Sample(new Random(3), DurationDistribution.ExactLimit);
        var distribution = Of(values);

        Assert.True(distribution.IsExact);
        var sorted = values.Select(v => v / (double)Second).Order().ToArray();
        foreach (var p in Ranks)
        {
            Assert.Equal(Percentiles.OfSorted(sorted, p), distribution.Percentile(p));
        }
        // The summary reads the same ranks, to the last bit.
        var summary = distribution.Summarise();
        Assert.Equal(
            (sorted[0], Percentiles.OfSorted(sorted, 50), Percentiles.OfSorted(sorted, 90), Percentiles.OfSorted(sorted, 95), Percentiles.OfSorted(sorted, 99), sorted[^1]),
            (summary.MinSeconds, summary.MedianSeconds, summary.P90Seconds, summary.P95Seconds, summary.P99Seconds, summary.MaxSeconds));
    }

    [Theory]
    [InlineData("log-normal, seconds to months", 1)]
    [InlineData("uniform over a year", 2)]
    [InlineData("a few distinct values", 3)]
    [InlineData("mostly zeros", 4)]
    [InlineData("negative and positive", 5)]
    [InlineData("heavy tail", 6)]
    public void beyond_the_limit_percentiles_stay_within_the_stated_relative_error(string shape, int seed)
    {
        var random = new Random(seed);
        var values = seed switch
        {
            1 => Sample(random, 200_000),
            2 => Enumerable.Range(0, 100_000).Select(_ => random.NextInt64(1, 365L * 86_400 * Second)).ToArray(),
            3 => Enumerable.Range(0, 50_000).Select(_ => new[] { 60L, 3600, 86_400 }[random.Next(3)] * Second).ToArray(),
            4 => Enumerable.Range(0, 50_000).Select(_ => random.Next(10) == 0 ? random.NextInt64(1, 1000 * Second) : 0).ToArray(),
            5 => Enumerable.Range(0, 80_000).Select(_ => random.NextInt64(-30L * 86_400 * Second, 60L * 86_400 * Second)).ToArray(),
            _ => Enumerable.Range(0, 80_000).Select(_ => (long)(Second * Math.Pow(10, 1 + 7 * Math.Pow(random.NextDouble(), 4)))).ToArray(),
        };
        var distribution = Of(values);
        Assert.False(distribution.IsExact, shape);

        var sorted = values.Select(v => v / (double)Second).Order().ToArray();
        foreach (var p in Ranks)
        {
            var exact = Percentiles.OfSorted(sorted, p);
            var rank = p / 100 * (sorted.Length - 1);
            // The bound the remarks state: α times the larger magnitude of the two closest ranks.
            var scale = Math.Max(Math.Abs(sorted[(int)Math.Floor(rank)]), Math.Abs(sorted[(int)Math.Ceiling(rank)]));
            var error = Math.Abs(distribution.Percentile(p) - exact);
            // 0.5 % stated, so well inside the 1 % the figures promise.
            Assert.True(
                error <= DurationDistribution.RelativeAccuracy * scale + 1e-9 && error <= 0.01 * scale + 1e-9,
                $"{shape}: p{p} = {distribution.Percentile(p)} vs exact {exact} (error {error / Math.Max(scale, 1e-300):P3})");
        }
        // Count, mean, minimum and maximum stay exact.
        var summary = distribution.Summarise();
        Assert.Equal(values.Length, summary.Count);
        Assert.Equal((double)values.Select(v => (decimal)v).Sum() / values.Length / Second, summary.MeanSeconds, 6);
        Assert.Equal(sorted[0], summary.MinSeconds);
        Assert.Equal(sorted[^1], summary.MaxSeconds);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(DurationDistribution.ExactLimit)]      // combined into exactly the values it may keep
    [InlineData(DurationDistribution.ExactLimit + 1)]  // one more: combined straight into the sketch
    [InlineData(30_000)]                               // parts that are sketches themselves
    public void parts_merged_in_any_order_give_the_same_figures_as_adding_every_value(int count)
    {
        var random = new Random(count);
        var values = Sample(random, count);
        var whole = Of(values);

        // Split into uneven parts, merged in shuffled order, some through an intermediate merge.
        var parts = values.Chunk(1 + count / 7).Select(Of).ToList();
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(parts));
        var left = DurationDistribution.Combine(parts.Take(parts.Count / 2));
        var merged = new DurationDistribution();
        merged.Merge(DurationDistribution.Combine(parts.Skip(parts.Count / 2)));
        merged.Merge(left);

        Assert.Equal(whole.IsExact, merged.IsExact);
        Assert.Equal(whole.Summarise(), merged.Summarise());
        // Order of the values alone changes nothing either.
        var reversed = values.Reverse().ToArray();
        Assert.Equal(whole.Summarise(), Of(reversed).Summarise());
    }

    [Fact]
    public void merging_leaves_the_other_distribution_unchanged()
    {
        var small = Of([1 * Second, 2 * Second, 3 * Second]);
        var large = Of(Sample(new Random(5), 5_000));
        var before = small.Summarise();

        large.Merge(small);
        var again = new DurationDistribution();
        again.Merge(small);

        Assert.Equal(before, small.Summarise());
        Assert.Equal(before, again.Summarise());
        Assert.Equal(5_003, large.Count);
    }

    [Fact]
    public void an_empty_distribution_has_zero_figures()
    {
        var empty = new DurationDistribution();

        Assert.Equal(DurationSummary.Empty, empty.Summarise());
        Assert.Equal(0, empty.Percentile(50));
        Assert.True(empty.IsExact);
    }

    /// <summary>Log-normal durations from seconds to months, as lead times are.</summary>
    private static long[] Sample(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ =>
        {
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return (long)(Second * Math.Exp(11 + 2.5 * normal));
        })];

    private static DurationDistribution Of(IEnumerable<long> ticks)
    {
        var distribution = new DurationDistribution();
        foreach (var t in ticks)
        {
            distribution.Add(t);
        }
        return distribution;
    }
}
