using Journey.Server.Journeys;

namespace Journey.Server.Tests;

/// <summary>What a journey grain keeps of its stored events: each found by its id, however many there are.</summary>
public sealed class StoredEventsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(200)]
    public void every_event_added_is_found_by_its_id_and_no_other_id_is(int count)
    {
        var stored = new JourneyGrain.StoredEvents();
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray();

        stored.Reserve(3);
        for (var i = 0; i < count; i++)
        {
            stored.Add(ids[i], new JourneyGrain.StoredEvent((ulong)i * 7, (ulong)i, (ulong)i * 100));
            if (i == count / 2)
            {
                stored.Trim(spare: 1);
            }
        }

        Assert.Equal(count, stored.Count);
        for (var i = 0; i < count; i++)
        {
            Assert.True(stored.TryGetValue(ids[i], out var found));
            Assert.Equal(new JourneyGrain.StoredEvent((ulong)i * 7, (ulong)i, (ulong)i * 100), found);
        }
        Assert.False(stored.TryGetValue(Guid.NewGuid(), out _));
        Assert.False(stored.TryGetValue(Guid.Empty, out _));

        stored.Clear();
        Assert.Equal(0, stored.Count);
        Assert.False(stored.TryGetValue(ids[0], out _));
    }
}
