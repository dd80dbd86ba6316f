using Journey.Cli;
using Journey.Cli.Commands;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.LeadTimes;
using Journey.Server.Hosting;
using Journey.Server.Projections;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;
using Journey.Storage;
using Microsoft.Extensions.DependencyInjection;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests;

/// <summary>
/// The promises that span a server's life: acknowledged events survive a restart, the projection resumes
/// from its checkpoint without counting twice, and a rebuild from the log equals the live state.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class RestartAndRebuildTests
{
    [Fact]
    public async Task a_server_stopped_and_started_again_keeps_every_acknowledged_event_and_the_same_lead_times()
    {
        string dataDir;
        string before;
        long storedBefore;
        await using (var first = await RunningServer.StartAsync())
        {
            dataDir = first.DataDir;
            var sent = await SimulateCommand.RunAsync(first.Address, journeys: 300, seed: 11, batchSize: 200, CancellationToken.None, first.Tokens);
            Assert.All(sent.Values, c => Assert.Equal(c.Sent, c.Accepted));
            before = await CaughtUpLeadTimesJsonAsync(first);
            storedBefore = await CountStoredAsync(first);
            Assert.Equal(sent.Values.Sum(c => c.Accepted), storedBefore);
        }

        await using var second = await RunningServer.StartAsync(dataDir);
        Assert.Equal(before, await CaughtUpLeadTimesJsonAsync(second));

        // The same seed sends the same event ids: every one is a duplicate, nothing is stored again.
        var again = await SimulateCommand.RunAsync(second.Address, journeys: 300, seed: 11, batchSize: 200, CancellationToken.None, second.Tokens);
        Assert.All(again.Values, c => Assert.Equal(c.Sent, c.Duplicates));
        Assert.Equal(storedBefore, await CountStoredAsync(second));
        Assert.Equal(before, await CaughtUpLeadTimesJsonAsync(second));
    }

    [Fact]
    public async Task rebuild_from_position_zero_equals_the_live_state_and_exits_zero()
    {
        await using var server = await RunningServer.StartAsync();
        await SimulateCommand.RunAsync(server.Address, journeys: 400, seed: 5, batchSize: 250, CancellationToken.None, server.Tokens);
        await CaughtUpLeadTimesJsonAsync(server);

        var exit = await JourneyCli.Create().Parse(["rebuild", "--server", server.Address, "--data-dir", server.DataDir]).InvokeAsync();

        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task rebuild_exits_non_zero_when_the_live_state_differs_from_the_log()
    {
        string dataDir;
        await using (var first = await RunningServer.StartAsync())
        {
            dataDir = first.DataDir;
            await SimulateCommand.RunAsync(first.Address, journeys: 60, seed: 9, batchSize: 100, CancellationToken.None, first.Tokens);
            await CaughtUpLeadTimesJsonAsync(first);

            // Plant a live state that skipped events in the middle of the log but claims the last position:
            // exactly the corruption a rebuild exists to reveal.
            var events = await first.Services.GetRequiredService<IEventStore>().ReadAllAsync(ReadDirection.Forwards, filter: JourneyStreams).ToListAsync();
            var damaged = new LeadTimeProjection(CatalogLoader.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "catalog")));
            foreach (var e in events.Take(events.Count / 3).Append(events[^1]))
            {
                damaged.Apply(e.Position, JourneyEventJson.Deserialize(e.Data.Span));
            }
            await first.DisposeAsync();
            await new ProjectionSnapshotStore(Path.Combine(dataDir, JourneyServerExtensions.SnapshotFile))
                .SaveAsync(LeadTimeProjectionGrain.Key, damaged.Checkpoint, damaged.ToSnapshot());
        }

        await using var second = await RunningServer.StartAsync(dataDir);
        await CaughtUpLeadTimesJsonAsync(second);

        var exit = await JourneyCli.Create().Parse(["rebuild", "--server", second.Address, "--token", second.TokenFor(JourneyRoles.Admin)]).InvokeAsync();

        Assert.Equal(RebuildCommand.Differs, exit);
    }

    [Fact]
    public async Task the_live_fold_skips_an_event_it_cannot_decode_says_so_and_folds_the_events_after_it()
    {
        using var logs = new CapturedLogs();
        await using var server = await RunningServer.StartAsync(logs: logs);
        var store = server.Services.GetRequiredService<IEventStore>();
        // Written past the door, as only a fault or a hand-edited store could: a journey event that is no JSON.
        var planted = await store.AppendAsync($"{JourneyId.StreamCategory}-fa-barn-planted", ExpectedRevision.Any,
            [new EventData(Guid.NewGuid(), JourneyEventJson.EventType, "{\"journeyType\": \"fa-barn\", \"activity\""u8.ToArray(), "{}"u8.ToArray())]);
        var after = await server.AppendAsAgenciesAsync(Events.HandComputedJourney(Events.NewPerson()));

        var report = await Wait.UntilAsync(
            () => server.ProjectionFiguresAsync(),
            r => r.Checkpoint >= after.Max(a => a.Accepted.Position),
            "the projection to fold the events after the undecodable one");

        Assert.True(planted.Positions[0] < after.Min(a => a.Accepted.Position));
        Assert.Equal(1UL, report.JourneyTypes.Single(t => t.JourneyType == "fa-barn").JourneysSeen);
        Assert.Contains(logs.Entries, e => e.Contains($"Event at position {planted.Positions[0]}", StringComparison.Ordinal)
            && e.Contains("cannot be decoded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task leadtimes_json_prints_the_documented_keys_for_every_journey_type()
    {
        await using var server = await RunningServer.StartAsync();
        await SimulateCommand.RunAsync(server.Address, journeys: 90, seed: 2, batchSize: 100, CancellationToken.None, server.Tokens);

        using var document = System.Text.Json.JsonDocument.Parse(await CaughtUpLeadTimesJsonAsync(server));

        var types = document.RootElement.GetProperty("journeyTypes").EnumerateArray().ToList();
        Assert.Equal(["alvorlig-sykt-barn", "dodsfall-og-arv", "fa-barn"], types.Select(t => t.GetProperty("journeyType").GetString()));
        foreach (var type in types)
        {
            Assert.True(type.GetProperty("journeys").GetInt64() > 0);
            var endToEnd = type.GetProperty("endToEnd");
            Assert.True(endToEnd.GetProperty("medianSeconds").GetDouble() > 0);
            Assert.True(endToEnd.GetProperty("p90Seconds").GetDouble() >= endToEnd.GetProperty("medianSeconds").GetDouble());
            Assert.True(endToEnd.TryGetProperty("meanSeconds", out _));
            Assert.All(type.GetProperty("services").EnumerateArray(), s =>
            {
                Assert.False(string.IsNullOrEmpty(s.GetProperty("service").GetString()));
                Assert.True(s.GetProperty("count").GetInt64() > 0);
                Assert.True(s.GetProperty("p90Seconds").GetDouble() >= s.GetProperty("medianSeconds").GetDouble());
                Assert.True(s.TryGetProperty("meanSeconds", out _));
                Assert.True(s.GetProperty("waitingForCitizen").TryGetProperty("medianSeconds", out _));
            });
        }
    }

    /// <summary>Waits until the projection has read the whole log, then returns <c>journey leadtimes --json</c>'s document.</summary>
    private static async Task<string> CaughtUpLeadTimesJsonAsync(RunningServer server)
    {
        var store = server.Services.GetRequiredService<IEventStore>();
        // Reads leave audit events in the log on EventStoreDB; the projection follows journey streams only.
        var last = await store.ReadAllAsync(ReadDirection.Backwards, maxCount: 1, filter: JourneyStreams).FirstOrDefaultAsync();
        var report = await Wait.UntilAsync(
            async () => await server.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest()),
            r => r.Checkpoint >= (last?.Position ?? 0),
            "the projection to catch up with the log");
        return LeadTimesCommand.ToJson(report);
    }

    private static async Task<long> CountStoredAsync(RunningServer server) =>
        await server.Services.GetRequiredService<IEventStore>().ReadAllAsync(ReadDirection.Forwards, filter: JourneyStreams).LongCountAsync();

    private static readonly StreamFilter JourneyStreams = StreamFilter.Prefix(JourneyId.StreamCategory + "-");
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    /// <summary>Tests that run CLI commands writing to the console run alone.</summary>
    public const string Name = "console";
}
