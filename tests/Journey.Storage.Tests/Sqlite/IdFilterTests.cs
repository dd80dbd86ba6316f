using Journey.Storage.Sqlite;

namespace Journey.Storage.Tests.Sqlite;

/// <summary>The writer's Bloom filter over event ids: never "not stored" for an id it holds, rarely "maybe" for one it does not.</summary>
public sealed class IdFilterTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void every_added_id_may_be_contained_and_few_others_seem_to_be(bool timeOrdered)
    {
        var filter = new IdFilter(100_000);
        var added = Ids(100_000, timeOrdered, seed: 1);
        var others = Ids(100_000, timeOrdered, seed: 2);

        foreach (var id in added)
        {
            filter.Add(id);
        }

        Assert.All(added, id => Assert.True(filter.MayContain(id)));
        var falseMaybes = others.Count(filter.MayContain);
        // Sized for about one in a hundred; the bound leaves room for chance.
        Assert.InRange(falseMaybes, 0, 2_500);
        Assert.Equal(100_000, filter.Count);
    }

    [Fact]
    public void a_filter_outgrown_many_times_over_still_finds_every_id_and_seldom_others()
    {
        var filter = new IdFilter(0);
        var added = Ids(1_000_000, timeOrdered: false, seed: 3);
        var others = Ids(200_000, timeOrdered: false, seed: 4);

        foreach (var id in added)
        {
            filter.Add(id);
        }

        // 65,536, then 131,072, 262,144 and 524,288 more, and the last 16,960 in a fifth layer.
        Assert.Equal(5, filter.Layers);
        Assert.True(filter.Capacity >= filter.Count);
        Assert.All(added, id => Assert.True(filter.MayContain(id)));
        // All layers together: about 1.4 % when all are full (here the last one is nearly empty).
        Assert.InRange(others.Count(filter.MayContain), 0, 2 * 200_000 / 100);
    }

    [Fact]
    public void an_empty_filter_holds_nothing()
    {
        var filter = new IdFilter(0);

        Assert.False(filter.MayContain(Guid.NewGuid()));
        Assert.True(filter.Capacity > 0);
    }

    // Random UUIDs, or version 7 ones (a millisecond clock in the first six bytes) as agencies may send them.
    private static List<Guid> Ids(int count, bool timeOrdered, int seed)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero).AddHours(seed);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            if (!timeOrdered)
            {
                var bytes = new byte[16];
                random.NextBytes(bytes);
                return new Guid(bytes);
            }
            return Guid.CreateVersion7(start.AddMilliseconds(i / 4));
        })];
    }
}
