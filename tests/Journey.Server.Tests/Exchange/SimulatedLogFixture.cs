using Grpc.Core;
using Journey.Cli.Commands;
using Journey.Cli.Simulation;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;
using Journey.Storage;
using Microsoft.Extensions.DependencyInjection;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Exchange;

/// <summary>
/// A running server fed with simulated journeys, shared by the tests of a class. Tests that add events use
/// their own subjects and bound their reads by position, so they do not disturb each other.
/// </summary>
public sealed class SimulatedLogFixture : IAsyncLifetime
{
    public const int Journeys = 240;
    public const int Seed = 31;

    private RunningServer? server;

    public RunningServer Server => server ?? throw new InvalidOperationException("The server has not started.");

    public IEventStore Store => Server.Services.GetRequiredService<IEventStore>();

    public Contract.Replay.ReplayClient Replay => new(Server.ChannelFor(JourneyRoles.Researcher));

    public async Task InitializeAsync()
    {
        server = await RunningServer.StartAsync();
        var sent = await SimulateCommand.RunAsync(server.Address, Journeys, Seed, batchSize: 250, CancellationToken.None, server.Tokens);
        if (sent.Values.Any(c => c.Accepted != c.Sent))
        {
            throw new InvalidOperationException("The simulated log was not stored whole: " + string.Join("; ", sent.Values.SelectMany(c => c.FirstRejections)));
        }
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Every identity number the simulation sent (subjects and related persons): none may ever leave the server.</summary>
    public IReadOnlySet<string> IdentityNumbersSent() =>
        new JourneySimulator(CatalogLoader.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "catalog")), Seed).Generate(Journeys)
            .SelectMany(e => e.Related.Select(r => r.Person).Append(e.Subject))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The journey events in the store, read directly: what a replay must deliver.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> StoredJourneyEventsAsync(ulong? upTo = null) =>
        await Store.ReadAllAsync(ReadDirection.Forwards, filter: StreamFilter.Prefix(JourneyId.StreamCategory + "-"))
            .Where(e => e.Type == JourneyEventJson.EventType && (upTo is null || e.Position <= upTo))
            .ToListAsync();

    /// <summary>Every event of a finite replay, in the order received, and the last checkpoint.</summary>
    public async Task<(List<Contract.ReplayedEvent> Events, ulong? Checkpoint)> ReplayAllAsync(Contract.ReplayRequest request)
    {
        using var call = Replay.Read(request);
        var events = new List<Contract.ReplayedEvent>();
        ulong? checkpoint = null;
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            events.AddRange(response.Events);
            if (response.HasCheckpoint)
            {
                checkpoint = response.Checkpoint;
            }
        }
        return (events, checkpoint);
    }
}
