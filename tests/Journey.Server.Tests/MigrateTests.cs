using Journey.Cli.Commands;
using Journey.Server.Tests.Infrastructure;
using Journey.Storage;
using Journey.Storage.Sqlite;

namespace Journey.Server.Tests;

/// <summary><c>journey migrate</c> between two real SQLite files (the EventStoreDB side is the same interface).</summary>
public sealed class MigrateTests
{
    [Fact]
    public async Task migrate_copies_every_event_in_global_order_with_its_id_stream_and_revision()
    {
        var (from, to) = await SourceWithEventsAsync(streams: 8, eventsPerStream: 150);

        var result = await MigrateCommand.RunAsync(from, to, checkpointFile: null, report: null, CancellationToken.None);

        Assert.Equal(1_200, result.Copied);
        Assert.Equal(await ReadAllAsync(from), await ReadAllAsync(to));
    }

    [Fact]
    public async Task migrating_again_stores_nothing_twice()
    {
        var (from, to) = await SourceWithEventsAsync(streams: 10, eventsPerStream: 50);
        await MigrateCommand.RunAsync(from, to, null, null, CancellationToken.None);
        var checkpoint = Path.Combine(Path.GetTempPath(), $"fresh-{Guid.NewGuid():N}.checkpoint");

        // A fresh checkpoint file: every event is sent again and must be recognised as already there.
        var again = await MigrateCommand.RunAsync(from, to, checkpoint, null, CancellationToken.None);

        Assert.Equal(500, again.Copied);
        Assert.Equal(await ReadAllAsync(from), await ReadAllAsync(to));
    }

    [Fact]
    public async Task an_interrupted_migration_resumes_from_its_checkpoint_and_ends_with_every_event_once()
    {
        var (from, to) = await SourceWithEventsAsync(streams: 4, eventsPerStream: 3_000);
        using var stop = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            MigrateCommand.RunAsync(from, to, null, p => { if (p.Copied >= 5_000) { stop.Cancel(); } }, stop.Token));
        var partial = await ReadAllAsync(to);
        var resumed = await MigrateCommand.RunAsync(from, to, null, null, CancellationToken.None);

        Assert.InRange(partial.Count, 5_000, 11_999);
        Assert.True(resumed.Copied < 12_000, "the second run resumed rather than starting over");
        Assert.Equal(await ReadAllAsync(from), await ReadAllAsync(to));
    }

    [Theory]
    [InlineData("sqlite:")]
    [InlineData("")]
    public async Task a_source_that_is_not_there_is_refused_and_no_file_is_made(string prefix)
    {
        var folder = TempDirectory.Create("journey-migrate");
        var missing = Path.Combine(folder, "mistyped.db");

        var refused = await Assert.ThrowsAsync<FileNotFoundException>(() =>
            MigrateCommand.RunAsync(prefix + missing, $"sqlite:{Path.Combine(folder, "target.db")}", null, null, CancellationToken.None));

        // Before, the source was created empty and "Migrated 0 events" was reported, with an empty target beside it.
        Assert.Equal($"No store file at '{missing}' (the server keeps it as journey.db in its data directory).", refused.Message);
        Assert.Empty(Directory.GetFiles(folder));
    }

    private static async Task<(string From, string To)> SourceWithEventsAsync(int streams, int eventsPerStream)
    {
        var folder = TempDirectory.Create("journey-migrate");
        var path = Path.Combine(folder, "source.db");
        await using (var store = await SqliteEventStore.OpenAsync(path))
        {
            // Interleave streams so global order and stream order differ, as in a real log.
            for (var i = 0; i < eventsPerStream; i++)
            {
                await Task.WhenAll(Enumerable.Range(0, streams).Select(s => store.AppendAsync(
                    $"journey-test-{s}",
                    i == 0 ? ExpectedRevision.NoStream : ExpectedRevision.Exact((ulong)i - 1),
                    [new EventData(Guid.NewGuid(), "JourneyEventRecorded", System.Text.Encoding.UTF8.GetBytes($"{{\"n\":{i},\"s\":{s}}}"), "{\"m\":1}"u8.ToArray())])));
            }
        }
        return ($"sqlite:{path}", $"sqlite:{Path.Combine(folder, "target.db")}");
    }

    private static async Task<List<(string Stream, ulong Revision, Guid Id, string Type, string Data, string Metadata)>> ReadAllAsync(string spec)
    {
        await using var store = await EventStores.OpenAsync(spec);
        return await store.ReadAllAsync(ReadDirection.Forwards)
            .Select(e => (e.Stream, e.StreamRevision, e.EventId, e.Type, System.Text.Encoding.UTF8.GetString(e.Data.Span), System.Text.Encoding.UTF8.GetString(e.Metadata.Span)))
            .ToListAsync();
    }
}
