using static Journey.Storage.Tests.StoreTestKit;

namespace Journey.Storage.Tests;

/// <summary>
/// What every <see cref="IEventStore"/> must do, run against each implementation by a subclass.
/// The store may be shared with other tests and hold other events (a real EventStoreDB server):
/// every test writes to its own Guid-named streams, filters $all by its own prefix, and takes
/// positions only from what the store returned.
/// </summary>
public abstract class EventStoreConformance
{
    /// <summary>Guards against a hang only: a correct store finishes every test far sooner.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    /// <summary>The store under test; may call <c>Skip.If</c> when its server is not there.</summary>
    protected abstract Task<IEventStore> CreateStoreAsync();

    [SkippableFact]
    public async Task appended_events_read_back_with_their_ids_types_data_metadata_and_revisions()
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream("order");
        var first = Events(3, "order.placed");
        var second = Events(2, "order.shipped");

        var r1 = await store.AppendAsync(stream, ExpectedRevision.NoStream, first);
        var r2 = await store.AppendAsync(stream, ExpectedRevision.Exact(2), second);

        Assert.Equal(2UL, r1.NextExpectedRevision);
        Assert.Equal(4UL, r2.NextExpectedRevision);
        var positions = r1.Positions.Concat(r2.Positions).ToList();
        Assert.Equal(5, positions.Count);
        AssertStrictlyIncreasing(positions);

        var read = await ToListAsync(store.ReadStreamAsync(stream, ReadDirection.Forwards));
        Assert.Equal(5, read.Count);
        var written = first.Concat(second).ToList();
        for (var i = 0; i < read.Count; i++)
        {
            AssertSame(written[i], read[i]);
            Assert.Equal(stream, read[i].Stream);
            Assert.Equal((ulong)i, read[i].StreamRevision);
            Assert.Equal(positions[i], read[i].Position);
            Assert.Equal(TimeSpan.Zero, read[i].Created.Offset);
        }
    }

    [SkippableFact]
    public async Task no_stream_succeeds_on_a_new_stream_and_conflicts_once_it_exists()
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream("nostream");

        var result = await store.AppendAsync(stream, ExpectedRevision.NoStream, Events(2));
        var conflict = await Assert.ThrowsAsync<WrongExpectedRevisionException>(
            () => store.AppendAsync(stream, ExpectedRevision.NoStream, Events(1)));

        Assert.Equal(1UL, result.NextExpectedRevision);
        Assert.Equal(stream, conflict.Stream);
        Assert.Equal(ExpectedRevision.NoStream, conflict.Expected);
        Assert.Equal(1UL, conflict.Actual);
        Assert.Equal(2, await CountAsync(store, stream));
    }

    [SkippableFact]
    public async Task stream_exists_conflicts_on_a_new_stream_and_succeeds_once_it_exists()
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream("exists");

        var conflict = await Assert.ThrowsAsync<WrongExpectedRevisionException>(
            () => store.AppendAsync(stream, ExpectedRevision.StreamExists, Events(1)));
        Assert.Null(conflict.Actual);
        Assert.Equal(0, await CountAsync(store, stream));

        await store.AppendAsync(stream, ExpectedRevision.NoStream, Events(1));
        var result = await store.AppendAsync(stream, ExpectedRevision.StreamExists, Events(2));
        Assert.Equal(2UL, result.NextExpectedRevision);
    }

    [SkippableFact]
    public async Task exact_revision_succeeds_only_at_that_revision()
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream("exact");

        var onNew = await Assert.ThrowsAsync<WrongExpectedRevisionException>(
            () => store.AppendAsync(stream, ExpectedRevision.Exact(0), Events(1)));
        Assert.Null(onNew.Actual);

        await store.AppendAsync(stream, ExpectedRevision.NoStream, Events(2));
        var behind = await Assert.ThrowsAsync<WrongExpectedRevisionException>(
            () => store.AppendAsync(stream, ExpectedRevision.Exact(0), Events(1)));
        var ahead = await Assert.ThrowsAsync<WrongExpectedRevisionException>(
            () => store.AppendAsync(stream, ExpectedRevision.Exact(5), Events(1)));
        var result = await store.AppendAsync(stream, ExpectedRevision.Exact(1), Events(1));

        Assert.Equal(1UL, behind.Actual);
        Assert.Equal(ExpectedRevision.Exact(0), behind.Expected);
        Assert.Equal(1UL, ahead.Actual);
        Assert.Equal(2UL, result.NextExpectedRevision);
        Assert.Equal(3, await CountAsync(store, stream));
    }

    [SkippableFact]
    public async Task any_appends_to_a_new_stream_and_to_an_existing_one()
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream("any");

        var r1 = await store.AppendAsync(stream, ExpectedRevision.Any, Events(2));
        var r2 = await store.AppendAsync(stream, ExpectedRevision.Any, Events(1));

        Assert.Equal(1UL, r1.NextExpectedRevision);
        Assert.Equal(2UL, r2.NextExpectedRevision);
        Assert.Equal(3, await CountAsync(store, stream));
    }

    [SkippableTheory]
    [InlineData(ExpectedRevisionKind.NoStream)]
    [InlineData(ExpectedRevisionKind.Exact)]
    [InlineData(ExpectedRevisionKind.Any)]
    [InlineData(ExpectedRevisionKind.StreamExists)]
    public async Task retrying_an_acknowledged_append_returns_the_original_result_and_stores_nothing(ExpectedRevisionKind kind)
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream("retry");
        ExpectedRevision expected;
        if (kind == ExpectedRevisionKind.NoStream)
        {
            expected = ExpectedRevision.NoStream;
        }
        else
        {
            await store.AppendAsync(stream, ExpectedRevision.NoStream, Events(2));
            expected = kind switch
            {
                ExpectedRevisionKind.Exact => ExpectedRevision.Exact(1),
                ExpectedRevisionKind.Any => ExpectedRevision.Any,
                _ => ExpectedRevision.StreamExists,
            };
        }
        var events = Events(3);

        var original = await store.AppendAsync(stream, expected, events);
        var retried = await store.AppendAsync(stream, expected, events);

        Assert.Equal(original.NextExpectedRevision, retried.NextExpectedRevision);
        Assert.Equal(original.Positions, retried.Positions);
        var read = await ToListAsync(store.ReadStreamAsync(stream, ReadDirection.Forwards));
        Assert.Equal(kind == ExpectedRevisionKind.NoStream ? 3 : 5, read.Count);
        Assert.Equal(events.Select(e => e.EventId), read.TakeLast(3).Select(e => e.EventId));
    }

    [SkippableFact]
    public async Task reading_a_stream_honours_direction_from_revision_and_max_count()
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream("paging");
        var events = Events(10);
        await store.AppendAsync(stream, ExpectedRevision.NoStream, events.Take(4).ToList());
        await store.AppendAsync(stream, ExpectedRevision.Exact(3), events.Skip(4).ToList());

        async Task<ulong[]> RevisionsAsync(ReadDirection direction, ulong? from = null, long max = long.MaxValue) =>
            [.. (await ToListAsync(store.ReadStreamAsync(stream, direction, from, max))).Select(e => e.StreamRevision)];

        Assert.Equal(Range(0, 10), await RevisionsAsync(ReadDirection.Forwards));
        Assert.Equal(Range(3, 4), await RevisionsAsync(ReadDirection.Forwards, 3, 4));
        Assert.Equal(Range(7, 3), await RevisionsAsync(ReadDirection.Forwards, 7));
        Assert.Equal(Range(0, 2), await RevisionsAsync(ReadDirection.Forwards, max: 2));
        Assert.Empty(await RevisionsAsync(ReadDirection.Forwards, 10));
        Assert.Equal(Enumerable.Reverse(Range(0, 10)), await RevisionsAsync(ReadDirection.Backwards));
        Assert.Equal(new ulong[] { 5, 4, 3 }, await RevisionsAsync(ReadDirection.Backwards, 5, 3));
        Assert.Equal(new ulong[] { 1, 0 }, await RevisionsAsync(ReadDirection.Backwards, 1));
        Assert.Equal(new ulong[] { 9, 8 }, await RevisionsAsync(ReadDirection.Backwards, max: 2));

        var backwards = await ToListAsync(store.ReadStreamAsync(stream, ReadDirection.Backwards));
        Assert.Equal(events.Select(e => e.EventId).Reverse(), backwards.Select(e => e.EventId));
    }

    [SkippableFact]
    public async Task reading_a_stream_that_does_not_exist_gives_no_events()
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream("missing");

        Assert.Empty(await ToListAsync(store.ReadStreamAsync(stream, ReadDirection.Forwards)));
        Assert.Empty(await ToListAsync(store.ReadStreamAsync(stream, ReadDirection.Backwards)));
    }

    [SkippableFact]
    public async Task reading_all_with_a_prefix_filter_gives_only_matching_streams_in_log_order()
    {
        await using var store = await CreateStoreAsync();
        var mine = NewPrefix();
        var other = NewPrefix();
        var marker = await MarkAsync(store);
        var appended = new List<(string Stream, EventData Event)>();
        foreach (var stream in new[] { $"{mine}-a", $"{other}-c", $"{mine}-b", $"{mine}-a", $"{other}-c", $"{mine}-b" })
        {
            var e = Events(1)[0];
            await store.AppendAsync(stream, ExpectedRevision.Any, [e]);
            appended.Add((stream, e));
        }
        var expected = appended.Where(a => a.Stream.StartsWith(mine, StringComparison.Ordinal)).Select(a => a.Event.EventId).ToList();
        var filter = StreamFilter.Prefix(mine);

        var forwards = await ToListAsync(store.ReadAllAsync(ReadDirection.Forwards, marker, filter: filter));
        var firstTwo = await ToListAsync(store.ReadAllAsync(ReadDirection.Forwards, marker, 2, filter));
        var backwards = await ToListAsync(store.ReadAllAsync(ReadDirection.Backwards, null, 4, filter));
        var belowLast = await ToListAsync(store.ReadAllAsync(ReadDirection.Backwards, forwards[^1].Position, 2, filter));

        Assert.Equal(expected, forwards.Select(e => e.EventId));
        Assert.All(forwards, e => Assert.StartsWith(mine, e.Stream, StringComparison.Ordinal));
        AssertStrictlyIncreasing(forwards.Select(e => e.Position));
        Assert.Equal(expected.Take(2), firstTwo.Select(e => e.EventId));
        Assert.Equal(Enumerable.Reverse(expected), backwards.Select(e => e.EventId));
        Assert.Equal(expected.Skip(1).Take(2).Reverse(), belowLast.Select(e => e.EventId));
    }

    [SkippableFact]
    public async Task reading_all_unfiltered_gives_every_stream_in_position_order()
    {
        await using var store = await CreateStoreAsync();
        var prefix = NewPrefix();
        var marker = await MarkAsync(store);
        var ids = new List<Guid>();
        foreach (var stream in new[] { $"{prefix}-a", $"{prefix}-b", $"{prefix}-a" })
        {
            var events = Events(2);
            await store.AppendAsync(stream, ExpectedRevision.Any, events);
            ids.AddRange(events.Select(e => e.EventId));
        }

        // Other writers may interleave on a shared store: read until our last event, keep ours.
        var seen = new List<RecordedEvent>();
        await foreach (var e in store.ReadAllAsync(ReadDirection.Forwards, marker))
        {
            seen.Add(e);
            if (e.EventId == ids[^1])
            {
                break;
            }
        }

        Assert.Equal(ids, seen.Where(e => e.Stream.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.EventId));
        Assert.All(seen, e => Assert.True(e.Position > marker));
        AssertStrictlyIncreasing(seen.Select(e => e.Position));
    }

    [SkippableFact]
    public async Task a_subscription_from_a_position_delivers_exactly_the_later_events()
    {
        await using var store = await CreateStoreAsync();
        var prefix = NewPrefix();
        var before = Events(3);
        var later = Events(4);
        var earlier = await store.AppendAsync($"{prefix}-a", ExpectedRevision.NoStream, before);
        await store.AppendAsync($"{prefix}-b", ExpectedRevision.NoStream, later.Take(2).ToList());
        await store.AppendAsync($"{NewPrefix()}-elsewhere", ExpectedRevision.NoStream, Events(2));
        await store.AppendAsync($"{prefix}-a", ExpectedRevision.Exact(2), later.Skip(2).ToList());

        using var guard = new CancellationTokenSource(HangGuard);
        var messages = await ReadUntilAsync(
            store.SubscribeToAllAsync(earlier.Positions[^1], StreamFilter.Prefix(prefix), guard.Token),
            m => m is CaughtUp);

        AssertWellOrdered(messages);
        Assert.Equal(later.Select(e => e.EventId), Delivered(messages).Select(e => e.EventId));
        Assert.All(Delivered(messages), e => Assert.True(e.Position > earlier.Positions[^1]));
    }

    [SkippableFact]
    public async Task a_subscription_catches_up_then_delivers_live_appends()
    {
        await using var store = await CreateStoreAsync();
        var prefix = NewPrefix();
        var marker = await MarkAsync(store);
        var past = Events(5);
        var live = Events(3);
        await store.AppendAsync($"{prefix}-x", ExpectedRevision.NoStream, past);

        using var guard = new CancellationTokenSource(HangGuard);
        await using var subscription = store.SubscribeToAllAsync(marker, StreamFilter.Prefix(prefix), guard.Token).GetAsyncEnumerator(guard.Token);
        var catchUp = await ReadUntilAsync(subscription, m => m is CaughtUp);
        await store.AppendAsync($"{prefix}-y", ExpectedRevision.NoStream, live.Take(1).ToList());
        await store.AppendAsync($"{prefix}-x", ExpectedRevision.Exact(4), live.Skip(1).ToList());
        var followed = await ReadUntilAsync(subscription, m => m is EventAppeared e && e.Event.EventId == live[^1].EventId);

        AssertWellOrdered([.. catchUp, .. followed]);
        Assert.Equal(past.Select(e => e.EventId), Delivered(catchUp).Select(e => e.EventId));
        Assert.Equal(live.Select(e => e.EventId), Delivered(followed).Select(e => e.EventId));
    }

    [SkippableFact]
    public async Task resuming_from_a_checkpoint_misses_nothing_and_repeats_nothing()
    {
        await using var store = await CreateStoreAsync();
        var prefix = NewPrefix();
        var noise = NewPrefix();
        var marker = await MarkAsync(store);
        var expected = new List<Guid>();
        async Task AppendRoundAsync(int round)
        {
            // Interleaved with events the filter skips, so a checkpoint can lie beyond the last match.
            var mine = Events(3);
            await store.AppendAsync($"{prefix}-{round % 4}", ExpectedRevision.Any, mine);
            await store.AppendAsync($"{noise}-{round}", ExpectedRevision.NoStream, Events(2));
            expected.AddRange(mine.Select(e => e.EventId));
        }
        for (var round = 0; round < 12; round++)
        {
            await AppendRoundAsync(round);
        }

        using var guard = new CancellationTokenSource(HangGuard);
        var filter = StreamFilter.Prefix(prefix);
        // The first consumer stops at the first checkpoint after ten events, or once caught up if the
        // store sends no checkpoint before that.
        var eventsSeen = 0;
        var firstRun = await ReadUntilAsync(store.SubscribeToAllAsync(marker, filter, guard.Token), m =>
        {
            eventsSeen += m is EventAppeared ? 1 : 0;
            return m is CaughtUp || (m is Checkpoint && eventsSeen >= 10);
        });
        var resumeFrom = ResumePoint(firstRun, marker);
        for (var round = 12; round < 18; round++)
        {
            await AppendRoundAsync(round);
        }
        var second = await ReadUntilAsync(
            store.SubscribeToAllAsync(resumeFrom, filter, guard.Token),
            m => m is EventAppeared e && e.Event.EventId == expected[^1]);

        AssertWellOrdered(firstRun);
        AssertWellOrdered(second);
        Assert.Equal(expected, Delivered(firstRun).Concat(Delivered(second)).Select(e => e.EventId));
    }

    [SkippableFact]
    public async Task many_concurrent_appenders_to_many_streams_are_all_stored_with_contiguous_revisions()
    {
        await using var store = await CreateStoreAsync();
        var prefix = NewPrefix();
        var cases = RealLog.Receipt();
        var marker = await MarkAsync(store);
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<Guid, ulong>();

        // One writer per case, as one grain per journey: each appends its events a few at a time
        // with the exact revision it last saw, all cases at once.
        var written = await Task.WhenAll(cases.Select(c => Task.Run(async () =>
        {
            var stream = $"{prefix}-{c.Id}";
            var events = c.Events.Select(ToEventData).ToList();
            ulong? last = null;
            for (var i = 0; i < events.Count;)
            {
                var batch = events.Skip(i).Take(1 + (i % 3)).ToList();
                var result = await store.AppendAsync(stream, ExpectedRevision.After(last), batch);
                Assert.Equal((ulong)(i + batch.Count - 1), result.NextExpectedRevision);
                for (var j = 0; j < batch.Count; j++)
                {
                    acknowledged[batch[j].EventId] = result.Positions[j];
                }
                last = result.NextExpectedRevision;
                i += batch.Count;
            }
            return (Stream: stream, Events: events);
        })));

        foreach (var (stream, events) in written)
        {
            var read = await ToListAsync(store.ReadStreamAsync(stream, ReadDirection.Forwards));
            Assert.Equal(events.Count, read.Count);
            for (var i = 0; i < read.Count; i++)
            {
                AssertSame(events[i], read[i]);
                Assert.Equal((ulong)i, read[i].StreamRevision);
                Assert.Equal(acknowledged[read[i].EventId], read[i].Position);
            }
        }
        var all = await ToListAsync(store.ReadAllAsync(ReadDirection.Forwards, marker, filter: StreamFilter.Prefix(prefix)));
        Assert.Equal(cases.Sum(c => c.Events.Count), all.Count);
        Assert.Equal(all.Count, acknowledged.Count);
        AssertStrictlyIncreasing(all.Select(e => e.Position));
    }

    [SkippableFact]
    public async Task concurrent_appenders_to_one_stream_keep_each_append_whole_and_revisions_contiguous()
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream("contended");
        var appends = Enumerable.Range(0, 60).Select(_ => Events(3)).ToList();

        var results = await Task.WhenAll(appends.Select(events => Task.Run(() => store.AppendAsync(stream, ExpectedRevision.Any, events))));

        var read = await ToListAsync(store.ReadStreamAsync(stream, ReadDirection.Forwards));
        Assert.Equal(Range(0, 180), read.Select(e => e.StreamRevision));
        var byId = read.ToDictionary(e => e.EventId);
        for (var a = 0; a < appends.Count; a++)
        {
            var revisions = appends[a].Select(e => byId[e.EventId].StreamRevision).ToList();
            Assert.Equal(Range(revisions[0], 3), revisions);
            Assert.Equal(revisions[^1], results[a].NextExpectedRevision);
            Assert.Equal(appends[a].Select(e => byId[e.EventId].Position), results[a].Positions);
        }
    }
}
