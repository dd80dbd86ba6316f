using Journey.Storage.Sqlite;
using static Journey.Storage.Tests.StoreTestKit;

namespace Journey.Storage.Tests.Sqlite;

/// <summary>The conformance suite over a real SQLite file in a temporary folder.</summary>
public class SqliteEventStoreConformanceTests : EventStoreConformance, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("journey-sqlite-").FullName;

    /// <summary>Whether a lone append is written on its caller's thread (as the audit trail's store does).</summary>
    protected virtual bool WriteLoneAppendsOnCallersThread => false;

    protected override async Task<IEventStore> CreateStoreAsync()
    {
        // Small pages, so every read and subscription crosses page boundaries; and a few events
        // already in the file, so no test can lean on an empty store.
        var store = await SqliteEventStore.OpenAsync(
            Path.Combine(_folder, "events.db"),
            new SqliteEventStoreOptions { ReadPageSize = 16, WriteLoneAppendsOnCallersThread = WriteLoneAppendsOnCallersThread });
        await store.AppendAsync(NewStream("seed"), ExpectedRevision.NoStream, Events(5, "seed.planted"));
        return store;
    }

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>The conformance suite again, with lone appends written on their caller's thread.</summary>
public sealed class SqliteEventStoreWritingOnCallersThreadConformanceTests : SqliteEventStoreConformanceTests
{
    protected override bool WriteLoneAppendsOnCallersThread => true;
}
