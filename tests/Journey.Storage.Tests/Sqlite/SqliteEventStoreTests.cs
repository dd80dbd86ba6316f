using Journey.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using static Journey.Storage.Tests.StoreTestKit;

namespace Journey.Storage.Tests.Sqlite;

/// <summary>What the embedded store does beyond the conformance suite: its file, its group commit, several instances on one file.</summary>
public sealed class SqliteEventStoreTests : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);
    private static readonly SqliteEventStoreOptions SmallPages = new() { ReadPageSize = 16 };

    private readonly string _folder = Directory.CreateTempSubdirectory("journey-sqlite-").FullName;

    private string DatabasePath => Path.Combine(_folder, "events.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task positions_in_a_new_file_start_at_one_and_grow_by_one_per_event()
    {
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath);

        var first = await store.AppendAsync(NewStream("a"), ExpectedRevision.NoStream, Events(3));
        var second = await store.AppendAsync(NewStream("b"), ExpectedRevision.NoStream, Events(2));

        Assert.Equal(new ulong[] { 1, 2, 3 }, first.Positions);
        Assert.Equal(new ulong[] { 4, 5 }, second.Positions);
    }

    [Fact]
    public async Task opening_creates_the_folder_and_a_wal_file_with_the_event_log_schema()
    {
        var path = Path.Combine(_folder, "nested", "deeper", "events.db");
        await using (var store = await SqliteEventStore.OpenAsync(path))
        {
            await store.AppendAsync(NewStream("a"), ExpectedRevision.NoStream, Events(1));
        }

        await using var connection = OpenRaw(path);
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal(4L, Scalar(connection, "PRAGMA user_version"));
        Assert.Equal(1L, Scalar(connection, "SELECT COUNT(*) FROM events WHERE length(event_id) = 16"));
        Assert.Equal(1L, Scalar(connection, "SELECT COUNT(*) FROM pragma_index_list('events') WHERE \"unique\" = 1"));
        Assert.Equal("stream_id,revision", Scalar(connection, "SELECT group_concat(name) FROM (SELECT name FROM pragma_index_info('events_stream_revision') ORDER BY seqno)"));
        // Written to the id table when the store closed.
        Assert.Equal(1L, Scalar(connection, "SELECT COUNT(*) FROM event_ids JOIN events USING (event_id, position)"));
    }

    [Fact]
    public async Task the_writer_never_checkpoints_and_the_checkpointer_copies_every_commit_into_the_database_file()
    {
        var options = new SqliteEventStoreOptions { CheckpointInterval = TimeSpan.FromMilliseconds(10), WalRestartBytes = 0 };
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath, options);
        for (var i = 0; i < 20; i++)
        {
            await store.AppendAsync(NewStream($"s{i}"), ExpectedRevision.NoStream, Events(50));
        }

        // The checkpointer copies the WAL into the database file soon after the commits: the file alone,
        // without its WAL, then holds every event.
        await WaitUntilAsync(() => EventsInDatabaseFileAlone() == 1000);
        Assert.True(store.Checkpointer.Checkpoints > 0);
    }

    // -1 while a checkpoint is still writing the file (a copy taken then is torn), or before the first one
    // (the file alone has no tables yet). Once the checkpointer has copied the last commit it writes no more,
    // and the copy is whole.
    private long EventsInDatabaseFileAlone()
    {
        var copy = Path.Combine(_folder, $"copy-{Guid.NewGuid():N}.db");
        File.Copy(DatabasePath, copy);
        try
        {
            using var connection = OpenRaw(copy);
            return (long)Scalar(connection, "SELECT COUNT(*) FROM events")!;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 1 or 11 or 26)
        {
            return -1;
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public async Task the_wal_starts_over_once_copied_so_it_stays_bounded_under_continuous_appends()
    {
        var options = new SqliteEventStoreOptions { CheckpointInterval = TimeSpan.FromMilliseconds(5), WalRestartBytes = 0 };
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath, options);
        var walBytes = new List<long>();
        for (var round = 0; round < 40; round++)
        {
            await store.AppendAsync(NewStream($"r{round}"), ExpectedRevision.NoStream, Events(200));
            await Task.Delay(10);
            walBytes.Add(new FileInfo(DatabasePath + "-wal").Length);
        }

        // Without restarts the WAL would hold all 8,000 events (several MB); restarted, it holds a few rounds.
        var grownWithoutRestart = walBytes[0] * 40;
        Assert.True(walBytes[^1] < grownWithoutRestart / 4, $"WAL sizes: {string.Join(", ", walBytes)}");
    }

    [Fact]
    public async Task the_wal_stays_bounded_while_the_writer_never_pauses_and_readers_read_beside_it()
    {
        // Sixteen appenders keep the writer's queue full, so it takes the write lock again the moment it
        // commits, and readers keep reading streams: a RESTART from the checkpointer's own connection
        // never found the lock free here, and the WAL held every event ever appended.
        var options = new SqliteEventStoreOptions { CheckpointInterval = TimeSpan.FromMilliseconds(5), WalRestartBytes = 256 * 1024 };
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath, options);
        using var stop = new CancellationTokenSource();
        var walPath = DatabasePath + "-wal";
        var appended = new List<string>();

        var appenders = Enumerable.Range(0, 16).Select(a => Task.Run(async () =>
        {
            for (var round = 0; round < 40; round++)
            {
                var stream = NewStream($"busy{a}");
                await store.AppendAsync(stream, ExpectedRevision.NoStream, Events(50));
                lock (appended)
                {
                    appended.Add(stream);
                }
            }
        })).ToArray();
        // Each reader also notes the largest WAL it saw.
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(async () =>
        {
            long largestSeen = 0;
            while (!stop.IsCancellationRequested)
            {
                string? stream;
                lock (appended)
                {
                    stream = appended.Count > 0 ? appended[Random.Shared.Next(appended.Count)] : null;
                }
                if (stream is not null)
                {
                    Assert.Equal(50, (await store.ReadStreamAsync(stream, ReadDirection.Forwards).ToListAsync()).Count);
                }
                largestSeen = Math.Max(largestSeen, File.Exists(walPath) ? new FileInfo(walPath).Length : 0);
                await Task.Yield();
            }
            return largestSeen;
        })).ToArray();

        await Task.WhenAll(appenders).WaitAsync(HangGuard);
        await stop.CancelAsync();
        var largestWal = (await Task.WhenAll(readers).WaitAsync(HangGuard)).Max();

        // 32,000 events with random ids write some tens of megabytes of WAL frames; started over each
        // time it passes 256 KB, the WAL never holds more than a few transactions of them.
        Assert.True(store.Writer.WalRestarts > 0, "the writer never restarted the WAL");
        Assert.True(largestWal < 8 * 1024 * 1024, $"the WAL grew to {largestWal:N0} bytes");
        Assert.Equal(32_000, await store.ReadAllAsync(ReadDirection.Forwards).CountAsync());
    }

    [Fact]
    public async Task after_a_burst_the_idle_store_empties_its_wal_and_releases_its_caches_and_then_works_as_before()
    {
        var options = new SqliteEventStoreOptions { CheckpointInterval = TimeSpan.FromMilliseconds(10), IdleAfter = TimeSpan.FromMilliseconds(200) };
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath, options);
        var streams = Enumerable.Range(0, 20).Select(i => NewStream($"burst{i}")).ToList();
        foreach (var stream in streams)
        {
            await store.AppendAsync(stream, ExpectedRevision.NoStream, Events(50));
        }
        // Readers opened, so there are idle ones to close.
        Assert.Equal(1000, (await ToListAsync(store.ReadAllAsync(ReadDirection.Forwards))).Count);

        await WaitUntilAsync(() => store.Writer.MemoryReleases > 0 && new FileInfo(DatabasePath + "-wal").Length == 0);
        Assert.Equal(1000, EventsInDatabaseFileAlone());

        // The writer forgot the streams' revisions: it reads them again, and still refuses a stale expectation.
        var next = await store.AppendAsync(streams[3], ExpectedRevision.Exact(49), Events(1));
        Assert.Equal(50UL, next.NextExpectedRevision);
        Assert.Equal(1001UL, next.Positions[0]);
        await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => store.AppendAsync(streams[4], ExpectedRevision.Exact(10), Events(1)));
        Assert.Equal(51, (await ToListAsync(store.ReadStreamAsync(streams[3], ReadDirection.Forwards))).Count);
    }

    [Fact]
    public void an_idle_time_must_be_positive_or_infinite()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SqliteEventStoreOptions { IdleAfter = TimeSpan.Zero }.Validate());
        new SqliteEventStoreOptions { IdleAfter = Timeout.InfiniteTimeSpan }.Validate();
    }

    [Fact]
    public void the_longest_run_of_ids_must_be_at_least_one_and_a_longer_shortest_run_is_allowed()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SqliteEventStoreOptions { EventIdMaxRunLength = 0 }.Validate());
        new SqliteEventStoreOptions { EventIdRunLength = 1_000_000 }.Validate();
    }

    [Fact]
    public async Task an_event_id_already_stored_in_another_stream_is_refused_and_nothing_of_the_append_is_stored()
    {
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath);
        var original = Events(1);
        var stored = await store.AppendAsync(NewStream("first"), ExpectedRevision.NoStream, original);
        var other = NewStream("second");

        var duplicate = await Assert.ThrowsAsync<DuplicateEventIdException>(
            () => store.AppendAsync(other, ExpectedRevision.Any, [.. Events(2), original[0]]));

        Assert.Equal(original[0].EventId, duplicate.EventId);
        Assert.StartsWith("first-", duplicate.ExistingStream, StringComparison.Ordinal);
        Assert.Equal(stored.Positions[0], duplicate.ExistingPosition);
        Assert.Empty(await ToListAsync(store.ReadStreamAsync(other, ReadDirection.Forwards)));
        var next = await store.AppendAsync(other, ExpectedRevision.NoStream, Events(1));
        Assert.Equal(stored.Positions[0] + 1, next.Positions[0]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1_000)]
    public async Task an_event_id_is_found_whether_the_writer_still_holds_it_or_has_written_it_to_the_id_table(int runLength)
    {
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath, new SqliteEventStoreOptions { EventIdRunLength = runLength });
        var appended = new List<(string Stream, List<EventData> Events, AppendResult Result)>();
        for (var i = 0; i < 6; i++)
        {
            var stream = NewStream($"s{i}");
            var events = Events(2);
            appended.Add((stream, events, await store.AppendAsync(stream, ExpectedRevision.NoStream, events)));
        }

        foreach (var (stream, events, result) in appended)
        {
            // A retry gets the original result; the same id elsewhere is refused, with where it is stored.
            var retry = await store.AppendAsync(stream, ExpectedRevision.NoStream, events);
            Assert.Equal(result.NextExpectedRevision, retry.NextExpectedRevision);
            Assert.Equal(result.Positions, retry.Positions);
            var reused = await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(NewStream("other"), ExpectedRevision.Any, [events[1]]));
            Assert.Equal((stream, result.Positions[1]), (reused.ExistingStream, reused.ExistingPosition));
        }
        Assert.Equal(12, await store.ReadAllAsync(ReadDirection.Forwards).CountAsync());
    }

    [Fact]
    public async Task a_run_of_ids_is_written_a_slice_after_each_commit_and_every_id_stays_found_meanwhile()
    {
        // Runs of 32 ids in slices of two: the 32 held after the 32nd append are written over the next 16 transactions.
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath, new SqliteEventStoreOptions { EventIdRunLength = 32 });
        var appended = new List<EventData>();
        var indexed = new List<long>();
        for (var i = 0; i < 48; i++)
        {
            var events = Events(1);
            await store.AppendAsync(NewStream($"s{i}"), ExpectedRevision.NoStream, events);
            appended.Add(events[0]);
            using (var connection = OpenRaw(DatabasePath))
            {
                indexed.Add((long)Scalar(connection, "SELECT COUNT(*) FROM event_ids")!);
            }
            var earlier = appended[i / 2];
            await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(NewStream("again"), ExpectedRevision.Any, [earlier]));
        }

        // A slice follows the acknowledgement, so a count read just after an append may be one slice behind; but
        // with two transactions per round the run of 32 takes eight rounds, and is seen part-written.
        Assert.Equal(indexed.Order(), indexed);
        Assert.All(indexed.Take(31), count => Assert.Equal(0, count));
        Assert.Contains(indexed, count => count is > 0 and < 32);
        Assert.True(indexed[^1] >= 32, $"{indexed[^1]} ids written");
    }

    [Fact]
    public async Task runs_of_ids_grow_with_the_id_table_up_to_their_bound()
    {
        // At least 16, an eighth of the table, at most 40: the first runs are 16 ids, those after 320 indexed are 40
        // (and whatever gathered while the last one was written, a slice of one id per transaction).
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath, new SqliteEventStoreOptions { EventIdRunLength = 16, EventIdMaxRunLength = 40 });
        var indexedThrough = new List<long>();
        for (var i = 0; i < 700; i++)
        {
            await store.AppendAsync(NewStream($"s{i}"), ExpectedRevision.NoStream, Events(1));
            using var connection = OpenRaw(DatabasePath);
            var through = (long)Scalar(connection, "SELECT value FROM store_state WHERE name = 'ids_indexed_through'")!;
            if (indexedThrough.Count == 0 || through != indexedThrough[^1])
            {
                indexedThrough.Add(through);
            }
        }

        var runs = indexedThrough.Zip(indexedThrough.Skip(1), (before, after) => after - before).ToList();
        Assert.Equal(16, runs[0]);
        Assert.Contains(runs, run => run >= 40);
        Assert.All(runs, run => Assert.InRange(run, 16, 2 * 40));
        Assert.Equal(runs.Order(), runs);
        using (var connection = OpenRaw(DatabasePath))
        {
            // Every event up to the last run's end is in the table (a run under way may have written more).
            Assert.Equal(indexedThrough[^1], (long)Scalar(connection, $"SELECT COUNT(*) FROM event_ids WHERE position <= {indexedThrough[^1]}")!);
        }
    }

    [Fact]
    public async Task a_store_opened_for_appends_builds_its_id_filter_before_the_first_one_and_still_refuses_what_it_holds()
    {
        List<EventData> indexed;
        await using (var first = await SqliteEventStore.OpenAsync(DatabasePath, new SqliteEventStoreOptions { EventIdRunLength = 8 }))
        {
            indexed = Events(16);
            await first.AppendAsync(NewStream("indexed"), ExpectedRevision.NoStream, indexed);
        }
        // As if the last ids had not been written to the table: held, read again from the log.
        using (var connection = OpenRaw(DatabasePath))
        {
            Scalar(connection, "UPDATE store_state SET value = 12 WHERE name = 'ids_indexed_through'");
            Scalar(connection, "DELETE FROM event_ids WHERE position > 12");
        }
        var held = indexed[12..];

        // Opened to be read, the id table is left alone.
        await using (var reader = await SqliteEventStore.OpenAsync(DatabasePath))
        {
            Assert.Equal(16, await reader.ReadAllAsync(ReadDirection.Forwards).CountAsync());
            Assert.False(reader.Writer.IdsReady);
        }

        await using var store = await SqliteEventStore.OpenAsync(DatabasePath, new SqliteEventStoreOptions { BuildIdFilterAtOpen = true });
        await WaitUntilAsync(() => store.Writer.IdsReady);

        Assert.Equal(0, store.Writer.TransactionsCommitted);
        foreach (var e in new[] { indexed[0], indexed[11], held[0], held[^1] })
        {
            var reused = await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(NewStream("again"), ExpectedRevision.Any, [e]));
            Assert.StartsWith("indexed-", reused.ExistingStream, StringComparison.Ordinal);
        }
        var fresh = await store.AppendAsync(NewStream("fresh"), ExpectedRevision.NoStream, Events(1));
        Assert.Equal(17UL, fresh.Positions[0]);
    }

    [Fact]
    public async Task ids_stay_found_when_the_writer_outgrows_its_filter()
    {
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath, new SqliteEventStoreOptions { EventIdRunLength = 5_000 });
        var first = Events(1);
        var stored = await store.AppendAsync(NewStream("first"), ExpectedRevision.NoStream, first);
        // The filter starts with room for 65,536 ids (2 × (0 + 5,000) at least); this is more, so it grows.
        for (var i = 0; i < 80; i++)
        {
            await store.AppendAsync(NewStream($"bulk{i}"), ExpectedRevision.NoStream, Events(1_000));
        }
        var last = Events(1);
        await store.AppendAsync(NewStream("last"), ExpectedRevision.NoStream, last);

        var early = await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(NewStream("again"), ExpectedRevision.Any, first));
        await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(NewStream("again"), ExpectedRevision.Any, last));
        Assert.Equal(stored.Positions[0], early.ExistingPosition);
        Assert.Equal(80_002, await store.ReadAllAsync(ReadDirection.Forwards).CountAsync());
    }

    [Fact]
    public async Task ids_the_writer_held_when_the_process_stopped_are_read_again_from_the_log()
    {
        List<EventData> events;
        string stream;
        await using (var first = await SqliteEventStore.OpenAsync(DatabasePath))
        {
            stream = NewStream("held");
            events = Events(3);
            await first.AppendAsync(stream, ExpectedRevision.NoStream, events);
        }
        // As if the process had died before the ids were written: the log has the events, the id table not.
        using (var connection = OpenRaw(DatabasePath))
        {
            Scalar(connection, "DELETE FROM event_ids");
            Scalar(connection, "UPDATE store_state SET value = 0 WHERE name = 'ids_indexed_through'");
        }

        await using var second = await SqliteEventStore.OpenAsync(DatabasePath);

        await Assert.ThrowsAsync<DuplicateEventIdException>(() => second.AppendAsync(NewStream("other"), ExpectedRevision.Any, [events[2]]));
        var retry = await second.AppendAsync(stream, ExpectedRevision.NoStream, events);
        Assert.Equal(new ulong[] { 1, 2, 3 }, retry.Positions);
    }

    [Fact]
    public async Task a_second_store_on_the_same_file_refuses_an_id_the_first_still_holds_in_memory()
    {
        await using var one = await SqliteEventStore.OpenAsync(DatabasePath);
        await using var two = await SqliteEventStore.OpenAsync(DatabasePath);
        await two.AppendAsync(NewStream("two"), ExpectedRevision.NoStream, Events(1));
        var events = Events(2);

        var stored = await one.AppendAsync(NewStream("one"), ExpectedRevision.NoStream, events);

        var reused = await Assert.ThrowsAsync<DuplicateEventIdException>(() => two.AppendAsync(NewStream("other"), ExpectedRevision.Any, [events[0]]));
        Assert.Equal(stored.Positions[0], reused.ExistingPosition);
    }

    [Fact]
    public async Task a_writer_that_finds_another_processs_commit_reads_only_the_events_it_did_not_know()
    {
        // Two processes on one file take turns, as a server and its read node do in audit.db: each transaction finds
        // the other's commit. What one writer holds in memory must not be read again from the log each time. (Never idle:
        // an idle writer writes what it holds to the id table.)
        await using var one = await SqliteEventStore.OpenAsync(DatabasePath, new SqliteEventStoreOptions { IdleAfter = Timeout.InfiniteTimeSpan });
        await using var two = await SqliteEventStore.OpenAsync(DatabasePath);
        var mine = new List<(string Stream, EventData Event, ulong Position)>();
        for (var i = 0; i < 50; i++)
        {
            var stream = NewStream($"one{i}");
            var events = Events(10);
            var result = await one.AppendAsync(stream, ExpectedRevision.NoStream, events);
            mine.Add((stream, events[9], result.Positions[9]));
        }
        var theirs = Events(1);
        var theirsAt = (await two.AppendAsync(NewStream("two"), ExpectedRevision.NoStream, theirs)).Positions[0];
        var before = one.Writer.Ids;

        await one.AppendAsync(NewStream("after"), ExpectedRevision.NoStream, Events(1));

        var after = one.Writer.Ids;
        Assert.Equal(1, after.ReadFromLog - before.ReadFromLog);
        Assert.Equal(before.Held + 2, after.Held);
        // Each still refuses the other's ids, and its own, wherever they come again.
        var reused = await Assert.ThrowsAsync<DuplicateEventIdException>(() => one.AppendAsync(NewStream("x"), ExpectedRevision.Any, theirs));
        Assert.Equal(theirsAt, reused.ExistingPosition);
        foreach (var (stream, e, position) in mine.Where((_, i) => i % 7 == 0))
        {
            var refused = await Assert.ThrowsAsync<DuplicateEventIdException>(() => two.AppendAsync(NewStream("y"), ExpectedRevision.Any, [e]));
            Assert.Equal((stream, position), (refused.ExistingStream, refused.ExistingPosition));
        }
    }

    [Fact]
    public async Task ids_another_process_has_written_to_the_id_table_are_let_go_and_still_found()
    {
        // One holds its ids (runs of 65,536, and never idle); two writes every id it holds, one's included, once idle.
        await using var one = await SqliteEventStore.OpenAsync(DatabasePath, new SqliteEventStoreOptions { IdleAfter = Timeout.InfiniteTimeSpan });
        await using var two = await SqliteEventStore.OpenAsync(DatabasePath, new SqliteEventStoreOptions { IdleAfter = TimeSpan.FromMilliseconds(50) });
        var first = Events(6);
        var stream = NewStream("one");
        await one.AppendAsync(stream, ExpectedRevision.NoStream, first);
        await two.AppendAsync(NewStream("two"), ExpectedRevision.NoStream, Events(3));
        using (var connection = OpenRaw(DatabasePath))
        {
            await WaitUntilAsync(() => (long)Scalar(connection, "SELECT COUNT(*) FROM event_ids")! == 9);
        }
        Assert.Equal(6, one.Writer.Ids.Held);

        await one.AppendAsync(stream, ExpectedRevision.Exact(5), Events(1));

        Assert.Equal(1, one.Writer.Ids.Held);
        var retry = await one.AppendAsync(stream, ExpectedRevision.NoStream, first);
        Assert.Equal(new ulong[] { 1, 2, 3, 4, 5, 6 }, retry.Positions);
        await Assert.ThrowsAsync<DuplicateEventIdException>(() => one.AppendAsync(NewStream("x"), ExpectedRevision.Any, [first[3]]));
    }

    [Fact]
    public async Task a_store_of_the_first_layout_moves_its_ids_to_the_id_table_and_still_refuses_them_elsewhere()
    {
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid() };
        using (var connection = OpenRaw(DatabasePath))
        {
            Scalar(connection, """
                CREATE TABLE events (position INTEGER PRIMARY KEY, stream TEXT NOT NULL, revision INTEGER NOT NULL, event_id BLOB NOT NULL,
                    type TEXT NOT NULL, data BLOB NOT NULL, metadata BLOB NOT NULL, created INTEGER NOT NULL);
                CREATE UNIQUE INDEX events_stream_revision ON events (stream, revision);
                CREATE UNIQUE INDEX events_event_id ON events (event_id);
                PRAGMA user_version = 1;
                """);
            InsertOldRows(connection, "INSERT INTO events VALUES ($position, $stream, $revision, $id, 'old.happened', x'7b7d', x'7b7d', 0)", ids, ("old-1", 0, 0), ("old-1", 1, 0));
        }

        await using var store = await SqliteEventStore.OpenAsync(DatabasePath);

        var reused = await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(NewStream("new"), ExpectedRevision.Any, [new EventData(ids[1], "new.happened", "{}"u8.ToArray(), "{}"u8.ToArray())]));
        Assert.Equal(("old-1", 2UL), (reused.ExistingStream, reused.ExistingPosition));
        var next = await store.AppendAsync(NewStream("new"), ExpectedRevision.NoStream, Events(1));
        Assert.Equal(new ulong[] { 3 }, next.Positions);
        var continued = await store.AppendAsync("old-1", ExpectedRevision.Exact(1), Events(1));
        Assert.Equal(2UL, continued.NextExpectedRevision);
        Assert.Equal(3, await CountAsync(store, "old-1"));
        using var check = OpenRaw(DatabasePath);
        Assert.Equal(4L, Scalar(check, "PRAGMA user_version"));
        Assert.Equal(2L, Scalar(check, "SELECT COUNT(*) FROM event_ids WHERE position <= 2"));
        Assert.Equal(0L, Scalar(check, "SELECT COUNT(*) FROM pragma_index_list('events') WHERE name = 'events_event_id'"));
    }

    [Fact]
    public async Task a_store_of_the_second_layout_numbers_its_streams_in_the_order_they_began_and_goes_on_from_there()
    {
        var ids = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        using (var connection = OpenRaw(DatabasePath))
        {
            Scalar(connection, """
                CREATE TABLE events (position INTEGER PRIMARY KEY, stream TEXT NOT NULL, revision INTEGER NOT NULL, event_id BLOB NOT NULL,
                    type TEXT NOT NULL, data BLOB NOT NULL, metadata BLOB NOT NULL, created INTEGER NOT NULL);
                CREATE UNIQUE INDEX events_stream_revision ON events (stream, revision);
                CREATE TABLE event_ids (event_id BLOB NOT NULL PRIMARY KEY, position INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE store_state (name TEXT NOT NULL PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO store_state (name, value) VALUES ('ids_indexed_through', 4);
                PRAGMA user_version = 2;
                """);
            // Streams begun in the order b, a, c; a's events are not contiguous.
            InsertOldRows(
                connection,
                """
                INSERT INTO events VALUES ($position, $stream, $revision, $id, 'old.happened', x'7b7d', x'7b7d', 0);
                INSERT INTO event_ids VALUES ($id, $position);
                """,
                ids,
                ("old-b", 0, 0), ("old-a", 0, 0), ("old-a", 1, 0), ("old-c", 0, 0));
        }

        await using var store = await SqliteEventStore.OpenAsync(DatabasePath);

        var a = await ToListAsync(store.ReadStreamAsync("old-a", ReadDirection.Forwards));
        Assert.Equal([(0UL, 2UL, ids[1]), (1UL, 3UL, ids[2])], a.Select(e => (e.StreamRevision, e.Position, e.EventId)));
        var backwards = await ToListAsync(store.ReadStreamAsync("old-a", ReadDirection.Backwards));
        Assert.Equal([1UL, 0UL], backwards.Select(e => e.StreamRevision));
        await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => store.AppendAsync("old-a", ExpectedRevision.NoStream, Events(1)));
        Assert.Equal(2UL, (await store.AppendAsync("old-a", ExpectedRevision.Exact(1), Events(1))).NextExpectedRevision);
        await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync("new", ExpectedRevision.Any, [new EventData(ids[3], "new.happened", "{}"u8.ToArray(), "{}"u8.ToArray())]));
        await store.AppendAsync("new", ExpectedRevision.NoStream, Events(2));

        using var check = OpenRaw(DatabasePath);
        Assert.Equal(4L, Scalar(check, "PRAGMA user_version"));
        Assert.Equal("old-b:1 old-a:2 old-c:3 new:4", Scalar(check, "SELECT group_concat(name || ':' || stream_id, ' ') FROM (SELECT * FROM streams ORDER BY stream_id)"));
        Assert.Equal(0L, Scalar(check, "SELECT COUNT(*) FROM events JOIN streams ON streams.name = events.stream WHERE streams.stream_id <> events.stream_id"));
        Assert.Equal("stream_id,revision", Scalar(check, "SELECT group_concat(name) FROM (SELECT name FROM pragma_index_info('events_stream_revision') ORDER BY seqno)"));
        // The streams of the old file are indexed by name; the new one is held until a run writes it.
        Assert.Equal("old-a:2 old-b:1 old-c:3", Scalar(check, "SELECT group_concat(name || ':' || stream_id, ' ') FROM (SELECT * FROM stream_names ORDER BY name)"));
        Assert.Equal(3L, Scalar(check, "SELECT value FROM store_state WHERE name = 'names_indexed_through'"));
    }

    [Fact]
    public async Task a_store_of_the_third_layout_keeps_its_streams_numbers_and_finds_them_by_name_through_the_new_index()
    {
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();
        using (var connection = OpenRaw(DatabasePath))
        {
            Scalar(connection, """
                CREATE TABLE events (position INTEGER PRIMARY KEY, stream TEXT NOT NULL, revision INTEGER NOT NULL, event_id BLOB NOT NULL,
                    type TEXT NOT NULL, data BLOB NOT NULL, metadata BLOB NOT NULL, created INTEGER NOT NULL, stream_id INTEGER NOT NULL);
                CREATE TABLE streams (name TEXT NOT NULL PRIMARY KEY, stream_id INTEGER NOT NULL) WITHOUT ROWID;
                CREATE UNIQUE INDEX events_stream_revision ON events (stream_id, revision);
                CREATE TABLE event_ids (event_id BLOB NOT NULL PRIMARY KEY, position INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE store_state (name TEXT NOT NULL PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO store_state (name, value) VALUES ('ids_indexed_through', 3);
                INSERT INTO streams VALUES ('old-z', 1), ('old-y', 2);
                PRAGMA user_version = 3;
                """);
            InsertOldRows(
                connection,
                """
                INSERT INTO events VALUES ($position, $stream, $revision, $id, 'old.happened', x'7b7d', x'7b7d', 0, $number);
                INSERT INTO event_ids VALUES ($id, $position);
                """,
                ids,
                ("old-z", 0, 1), ("old-y", 0, 2), ("old-z", 1, 1));
        }

        await using (var store = await SqliteEventStore.OpenAsync(DatabasePath))
        {
            Assert.Equal([ids[0], ids[2]], (await ToListAsync(store.ReadStreamAsync("old-z", ReadDirection.Forwards))).Select(e => e.EventId));
            await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => store.AppendAsync("old-y", ExpectedRevision.NoStream, Events(1)));
            Assert.Equal(1UL, (await store.AppendAsync("old-y", ExpectedRevision.Exact(0), Events(1))).NextExpectedRevision);
            await store.AppendAsync("new", ExpectedRevision.NoStream, Events(1));
            Assert.Equal(1, await CountAsync(store, "new"));
        }

        using var check = OpenRaw(DatabasePath);
        Assert.Equal(4L, Scalar(check, "PRAGMA user_version"));
        Assert.Equal("1:old-z 2:old-y 3:new", Scalar(check, "SELECT group_concat(stream_id || ':' || name, ' ') FROM (SELECT * FROM streams ORDER BY stream_id)"));
        // Closed, the store wrote the name it held.
        Assert.Equal("new:3 old-y:2 old-z:1", Scalar(check, "SELECT group_concat(name || ':' || stream_id, ' ') FROM (SELECT * FROM stream_names ORDER BY name)"));
        Assert.Equal(3L, Scalar(check, "SELECT value FROM store_state WHERE name = 'names_indexed_through'"));
    }

    [Fact]
    public async Task reading_a_stream_finds_its_number_by_name_and_then_searches_the_index_never_scanning_the_log()
    {
        await using (var store = await SqliteEventStore.OpenAsync(DatabasePath))
        {
            await store.AppendAsync(NewStream("a"), ExpectedRevision.NoStream, Events(1));
        }
        using var connection = OpenRaw(DatabasePath);
        foreach (var query in new[] { ReadConnection.StreamForwards(512), ReadConnection.StreamBackwards(512) })
        {
            using var plan = connection.CreateCommand();
            plan.CommandText = "EXPLAIN QUERY PLAN " + query;
            plan.Parameters.AddWithValue("$stream", "a");
            plan.Parameters.AddWithValue("$number", DBNull.Value);
            plan.Parameters.AddWithValue("$known", 0);
            plan.Parameters.AddWithValue("$from", 0);
            var steps = new List<string>();
            using (var reader = plan.ExecuteReader())
            {
                while (reader.Read())
                {
                    steps.Add(reader.GetString(3));
                }
            }
            Assert.Contains(steps, s => s.StartsWith("SEARCH events USING INDEX events_stream_revision (stream_id=? AND revision", StringComparison.Ordinal));
            Assert.Contains(steps, s => s.StartsWith("SEARCH stream_names USING PRIMARY KEY (name=?)", StringComparison.Ordinal));
            // The streams not yet in the name index: a range of numbers after it.
            Assert.Contains(steps, s => s.StartsWith("SEARCH streams USING INTEGER PRIMARY KEY (rowid>?)", StringComparison.Ordinal));
            Assert.DoesNotContain(steps, s => s.StartsWith("SCAN", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task a_new_streams_name_is_held_until_a_run_writes_it_and_the_stream_is_found_by_name_all_along()
    {
        // Runs of at least 8 names, in slices of one per transaction.
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath, new SqliteEventStoreOptions { StreamNameRunLength = 8, StreamNameMaxRunLength = 8 });
        var streams = new List<string>();
        var indexed = new List<long>();
        for (var i = 0; i < 40; i++)
        {
            streams.Add(NewStream($"s{i}"));
            await store.AppendAsync(streams[^1], ExpectedRevision.NoStream, Events(1));
            // Every stream so far is found, held or indexed: read back, refused as new, continued at its revision.
            var earlier = streams[i / 2];
            Assert.Equal(1, await CountAsync(store, earlier));
            await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => store.AppendAsync(earlier, ExpectedRevision.NoStream, Events(1)));
            using var connection = OpenRaw(DatabasePath);
            indexed.Add((long)Scalar(connection, "SELECT COUNT(*) FROM stream_names")!);
        }
        foreach (var stream in streams)
        {
            Assert.Equal(1, await CountAsync(store, stream));
            Assert.Equal(1UL, (await store.AppendAsync(stream, ExpectedRevision.Exact(0), Events(1))).NextExpectedRevision);
        }

        Assert.Equal(indexed.Order(), indexed);
        Assert.All(indexed.Take(7), count => Assert.Equal(0, count));
        Assert.Contains(indexed, count => count is > 0 and < 8);
        Assert.True(indexed[^1] >= 24, $"{indexed[^1]} names written");
        using var check = OpenRaw(DatabasePath);
        var through = (long)Scalar(check, "SELECT value FROM store_state WHERE name = 'names_indexed_through'")!;
        Assert.Equal(through, (long)Scalar(check, $"SELECT COUNT(*) FROM stream_names WHERE stream_id <= {through}")!);
        Assert.Equal(40L, Scalar(check, "SELECT COUNT(*) FROM streams"));
    }

    [Fact]
    public async Task a_stream_is_found_by_name_from_its_acknowledgement_on_while_runs_of_names_are_written_beside_readers()
    {
        // Short runs, so that names move from memory to the index many times while appenders and readers run.
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath, new SqliteEventStoreOptions { StreamNameRunLength = 4, StreamNameMaxRunLength = 4 });
        var acknowledged = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var done = new CancellationTokenSource();
        var misses = 0;
        var reads = 0;
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                foreach (var stream in acknowledged.ToArray().Reverse().Take(20))
                {
                    Interlocked.Increment(ref reads);
                    if (await CountAsync(store, stream) != 1)
                    {
                        Interlocked.Increment(ref misses);
                    }
                }
            }
        })).ToList();
        var appenders = Enumerable.Range(0, 6).Select(a => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                var stream = NewStream($"a{a}");
                await store.AppendAsync(stream, ExpectedRevision.NoStream, Events(1));
                acknowledged.Enqueue(stream);
                Assert.Equal(1, await CountAsync(store, stream));
            }
        })).ToList();

        await Task.WhenAll(appenders).WaitAsync(HangGuard);
        await done.CancelAsync();
        await Task.WhenAll(readers).WaitAsync(HangGuard);

        Assert.Equal(0, misses);
        Assert.True(reads > 0);
        // Refused as new, all at once (so in few transactions).
        await Task.WhenAll(acknowledged.Select(stream => Assert.ThrowsAsync<WrongExpectedRevisionException>(() => store.AppendAsync(stream, ExpectedRevision.NoStream, Events(1)))));
        await store.DisposeAsync();
        using var check = OpenRaw(DatabasePath);
        Assert.Equal(240L, Scalar(check, "SELECT COUNT(DISTINCT name) FROM streams"));
        Assert.Equal(240L, Scalar(check, "SELECT COUNT(*) FROM streams"));
        // Closed, every name is in the index, under its stream's number.
        Assert.Equal(240L, Scalar(check, "SELECT COUNT(*) FROM stream_names JOIN streams USING (name, stream_id)"));
        Assert.Equal(240L, Scalar(check, "SELECT value FROM store_state WHERE name = 'names_indexed_through'"));
    }

    [Fact]
    public async Task names_the_writer_held_when_the_process_stopped_are_read_again_and_their_streams_found_before_the_first_append()
    {
        var streams = Enumerable.Range(0, 5).Select(i => NewStream($"held{i}")).ToList();
        await using (var first = await SqliteEventStore.OpenAsync(DatabasePath))
        {
            foreach (var stream in streams)
            {
                await first.AppendAsync(stream, ExpectedRevision.NoStream, Events(2));
            }
        }
        // As if the process had died before the names were written: the streams table has them, the index not.
        using (var connection = OpenRaw(DatabasePath))
        {
            Scalar(connection, "DELETE FROM stream_names WHERE stream_id > 2");
            Scalar(connection, "UPDATE store_state SET value = 2 WHERE name = 'names_indexed_through'");
        }

        await using var second = await SqliteEventStore.OpenAsync(DatabasePath);

        // Read before the writer has read anything: found among the streams after the index.
        Assert.All(streams, stream => Assert.Equal(2, CountAsync(second, stream).GetAwaiter().GetResult()));
        await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => second.AppendAsync(streams[4], ExpectedRevision.NoStream, Events(1)));
        Assert.Equal(2UL, (await second.AppendAsync(streams[3], ExpectedRevision.Exact(1), Events(1))).NextExpectedRevision);
        await second.AppendAsync("next", ExpectedRevision.NoStream, Events(1));
        using var check = OpenRaw(DatabasePath);
        Assert.Equal(6L, Scalar(check, "SELECT stream_id FROM streams WHERE name = 'next'"));
        Assert.Equal(6L, Scalar(check, "SELECT COUNT(*) FROM streams"));
    }

    [Fact]
    public async Task a_second_store_on_the_same_file_finds_the_streams_the_first_holds_in_memory()
    {
        await using var one = await SqliteEventStore.OpenAsync(DatabasePath);
        await using var two = await SqliteEventStore.OpenAsync(DatabasePath);
        await two.AppendAsync("earlier", ExpectedRevision.NoStream, Events(1));
        await one.AppendAsync("held-by-one", ExpectedRevision.NoStream, Events(2));

        Assert.Equal(2, await CountAsync(two, "held-by-one"));
        await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => two.AppendAsync("held-by-one", ExpectedRevision.NoStream, Events(1)));
        await two.AppendAsync("held-by-one", ExpectedRevision.Exact(1), Events(1));
        await two.AppendAsync("held-by-two", ExpectedRevision.NoStream, Events(1));

        Assert.Equal(3UL, (await one.AppendAsync("held-by-one", ExpectedRevision.Exact(2), Events(1))).NextExpectedRevision);
        Assert.Equal(1, await CountAsync(one, "held-by-two"));
        Assert.Equal(1, await CountAsync(one, "earlier"));
        using var check = OpenRaw(DatabasePath);
        Assert.Equal("1:earlier 2:held-by-one 3:held-by-two", Scalar(check, "SELECT group_concat(stream_id || ':' || name, ' ') FROM (SELECT * FROM streams ORDER BY stream_id)"));
    }

    [Fact]
    public async Task reading_pages_of_any_length_runs_each_query_as_it_was_first_prepared()
    {
        // SQLite prepares a statement again whenever a value bound to its LIMIT is bound anew: with the page's length a
        // parameter, every read of a stream parsed and planned its query again.
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath, SmallPages);
        var stream = NewStream("paged");
        await store.AppendAsync(stream, ExpectedRevision.NoStream, Events(40));
        await store.AppendAsync(NewStream("other"), ExpectedRevision.NoStream, Events(3));
        using var reader = new ReadConnection(DatabasePath, SmallPages);
        // Before its first query prepares anything: SQLitePCL lists only the statements prepared after this.
        reader.Handle.enable_sqlite3_next_stmt(true);
        using var scanner = (SqliteLogScanner)store.OpenScanner();

        for (var limit = 1; limit <= SmallPages.ReadPageSize; limit++)
        {
            var forwards = reader.ReadStream(stream, (null, 0), ReadDirection.Forwards, limit, limit);
            Assert.Equal(Enumerable.Range(limit, limit).Select(r => (ulong)r), forwards.Events.Select(e => e.StreamRevision));
            var backwards = reader.ReadStream(stream, (null, 0), ReadDirection.Backwards, 39, limit);
            Assert.Equal(Enumerable.Range(40 - limit, limit).Reverse().Select(r => (ulong)r), backwards.Events.Select(e => e.StreamRevision));
            var all = reader.ReadAll(ReadDirection.Forwards, limit, limit, filter: null);
            Assert.Equal((limit, (long)(2 * limit)), (all.Scanned, all.LastScanned));
            var scanned = scanner.ScanForwards((ulong)limit, ulong.MaxValue, limit, filter: null, new CountingVisitor());
            Assert.Equal((limit, (ulong?)(ulong)(2 * limit)), (scanned.Scanned, scanned.LastScanned));
        }

        Assert.Equal(0, Reprepared(reader.Handle));
        Assert.Equal(0, scanner.Reprepared);
    }

    /// <summary>How often the statements of a connection were prepared again since they were first prepared.</summary>
    private static int Reprepared(SQLitePCL.sqlite3 db)
    {
        const int StatementStatusReprepare = 5; // SQLITE_STMTSTATUS_REPREPARE
        var total = 0;
        var statements = 0;
        for (var statement = SQLitePCL.raw.sqlite3_next_stmt(db, null); statement is not null; statement = SQLitePCL.raw.sqlite3_next_stmt(db, statement))
        {
            statements++;
            total += SQLitePCL.raw.sqlite3_stmt_status(statement, StatementStatusReprepare, 0);
        }
        Assert.True(statements > 0, "The connection has no prepared statements to look at.");
        return total;
    }

    private sealed class CountingVisitor : IEventVisitor
    {
        public void Visit(ulong position, ReadOnlySpan<byte> stream, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
        {
        }
    }

    [Fact]
    public async Task two_stores_on_one_file_never_give_two_streams_the_same_number()
    {
        await using var one = await SqliteEventStore.OpenAsync(DatabasePath);
        await using var two = await SqliteEventStore.OpenAsync(DatabasePath);

        await one.AppendAsync("first", ExpectedRevision.NoStream, Events(2));
        await two.AppendAsync("second", ExpectedRevision.NoStream, Events(1));
        await one.AppendAsync("third", ExpectedRevision.NoStream, Events(1));
        await two.AppendAsync("first", ExpectedRevision.Exact(1), Events(1));

        Assert.Equal(3, await CountAsync(one, "first"));
        Assert.Equal(1, await CountAsync(one, "second"));
        Assert.Equal(1, await CountAsync(two, "third"));
        using var check = OpenRaw(DatabasePath);
        Assert.Equal("first:1 second:2 third:3", Scalar(check, "SELECT group_concat(name || ':' || stream_id, ' ') FROM (SELECT * FROM streams ORDER BY stream_id)"));
    }

    [Fact]
    public async Task an_event_id_reused_at_another_place_in_the_same_stream_is_refused()
    {
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath);
        var stream = NewStream("order");
        var events = Events(2);
        await store.AppendAsync(stream, ExpectedRevision.NoStream, events);

        await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(stream, ExpectedRevision.Exact(1), [events[0]]));
        await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(stream, ExpectedRevision.Any, [events[1], events[0]]));
        Assert.Equal(2, await CountAsync(store, stream));
    }

    [Fact]
    public async Task a_retry_that_no_longer_matches_where_its_events_went_gets_the_revision_conflict()
    {
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath);
        var stream = NewStream("order");
        var events = Events(2);
        await store.AppendAsync(stream, ExpectedRevision.NoStream, events);
        await store.AppendAsync(stream, ExpectedRevision.Exact(1), Events(1));

        // The events sit at revisions 0-1; Exact(2) would put them at 3-4 and the stream is at 2.
        var conflict = await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => store.AppendAsync(stream, ExpectedRevision.Exact(1), events));

        Assert.Equal(2UL, conflict.Actual);
        Assert.Equal(3, await CountAsync(store, stream));
    }

    [Fact]
    public async Task appends_with_no_events_or_an_event_id_twice_are_refused_before_they_are_queued()
    {
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath);
        var stream = NewStream("bad");
        var e = Events(1)[0];

        Assert.Throws<ArgumentException>(() => { _ = store.AppendAsync(stream, ExpectedRevision.Any, []); });
        Assert.Throws<ArgumentException>(() => { _ = store.AppendAsync(stream, ExpectedRevision.Any, [e, e]); });
        Assert.Equal(0, await CountAsync(store, stream));
    }

    [Fact]
    public async Task empty_metadata_and_large_data_read_back_unchanged()
    {
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath);
        var stream = NewStream("blob");
        var large = new byte[200_000];
        new Random(7).NextBytes(large);
        EventData[] events =
        [
            new(Guid.NewGuid(), "blob.empty-metadata", "{}"u8.ToArray(), ReadOnlyMemory<byte>.Empty),
            new(Guid.NewGuid(), "blob.large", large.AsMemory(10, 150_000), "{\"k\":1}"u8.ToArray()),
        ];

        await store.AppendAsync(stream, ExpectedRevision.NoStream, events);

        var read = await ToListAsync(store.ReadStreamAsync(stream, ReadDirection.Forwards));
        Assert.Equal(2, read.Count);
        AssertSame(events[0], read[0]);
        AssertSame(events[1], read[1]);
        Assert.Equal(0, read[0].Metadata.Length);
    }

    [Fact]
    public async Task a_store_closed_and_reopened_keeps_every_acknowledged_event_and_continues_positions_and_revisions()
    {
        var streams = Enumerable.Range(0, 50).Select(i => NewStream($"journey{i}")).ToList();
        List<RecordedEvent> before;
        await using (var store = await SqliteEventStore.OpenAsync(DatabasePath, SmallPages))
        {
            var results = await Task.WhenAll(streams.Select(s => store.AppendAsync(s, ExpectedRevision.NoStream, Events(4))));
            Assert.Equal(200, results.SelectMany(r => r.Positions).Distinct().Count());
            before = await ToListAsync(store.ReadAllAsync(ReadDirection.Forwards));
        }
        // Disposal folded the WAL into the database file.
        Assert.False(File.Exists(DatabasePath + "-wal") && new FileInfo(DatabasePath + "-wal").Length > 0);

        await using var reopened = await SqliteEventStore.OpenAsync(DatabasePath, SmallPages);
        var after = await ToListAsync(reopened.ReadAllAsync(ReadDirection.Forwards));
        var appended = await reopened.AppendAsync(streams[7], ExpectedRevision.Exact(3), Events(2));

        Assert.Equal(200, after.Count);
        Assert.Equal(Range(1, 200), after.Select(e => e.Position));
        Assert.Equal(before.Select(e => (e.Stream, e.StreamRevision, e.EventId, e.Type, e.Created)), after.Select(e => (e.Stream, e.StreamRevision, e.EventId, e.Type, e.Created)));
        Assert.Equal(new ulong[] { 201, 202 }, appended.Positions);
        Assert.Equal(5UL, appended.NextExpectedRevision);
        await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => reopened.AppendAsync(streams[8], ExpectedRevision.NoStream, Events(1)));
    }

    [Fact]
    public async Task disposing_writes_the_appends_already_queued_then_refuses_new_ones()
    {
        var stream = NewStream("late");
        var store = await SqliteEventStore.OpenAsync(DatabasePath);
        var pending = Enumerable.Range(0, 100).Select(_ => store.AppendAsync(stream, ExpectedRevision.Any, Events(1))).ToList();

        await store.DisposeAsync();

        await Task.WhenAll(pending);
        Assert.Throws<ObjectDisposedException>(() => { _ = store.AppendAsync(stream, ExpectedRevision.Any, Events(1)); });
        await using var reopened = await SqliteEventStore.OpenAsync(DatabasePath);
        Assert.Equal(100, await CountAsync(reopened, stream));
    }

    [Fact]
    public async Task a_request_that_fails_its_check_in_a_group_commit_does_not_fail_the_others()
    {
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath);
        var taken = NewStream("taken");
        await store.AppendAsync(taken, ExpectedRevision.NoStream, Events(1));
        var transactionsBefore = store.Writer.TransactionsCommitted;

        var good = new List<(string Stream, Task<AppendResult> Append)>();
        var conflicting = new List<Task<AppendResult>>();
        Task<AppendResult> duplicate;
        Task<AppendResult> original;
        Task<AppendResult> retry;
        Task<AppendResult> first;
        await using (var blocker = HoldWriteLock(DatabasePath))
        {
            // The writer takes this one and waits for the lock; all that follows queues up behind it.
            first = store.AppendAsync(NewStream("first"), ExpectedRevision.NoStream, Events(1));
            await WaitUntilAsync(() => store.Writer.QueuedRequests == 0);
            for (var i = 0; i < 40; i++)
            {
                var stream = NewStream($"ok{i}");
                good.Add((stream, store.AppendAsync(stream, ExpectedRevision.NoStream, Events(2))));
                conflicting.Add(store.AppendAsync(taken, ExpectedRevision.NoStream, Events(1)));
            }
            var reused = Events(2);
            var reusing = NewStream("reuse");
            original = store.AppendAsync(reusing, ExpectedRevision.NoStream, reused);
            duplicate = store.AppendAsync(NewStream("dupe"), ExpectedRevision.Any, [reused[1]]);
            retry = store.AppendAsync(reusing, ExpectedRevision.NoStream, reused);
        }

        await first;
        Assert.All(await Task.WhenAll(good.Select(g => g.Append)), r => Assert.Equal(1UL, r.NextExpectedRevision));
        foreach (var conflict in conflicting)
        {
            var e = await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => conflict);
            Assert.Equal(0UL, e.Actual);
        }
        await Assert.ThrowsAsync<DuplicateEventIdException>(() => duplicate);
        Assert.Equal((await original).Positions, (await retry).Positions);
        // One transaction for the request that waited on the lock, one for everything queued behind it.
        Assert.Equal(transactionsBefore + 2, store.Writer.TransactionsCommitted);
        foreach (var (stream, _) in good)
        {
            Assert.Equal(2, await CountAsync(store, stream));
        }
        Assert.Equal(1, await CountAsync(store, taken));
        var all = await ToListAsync(store.ReadAllAsync(ReadDirection.Forwards));
        Assert.Equal(Range(1, all.Count), all.Select(e => e.Position));
    }

    [Fact]
    public async Task cancelling_a_queued_append_withdraws_it_but_one_the_writer_has_taken_completes()
    {
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath);
        var takenStream = NewStream("taken");
        var withdrawnStream = NewStream("withdrawn");
        using var takenCancel = new CancellationTokenSource();
        using var withdrawnCancel = new CancellationTokenSource();
        Task<AppendResult> taken;
        Task<AppendResult> withdrawn;
        await using (var blocker = HoldWriteLock(DatabasePath))
        {
            taken = store.AppendAsync(takenStream, ExpectedRevision.NoStream, Events(2), takenCancel.Token);
            await WaitUntilAsync(() => store.Writer.QueuedRequests == 0);
            withdrawn = store.AppendAsync(withdrawnStream, ExpectedRevision.NoStream, Events(2), withdrawnCancel.Token);
            await takenCancel.CancelAsync();
            await withdrawnCancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withdrawn);
        }

        var result = await taken;
        Assert.Equal(1UL, result.NextExpectedRevision);
        Assert.Equal(2, await CountAsync(store, takenStream));
        Assert.Equal(0, await CountAsync(store, withdrawnStream));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => store.AppendAsync(withdrawnStream, ExpectedRevision.Any, Events(1), withdrawnCancel.Token));
    }

    [Fact]
    public async Task a_second_store_on_the_same_file_sees_appends_through_its_subscription()
    {
        await using var writer = await SqliteEventStore.OpenAsync(DatabasePath);
        await using var watcher = await SqliteEventStore.OpenAsync(DatabasePath, SmallPages);
        var past = Events(20);
        var live = Events(3);
        await writer.AppendAsync(NewStream("past"), ExpectedRevision.NoStream, past);

        using var guard = new CancellationTokenSource(HangGuard);
        await using var subscription = watcher.SubscribeToAllAsync(null, cancellationToken: guard.Token).GetAsyncEnumerator(guard.Token);
        var catchUp = await ReadUntilAsync(subscription, m => m is CaughtUp);
        await writer.AppendAsync(NewStream("live"), ExpectedRevision.NoStream, live);
        var followed = await ReadUntilAsync(subscription, m => m is EventAppeared e && e.Event.EventId == live[^1].EventId);

        AssertWellOrdered([.. catchUp, .. followed]);
        Assert.Equal(past.Select(e => e.EventId), Delivered(catchUp).Select(e => e.EventId));
        Assert.Equal(new CaughtUp(20), catchUp[^1]);
        Assert.Equal(live.Select(e => e.EventId), Delivered(followed).Select(e => e.EventId));
    }

    [Fact]
    public async Task an_append_waits_for_another_processs_write_lock_trying_again_steadily_and_is_stored_once_it_is_let_go()
    {
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath);
        await store.AppendAsync(NewStream("first"), ExpectedRevision.NoStream, Events(1));
        using var busy = OpenRaw(DatabasePath);
        var transaction = busy.BeginTransaction(deferred: false);
        var retriesBefore = SteadyBusyWait.Retries;

        var waiting = store.AppendAsync(NewStream("waits"), ExpectedRevision.NoStream, Events(1));
        await Task.Delay(200);

        Assert.False(waiting.IsCompleted);
        // The writer's own handler, every millisecond, rather than SQLite's sleeps of 1, 2, 5, 10 … ms (or, past them,
        // Microsoft.Data.Sqlite's of 150 ms).
        Assert.True(SteadyBusyWait.Retries - retriesBefore > 1, "the writer did not try again by itself");
        transaction.Rollback();
        transaction.Dispose();
        Assert.Equal(new ulong[] { 2 }, (await waiting).Positions);
    }

    [Fact]
    public async Task an_append_that_waits_longer_than_the_busy_timeout_for_another_processs_lock_fails_and_the_next_is_stored()
    {
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath, new SqliteEventStoreOptions { BusyTimeout = TimeSpan.FromMilliseconds(100) });
        using var busy = OpenRaw(DatabasePath);
        using (busy.BeginTransaction(deferred: false))
        {
            var refused = await Assert.ThrowsAsync<SqliteException>(() => store.AppendAsync(NewStream("refused"), ExpectedRevision.NoStream, Events(1)));
            Assert.Equal(5, refused.SqliteErrorCode); // SQLITE_BUSY: "database is locked"
        }

        Assert.Equal(new ulong[] { 1 }, (await store.AppendAsync(NewStream("next"), ExpectedRevision.NoStream, Events(1))).Positions);
        Assert.Equal(0, await CountAsync(store, "refused"));
    }

    [Fact]
    public async Task a_lone_append_is_written_on_its_callers_thread_when_the_store_is_asked_to()
    {
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath, new SqliteEventStoreOptions { WriteLoneAppendsOnCallersThread = true });
        var transactions = store.Writer.TransactionsCommitted;

        var append = store.AppendAsync(NewStream("alone"), ExpectedRevision.NoStream, Events(2));

        // Durable before the call returned: no hand-off to the writer's thread and back.
        Assert.True(append.IsCompletedSuccessfully);
        Assert.Equal(new ulong[] { 1, 2 }, (await append).Positions);
        Assert.Equal(transactions + 1, store.Writer.TransactionsCommitted);
        await using var reopened = await SqliteEventStore.OpenAsync(DatabasePath);
        Assert.Equal(2, await reopened.ReadAllAsync(ReadDirection.Forwards).CountAsync());
    }

    [Fact]
    public async Task appends_written_on_callers_threads_and_by_the_writer_at_once_each_land_once_in_order()
    {
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath, new SqliteEventStoreOptions { WriteLoneAppendsOnCallersThread = true });
        var streams = Enumerable.Range(0, 20).Select(i => NewStream($"s{i}")).ToArray();

        // 20 callers at once, 25 appends each in turn on a stream of their own: some find the writer idle and write
        // themselves, the rest queue and share its transactions.
        var results = await Task.WhenAll(streams.Select(stream => Task.Run(async () =>
        {
            var positions = new List<ulong>();
            for (var i = 0; i < 25; i++)
            {
                var result = await store.AppendAsync(stream, i == 0 ? ExpectedRevision.NoStream : ExpectedRevision.Exact((ulong)i - 1), Events(1));
                Assert.Equal((ulong)i, result.NextExpectedRevision);
                positions.Add(result.Positions[0]);
            }
            return (stream, positions);
        })));

        var all = await ToListAsync(store.ReadAllAsync(ReadDirection.Forwards));
        Assert.Equal(Enumerable.Range(1, 500).Select(p => (ulong)p), all.Select(e => e.Position));
        foreach (var (stream, positions) in results)
        {
            Assert.Equal(positions, all.Where(e => e.Stream == stream).Select(e => e.Position));
        }
    }

    [Fact]
    public async Task closing_while_callers_write_their_own_appends_loses_none_it_acknowledged()
    {
        var store = await SqliteEventStore.OpenAsync(DatabasePath, new SqliteEventStoreOptions { WriteLoneAppendsOnCallersThread = true });
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<(string Stream, ulong Position)>();
        using var go = new ManualResetEventSlim();
        var callers = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            go.Wait();
            for (var i = 0; ; i++)
            {
                var stream = NewStream($"c{c}-{i}");
                try
                {
                    var result = await store.AppendAsync(stream, ExpectedRevision.NoStream, Events(1));
                    acknowledged.Add((stream, result.Positions[0]));
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
            }
        })).ToArray();

        go.Set();
        await WaitUntilAsync(() => acknowledged.Count >= 200);
        await store.DisposeAsync();
        // Every caller ends: refused once the store is closed, never left waiting.
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(30));

        await using var reopened = await SqliteEventStore.OpenAsync(DatabasePath);
        var stored = (await ToListAsync(reopened.ReadAllAsync(ReadDirection.Forwards))).ToDictionary(e => e.Stream, e => e.Position);
        Assert.All(acknowledged, a => Assert.Equal(a.Position, stored[a.Stream]));
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(p => (ulong)p), stored.Values.Order());
    }

    [Fact]
    public async Task a_store_that_wrote_nothing_closes_without_waiting_for_another_processs_writer()
    {
        var options = new SqliteEventStoreOptions { BusyTimeout = TimeSpan.FromSeconds(20) };
        await using var writer = await SqliteEventStore.OpenAsync(DatabasePath, options);
        await writer.AppendAsync(NewStream("written"), ExpectedRevision.NoStream, Events(5));
        var reader = await SqliteEventStore.OpenAsync(DatabasePath, options);
        Assert.Equal(5, await reader.ReadAllAsync(ReadDirection.Forwards).CountAsync());
        // Another writer in the middle of a transaction, as a server under ingest always nearly is.
        using var busy = OpenRaw(DatabasePath);
        using var transaction = busy.BeginTransaction(deferred: false);

        var closing = System.Diagnostics.Stopwatch.StartNew();
        await reader.DisposeAsync();
        closing.Stop();

        // A closing TRUNCATE would wait out the busy timeout (and stop new writers meanwhile).
        Assert.True(closing.Elapsed < options.BusyTimeout / 2, $"closing took {closing.Elapsed}");
        transaction.Rollback();
        await writer.AppendAsync(NewStream("after"), ExpectedRevision.NoStream, Events(1));
    }

    [Fact]
    public async Task two_stores_writing_one_file_keep_revisions_and_positions_consistent()
    {
        await using var one = await SqliteEventStore.OpenAsync(DatabasePath);
        await using var two = await SqliteEventStore.OpenAsync(DatabasePath);
        var stream = NewStream("shared");

        await one.AppendAsync(stream, ExpectedRevision.NoStream, Events(2));
        await two.AppendAsync(stream, ExpectedRevision.Exact(1), Events(2));
        // One's cached revision (1) is stale now; it must see two's commit and check against 3.
        var stale = await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => one.AppendAsync(stream, ExpectedRevision.Exact(1), Events(1)));
        var result = await one.AppendAsync(stream, ExpectedRevision.Exact(3), Events(1));

        Assert.Equal(3UL, stale.Actual);
        Assert.Equal(new ulong[] { 5 }, result.Positions);
        var read = await ToListAsync(two.ReadStreamAsync(stream, ReadDirection.Forwards));
        Assert.Equal(Range(0, 5), read.Select(e => e.StreamRevision));
        Assert.Equal(Range(1, 5), read.Select(e => e.Position));
    }

    [Fact]
    public async Task a_filtered_subscription_sends_checkpoints_while_it_skips_events()
    {
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath, SmallPages);
        var last = await store.AppendAsync(NewStream("other"), ExpectedRevision.NoStream, Events(100));

        using var guard = new CancellationTokenSource(HangGuard);
        var messages = await ReadUntilAsync(store.SubscribeToAllAsync(null, StreamFilter.Prefix(NewPrefix()), guard.Token), m => m is CaughtUp);

        AssertWellOrdered(messages);
        Assert.Empty(Delivered(messages));
        var checkpoints = messages.OfType<Checkpoint>().Select(c => c.Position).ToList();
        Assert.Equal(new ulong[] { 16, 32, 48, 64, 80, 96, 100 }, checkpoints);
        Assert.Equal(new CaughtUp(last.Positions[^1]), messages[^1]);
    }

    [Fact]
    public async Task a_subscription_to_an_empty_store_catches_up_at_no_position_and_then_follows()
    {
        await using var store = await SqliteEventStore.OpenAsync(DatabasePath);
        using var guard = new CancellationTokenSource(HangGuard);
        await using var subscription = store.SubscribeToAllAsync(null, cancellationToken: guard.Token).GetAsyncEnumerator(guard.Token);

        var catchUp = await ReadUntilAsync(subscription, m => m is CaughtUp);
        var appended = await store.AppendAsync(NewStream("first"), ExpectedRevision.NoStream, Events(1));
        var followed = await ReadUntilAsync(subscription, m => m is EventAppeared);

        Assert.Equal(new SubscriptionMessage[] { new CaughtUp(null) }, catchUp);
        Assert.Equal(appended.Positions[0], ((EventAppeared)followed[^1]).Event.Position);
    }

    [Fact]
    public async Task a_subscription_ends_without_error_when_cancelled_or_when_the_store_is_disposed()
    {
        var store = await SqliteEventStore.OpenAsync(DatabasePath);
        await store.AppendAsync(NewStream("a"), ExpectedRevision.NoStream, Events(3));
        using var cancel = new CancellationTokenSource();
        await using var cancelled = store.SubscribeToAllAsync(null, cancellationToken: cancel.Token).GetAsyncEnumerator();
        await using var orphaned = store.SubscribeToAllAsync(null).GetAsyncEnumerator();
        await ReadUntilAsync(cancelled, m => m is CaughtUp);
        await ReadUntilAsync(orphaned, m => m is CaughtUp);

        var waiting = cancelled.MoveNextAsync();
        await cancel.CancelAsync();
        Assert.False(await waiting);

        var waitingOnStore = orphaned.MoveNextAsync();
        await store.DisposeAsync();
        Assert.False(await waitingOnStore);
    }

    /// <summary>Takes SQLite's write lock from another connection, so the store's writer must wait for it.</summary>
    private static LockHolder HoldWriteLock(string path)
    {
        var connection = OpenRaw(path);
        // Not deferred: BEGIN IMMEDIATE takes the write lock now.
        var transaction = connection.BeginTransaction(deferred: false);
        return new LockHolder(connection, transaction);
    }

    /// <summary>Events of an earlier layout, written by <paramref name="sql"/> at positions 1, 2, …, the i-th with <paramref name="ids"/>[i].</summary>
    private static void InsertOldRows(SqliteConnection connection, string sql, Guid[] ids, params (string Stream, long Revision, long Number)[] rows)
    {
        for (var i = 0; i < rows.Length; i++)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = sql;
            insert.Parameters.AddWithValue("$position", i + 1);
            insert.Parameters.AddWithValue("$stream", rows[i].Stream);
            insert.Parameters.AddWithValue("$revision", rows[i].Revision);
            insert.Parameters.AddWithValue("$number", rows[i].Number);
            insert.Parameters.AddWithValue("$id", ids[i].ToByteArray(bigEndian: true));
            insert.ExecuteNonQuery();
        }
    }

    private static SqliteConnection OpenRaw(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private sealed class LockHolder(SqliteConnection connection, SqliteTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
