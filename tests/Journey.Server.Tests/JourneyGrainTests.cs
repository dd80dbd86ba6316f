using Journey.Domain.Events;
using Journey.Server.Hosting;
using Journey.Server.Journeys;
using Journey.Server.Tests.Infrastructure;
using Journey.Storage;
using Journey.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Journey.Server.Tests;

/// <summary>The journey grain on an in-process Orleans test cluster over a real SQLite store.</summary>
public sealed class JourneyGrainTests(JourneyGrainTests.Cluster cluster) : IClassFixture<JourneyGrainTests.Cluster>
{
    public sealed class Cluster : IAsyncLifetime
    {
        public TestCluster Host { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var builder = new TestClusterBuilder(1);
            builder.Properties["StorePath"] = Path.Combine(TempDirectory.Create("journey-grains"), "journey.db");
            builder.AddSiloBuilderConfigurator<StoreConfigurator>();
            builder.AddClientBuilderConfigurator<ClientConfigurator>();
            Host = builder.Build();
            await Host.DeployAsync();
        }

        public async Task DisposeAsync() => await Host.StopAllSilosAsync();
    }

    private sealed class StoreConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder
                // As the server configures it: journey grains have a short age limit, which Orleans
                // requires to exceed the collection quantum.
                .Configure<Orleans.Configuration.GrainCollectionOptions>(collection => collection.CollectionQuantum = TimeSpan.FromSeconds(15))
                .Services
                .AddJourneySerialization()
                .AddSingleton<IEventStore>(sp => SqliteEventStore.OpenAsync(sp.GetRequiredService<IConfiguration>()["StorePath"]!).GetAwaiter().GetResult());
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.Services.AddJourneySerialization();
    }

    private static PendingEvent Pending(Guid id, string content) =>
        new(id, System.Text.Encoding.UTF8.GetBytes($"{{\"content\":\"{content}\"}}"), "{}"u8.ToArray());

    private IJourneyGrain Journey() => cluster.Host.GrainFactory.GetGrain<IJourneyGrain>($"journey-test-{Guid.NewGuid():N}");

    [Fact]
    public async Task new_events_are_accepted_with_consecutive_revisions()
    {
        var grain = Journey();

        var outcomes = await grain.RecordAsync([Pending(Guid.NewGuid(), "a"), Pending(Guid.NewGuid(), "b")]);

        Assert.All(outcomes, o => Assert.Equal(RecordStatus.Accepted, o.Status));
        Assert.Equal([0ul, 1ul], outcomes.Select(o => o.StreamRevision));
        Assert.True(outcomes[1].Position > outcomes[0].Position);
    }

    // A short call is searched event by event, a long one through a dictionary: both must agree.
    [Theory]
    [InlineData(0)]
    [InlineData(37)]
    public async Task the_same_id_twice_in_one_call_is_stored_once(int others)
    {
        var grain = Journey();
        var id = Guid.NewGuid();
        var before = Enumerable.Range(0, others).Select(i => Pending(Guid.NewGuid(), $"other {i}")).ToArray();

        var outcomes = await grain.RecordAsync([.. before, Pending(id, "a"), Pending(id, "a"), Pending(id, "changed")]);

        Assert.All(outcomes[..others], o => Assert.Equal(RecordStatus.Accepted, o.Status));
        Assert.Equal([RecordStatus.Accepted, RecordStatus.Duplicate, RecordStatus.IdConflict], outcomes[others..].Select(o => o.Status));
        Assert.Equal(outcomes[others].Position, outcomes[others + 1].Position);
        Assert.Equal((ulong)others, outcomes[others + 1].StreamRevision);
    }

    [Fact]
    public async Task a_journey_reactivated_from_the_log_still_knows_its_events()
    {
        var key = $"journey-test-{Guid.NewGuid():N}";
        var id = Guid.NewGuid();
        var first = await cluster.Host.GrainFactory.GetGrain<IJourneyGrain>(key).RecordAsync([Pending(id, "a")]);

        // Deactivate every grain: the next call activates it anew and it must derive its state from the stream.
        var management = cluster.Host.GrainFactory.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);

        var again = await cluster.Host.GrainFactory.GetGrain<IJourneyGrain>(key).RecordAsync([Pending(id, "a"), Pending(Guid.NewGuid(), "b")]);

        Assert.Equal(RecordStatus.Duplicate, again[0].Status);
        Assert.Equal(first[0].Position, again[0].Position);
        Assert.Equal(1ul, again[1].StreamRevision);
    }

    // A journey's events are searched by a scan while it is short and through an index once long (past 32): a journey
    // woken from the log with 30 events, then taken past the limit in one call, must know every one either way.
    [Fact]
    public async Task a_long_journey_woken_from_the_log_knows_every_event_before_and_after_it_grows_past_the_scan()
    {
        var key = $"journey-test-{Guid.NewGuid():N}";
        var early = Enumerable.Range(0, 30).Select(i => Pending(Guid.NewGuid(), $"early {i}")).ToArray();
        var stored = await cluster.Host.GrainFactory.GetGrain<IJourneyGrain>(key).RecordAsync(early);
        await cluster.Host.GrainFactory.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var grain = cluster.Host.GrainFactory.GetGrain<IJourneyGrain>(key);

        var late = Enumerable.Range(0, 10).Select(i => Pending(Guid.NewGuid(), $"late {i}")).ToArray();
        var grown = await grain.RecordAsync([early[3], .. late, early[29]]);
        var again = await grain.RecordAsync([early[0], late[9], Pending(early[17].EventId, "changed"), Pending(late[4].EventId, "changed")]);

        Assert.Equal(RecordStatus.Duplicate, grown[0].Status);
        Assert.Equal(stored[3].Position, grown[0].Position);
        Assert.Equal(Enumerable.Range(30, 10).Select(r => (ulong)r), grown[1..11].Select(o => o.StreamRevision));
        Assert.Equal((RecordStatus.Duplicate, stored[29].Position), (grown[11].Status, grown[11].Position));
        Assert.Equal(
            [RecordStatus.Duplicate, RecordStatus.Duplicate, RecordStatus.IdConflict, RecordStatus.IdConflict],
            again.Select(o => o.Status));
        Assert.Equal([stored[0].Position, grown[10].Position, stored[17].Position, grown[5].Position], again.Select(o => o.Position));
    }

    [Fact]
    public async Task a_journey_appended_to_by_another_writer_reloads_and_continues()
    {
        var key = $"journey-test-{Guid.NewGuid():N}";
        var grain = cluster.Host.GrainFactory.GetGrain<IJourneyGrain>(key);
        await grain.RecordAsync([Pending(Guid.NewGuid(), "a")]);
        // Someone else appends to the same stream behind the grain's back (another silo, a migration).
        var store = cluster.Host.GetSiloServiceProvider().GetRequiredService<IEventStore>();
        await store.AppendAsync(key, ExpectedRevision.Exact(0), [new EventData(Guid.NewGuid(), JourneyEventJson.EventType, "{}"u8.ToArray(), "{}"u8.ToArray())]);

        var outcome = await grain.RecordAsync([Pending(Guid.NewGuid(), "c")]);

        Assert.Equal(RecordStatus.Accepted, outcome[0].Status);
        Assert.Equal(2ul, outcome[0].StreamRevision);
    }
}
