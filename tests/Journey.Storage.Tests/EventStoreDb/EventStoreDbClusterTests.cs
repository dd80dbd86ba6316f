using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Journey.Storage.EventStoreDb;
using static Journey.Storage.Tests.StoreTestKit;

namespace Journey.Storage.Tests.EventStoreDb;

/// <summary>
/// What the adapter does around its calls (leader redirects, unreachable nodes, refusals, dropped
/// subscriptions, paging), against loopback <see cref="FakeEventStoreNode"/>s. Whether a real EventStoreDB
/// stores and orders as expected is the conformance suite's job (EventStoreDbConformanceTests).
/// </summary>
public sealed class EventStoreDbClusterTests
{
    /// <summary>Guards against a hang only: every test finishes far sooner when the client is right.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task a_follower_sends_appends_and_reads_to_the_leader_it_names_with_credentials_and_requires_leader()
    {
        var log = new FakeLog();
        await using var leader = await FakeEventStoreNode.StartAsync(log);
        await using var follower = await FakeEventStoreNode.StartAsync(log);
        follower.NotLeaderPointingTo = leader.EndPoint;
        await using var store = EventStoreDbEventStore.Create($"esdb://admin:changeit@{Node(follower)}?tls=false&discoveryInterval=1");
        var events = Events(2);

        var result = await store.AppendAsync("journey-få_barn-p1", ExpectedRevision.NoStream, events);
        var read = await ToListAsync(store.ReadStreamAsync("journey-få_barn-p1", ReadDirection.Forwards));

        Assert.Equal(["Append"], follower.Calls.Select(c => c.Method));
        // The append, then the read-back of its positions, then the read: all on the leader.
        Assert.Equal(["Append", "Read", "Read"], leader.Calls.Select(c => c.Method));
        Assert.All(follower.Calls.Concat(leader.Calls), call =>
        {
            Assert.Equal("true", call.Headers["requires-leader"]);
            // base64("admin:changeit")
            Assert.Equal("Basic YWRtaW46Y2hhbmdlaXQ=", call.Headers["authorization"]);
        });
        Assert.Equal(1UL, result.NextExpectedRevision);
        Assert.Equal(log.Events.Select(e => e.Position), result.Positions);
        Assert.Equal(events.Select(e => e.EventId), read.Select(e => e.EventId));
    }

    [Fact]
    public async Task a_not_leader_answer_that_arrives_while_a_large_append_is_still_being_sent_is_followed()
    {
        var log = new FakeLog();
        await using var leader = await FakeEventStoreNode.StartAsync(log);
        await using var follower = await FakeEventStoreNode.StartAsync(log);
        follower.NotLeaderPointingTo = leader.EndPoint;
        await using var store = EventStoreDbEventStore.Create($"esdb://{Node(follower)}?tls=false&discoveryInterval=1");
        // About 6 MB: the follower refuses long before the client has written it all.
        var payload = System.Text.Encoding.UTF8.GetBytes($"{{\"note\":\"{new string('x', 20_000)}\"}}");
        var events = Enumerable.Range(0, 300).Select(i => new EventData(Guid.NewGuid(), "big", payload, "{}"u8.ToArray())).ToList();

        var result = await store.AppendAsync("journey-big", ExpectedRevision.NoStream, events);

        Assert.Equal(299UL, result.NextExpectedRevision);
        Assert.Equal(300, log.Events.Count);
        Assert.Equal(["Append"], follower.Calls.Select(c => c.Method));
    }

    [Fact]
    public async Task an_unreachable_node_is_skipped_and_the_next_listed_node_answers()
    {
        await using var live = await FakeEventStoreNode.StartAsync(new FakeLog());
        await using var store = EventStoreDbEventStore.Create($"esdb://127.0.0.1:{UnusedPort()},{Node(live)}?tls=false&discoveryInterval=1");

        var result = await store.AppendAsync("journey-a", ExpectedRevision.NoStream, Events(1));

        Assert.Equal(0UL, result.NextExpectedRevision);
        Assert.Equal(["Append", "Read"], live.Calls.Select(c => c.Method));
    }

    [Fact]
    public async Task an_unavailable_cluster_is_tried_max_discover_attempts_times_then_the_error_surfaces()
    {
        await using var node = await FakeEventStoreNode.StartAsync(new FakeLog());
        node.FailEveryCall = (StatusCode.Unavailable, new Metadata());
        await using var store = EventStoreDbEventStore.Create($"esdb://{Node(node)}?tls=false&maxDiscoverAttempts=3&discoveryInterval=1");

        var error = await Assert.ThrowsAsync<RpcException>(() => store.AppendAsync("journey-a", ExpectedRevision.Any, Events(1)));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(3, node.Calls.Count);
    }

    [Fact]
    public async Task a_refusal_is_not_retried_and_access_denied_becomes_unauthorized_access()
    {
        await using var node = await FakeEventStoreNode.StartAsync(new FakeLog());
        node.FailEveryCall = (StatusCode.PermissionDenied, new Metadata { { "exception", "access-denied" } });
        await using var store = EventStoreDbEventStore.Create($"esdb://{Node(node)}?tls=false&discoveryInterval=1");

        var error = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => store.AppendAsync("journey-a", ExpectedRevision.Any, Events(1)));

        Assert.IsType<RpcException>(error.InnerException);
        Assert.Single(node.Calls);
    }

    [Fact]
    public async Task a_wrong_expected_version_answer_becomes_wrong_expected_revision_with_the_actual_revision()
    {
        await using var node = await FakeEventStoreNode.StartAsync(new FakeLog());
        await using var store = EventStoreDbEventStore.Create($"esdb://{Node(node)}?tls=false");
        await store.AppendAsync("journey-a", ExpectedRevision.NoStream, Events(3));

        var conflict = await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => store.AppendAsync("journey-a", ExpectedRevision.Exact(0), Events(1)));

        Assert.Equal(2UL, conflict.Actual);
        Assert.Equal(ExpectedRevision.Exact(0), conflict.Expected);
        Assert.Equal("journey-a", conflict.Stream);
    }

    [Fact]
    public async Task reads_cross_page_boundaries_without_losing_or_repeating_events_and_skip_system_streams()
    {
        var log = new FakeLog();
        await using var node = await FakeEventStoreNode.StartAsync(log);
        log.Write("$settings", "$settings");
        var start = log.Write("journey-a", "a0")[0].Position;
        log.Write("journey-b", "b0", "b1");
        log.Write("$stats-127.0.0.1:2113", "$statsCollected");
        log.Write("journey-a", "a1", "a2", "a3");
        await using var store = new EventStoreDbEventStore(EventStoreDbConnectionString.Parse($"esdb://{Node(node)}?tls=false"), null, pageSize: 2);

        var stream = await ToListAsync(store.ReadStreamAsync("journey-a", ReadDirection.Forwards));
        var streamBackwards = await ToListAsync(store.ReadStreamAsync("journey-a", ReadDirection.Backwards, 2));
        var all = await ToListAsync(store.ReadAllAsync(ReadDirection.Forwards));
        var afterStart = await ToListAsync(store.ReadAllAsync(ReadDirection.Forwards, start, 4));
        var backwards = await ToListAsync(store.ReadAllAsync(ReadDirection.Backwards, filter: StreamFilter.Prefix("journey-a")));

        Assert.Equal(["a0", "a1", "a2", "a3"], stream.Select(e => e.Type));
        Assert.Equal(["a2", "a1", "a0"], streamBackwards.Select(e => e.Type));
        Assert.Equal(["a0", "b0", "b1", "a1", "a2", "a3"], all.Select(e => e.Type));
        Assert.Equal(["b0", "b1", "a1", "a2"], afterStart.Select(e => e.Type));
        Assert.Equal(["a3", "a2", "a1", "a0"], backwards.Select(e => e.Type));
    }

    [Fact]
    public async Task a_dropped_subscription_resumes_after_the_last_delivered_position_without_gaps_or_repeats()
    {
        var log = new FakeLog();
        await using var node = await FakeEventStoreNode.StartAsync(log);
        log.Write("$settings", "$settings");
        var past = log.Write("journey-a", "p0", "p1", "p2");
        var tail = log.Write("other-x", "o0", "o1");
        await using var store = EventStoreDbEventStore.Create($"esdb://{Node(node)}?tls=false&discoveryInterval=1");
        using var guard = new CancellationTokenSource(HangGuard);
        await using var subscription = store.SubscribeToAllAsync(null, StreamFilter.Prefix("journey-"), guard.Token).GetAsyncEnumerator(guard.Token);

        var catchUp = await ReadUntilAsync(subscription, m => m is CaughtUp);
        var live = Events(3);
        await store.AppendAsync("journey-b", ExpectedRevision.NoStream, live[..2]);
        var beforeCut = await ReadUntilAsync(subscription, m => m is EventAppeared e && e.Event.EventId == live[1].EventId);
        node.CutSubscriptions();
        await store.AppendAsync("journey-b", ExpectedRevision.Exact(1), live[2..]);
        var afterCut = await ReadUntilAsync(subscription, m => m is EventAppeared e && e.Event.EventId == live[2].EventId);
        List<SubscriptionMessage> followed = [.. beforeCut, .. afterCut];

        // The past, then a checkpoint at the last record because the filter skipped the tail, then caught up there.
        Assert.Equal(
            [.. past.Select(e => (SubscriptionMessage)new EventAppeared(Recorded(e))), new Checkpoint(tail[^1].Position), new CaughtUp(tail[^1].Position)],
            catchUp,
            SubscriptionMessageComparer.Instance);
        AssertWellOrdered([.. catchUp, .. followed]);
        Assert.Equal(live.Select(e => e.EventId), Delivered(followed).Select(e => e.EventId));
        var subscriptions = node.Subscriptions.ToList();
        Assert.Equal(2, subscriptions.Count);
        Assert.Equal(tail[^1].Position, subscriptions[0].Options.All.Position.CommitPosition);
        Assert.Equal(Delivered(followed)[1].Position, subscriptions[1].Options.All.Position.CommitPosition);
        Assert.Equal(Delivered(followed)[1].Position, subscriptions[1].Options.All.Position.PreparePosition);
    }

    private static RecordedEvent Recorded(FakeEvent e) =>
        new(e.Stream, e.Revision, e.Position, e.Id, e.Type, e.Data.Memory, e.Metadata.Memory, e.Created);

    private static string Node(FakeEventStoreNode node) => $"{node.EndPoint.Host}:{node.EndPoint.Port}";

    /// <summary>A loopback port nothing listens on: bound and released, so the connection is refused.</summary>
    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Compares subscription messages by what they say: events by id, stream, revision and position.</summary>
    private sealed class SubscriptionMessageComparer : IEqualityComparer<SubscriptionMessage>
    {
        public static readonly SubscriptionMessageComparer Instance = new();

        public bool Equals(SubscriptionMessage? x, SubscriptionMessage? y) => (x, y) switch
        {
            (EventAppeared a, EventAppeared b) => a.Event.EventId == b.Event.EventId && a.Event.Stream == b.Event.Stream
                && a.Event.StreamRevision == b.Event.StreamRevision && a.Event.Position == b.Event.Position,
            _ => Equals((object?)x, y),
        };

        public int GetHashCode(SubscriptionMessage obj) => obj is EventAppeared e ? e.Event.EventId.GetHashCode() : obj.GetHashCode();
    }
}
