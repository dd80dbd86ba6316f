using Journey.Storage.EventStoreDb;

namespace Journey.Storage.Tests.EventStoreDb;

/// <summary>
/// The conformance suite against a real EventStoreDB (23.10 or later) or KurrentDB server, named by the
/// connection string in JOURNEY_TEST_ESDB (for example <c>esdb://localhost:2113?tls=false</c>); skipped
/// without it. Every test writes to its own streams, so a shared server will do.
/// </summary>
public sealed class EventStoreDbConformanceTests : EventStoreConformance
{
    protected override Task<IEventStore> CreateStoreAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable("JOURNEY_TEST_ESDB");
        Skip.If(string.IsNullOrEmpty(connectionString), "JOURNEY_TEST_ESDB is not set: no EventStoreDB server to test against");
        // Small pages, so that reads and the catch-up of subscriptions cross page boundaries on the server too.
        return Task.FromResult<IEventStore>(new EventStoreDbEventStore(EventStoreDbConnectionString.Parse(connectionString), loggerFactory: null, pageSize: 16));
    }
}
