using System.Text;
using System.Text.Json;

namespace Journey.Storage.Tests;

/// <summary>Helpers for event-store tests: unique names, events, and reading subscriptions.</summary>
public static class StoreTestKit
{
    /// <summary>Waits for a state, not for a time: the guard (two minutes) only stops a hang.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (!condition())
        {
            await Task.Delay(5, guard.Token);
        }
    }

    /// <summary>A stream no other test writes: <c>{category}-{guid}</c>.</summary>
    public static string NewStream(string category) => $"{category}-{Guid.NewGuid():N}";

    /// <summary>A stream-name prefix no other test uses, for $all filters.</summary>
    public static string NewPrefix() => $"c{Guid.NewGuid():N}";

    /// <summary>Events with JSON data (with non-ASCII text) and correlation/causation metadata.</summary>
    public static List<EventData> Events(int count, string type = "conformance.happened")
    {
        var correlation = Guid.NewGuid();
        return [.. Enumerable.Range(0, count).Select(i => new EventData(
            Guid.NewGuid(),
            type,
            JsonSerializer.SerializeToUtf8Bytes(new { index = i, note = "søknad om barnetrygd", at = DateTimeOffset.UtcNow }),
            JsonSerializer.SerializeToUtf8Bytes(new { correlationId = correlation, causationId = Guid.NewGuid() })))];
    }

    /// <summary>A real log event as the store would hold it.</summary>
    public static EventData ToEventData(LogEvent e) => new(
        Guid.NewGuid(),
        e.Activity,
        JsonSerializer.SerializeToUtf8Bytes(new { activity = e.Activity, occurredAt = e.Timestamp, resource = e.Resource }),
        Encoding.UTF8.GetBytes("{}"));

    /// <summary>Appends one event to a fresh stream and returns its position: a safe start for $all reads on a shared store.</summary>
    public static async Task<ulong> MarkAsync(IEventStore store)
    {
        var result = await store.AppendAsync(NewStream("marker"), ExpectedRevision.NoStream, Events(1, "conformance.marker"));
        return result.Positions[0];
    }

    public static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }
        return list;
    }

    public static async Task<int> CountAsync(IEventStore store, string stream) =>
        (await ToListAsync(store.ReadStreamAsync(stream, ReadDirection.Forwards))).Count;

    /// <summary>Reads a subscription until <paramref name="done"/> holds for a message, then stops it.</summary>
    public static async Task<List<SubscriptionMessage>> ReadUntilAsync(IAsyncEnumerable<SubscriptionMessage> subscription, Func<SubscriptionMessage, bool> done)
    {
        await using var messages = subscription.GetAsyncEnumerator();
        return await ReadUntilAsync(messages, done);
    }

    /// <summary>Reads on from where the enumerator is until <paramref name="done"/> holds for a message.</summary>
    public static async Task<List<SubscriptionMessage>> ReadUntilAsync(IAsyncEnumerator<SubscriptionMessage> messages, Func<SubscriptionMessage, bool> done)
    {
        var read = new List<SubscriptionMessage>();
        while (await messages.MoveNextAsync())
        {
            read.Add(messages.Current);
            if (done(messages.Current))
            {
                return read;
            }
        }
        throw new Xunit.Sdk.XunitException($"The subscription ended after {read.Count} messages without the one awaited.");
    }

    public static List<RecordedEvent> Delivered(IEnumerable<SubscriptionMessage> messages) =>
        [.. messages.OfType<EventAppeared>().Select(m => m.Event)];

    /// <summary>Where a consumer that stopped after <paramref name="messages"/> resumes: its last event or checkpoint.</summary>
    public static ulong ResumePoint(IEnumerable<SubscriptionMessage> messages, ulong start)
    {
        var resume = start;
        foreach (var message in messages)
        {
            resume = message switch
            {
                EventAppeared e => e.Event.Position,
                Checkpoint c => c.Position,
                _ => resume,
            };
        }
        return resume;
    }

    /// <summary>
    /// Events in strictly increasing positions, never at or below a checkpoint already sent; checkpoints
    /// never behind an event already sent; at most one CaughtUp.
    /// </summary>
    public static void AssertWellOrdered(IEnumerable<SubscriptionMessage> messages)
    {
        ulong? lastEvent = null;
        ulong? lastCheckpoint = null;
        var caughtUp = 0;
        foreach (var message in messages)
        {
            switch (message)
            {
                case EventAppeared e:
                    Assert.True(lastEvent is null || e.Event.Position > lastEvent, $"Event at {e.Event.Position} after event at {lastEvent}.");
                    Assert.True(lastCheckpoint is null || e.Event.Position > lastCheckpoint, $"Event at {e.Event.Position} after checkpoint {lastCheckpoint}.");
                    lastEvent = e.Event.Position;
                    break;
                case Checkpoint c:
                    Assert.True(lastEvent is null || c.Position >= lastEvent, $"Checkpoint {c.Position} behind event at {lastEvent}.");
                    Assert.True(lastCheckpoint is null || c.Position >= lastCheckpoint, $"Checkpoint {c.Position} behind checkpoint {lastCheckpoint}.");
                    lastCheckpoint = c.Position;
                    break;
                case CaughtUp:
                    caughtUp++;
                    break;
            }
        }
        Assert.True(caughtUp <= 1, $"{caughtUp} CaughtUp messages.");
    }

    public static void AssertSame(EventData written, RecordedEvent read)
    {
        Assert.Equal(written.EventId, read.EventId);
        Assert.Equal(written.Type, read.Type);
        Assert.Equal(written.Data.ToArray(), read.Data.ToArray());
        Assert.Equal(written.Metadata.ToArray(), read.Metadata.ToArray());
    }

    public static void AssertStrictlyIncreasing(IEnumerable<ulong> positions)
    {
        ulong? previous = null;
        foreach (var position in positions)
        {
            Assert.True(previous is null || position > previous, $"Position {position} follows {previous}.");
            previous = position;
        }
    }

    public static ulong[] Range(ulong start, int count) => [.. Enumerable.Range(0, count).Select(i => start + (ulong)i)];
}
