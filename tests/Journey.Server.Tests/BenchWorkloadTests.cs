using Journey.Cli.Benchmarks;
using Journey.Cli.Simulation;
using Journey.Domain.Catalog;

namespace Journey.Server.Tests;

/// <summary>What <c>journey bench</c> sends: generated before anything is timed, from the simulator.</summary>
public sealed class BenchWorkloadTests
{
    [Fact]
    public void the_live_phase_sends_the_next_step_of_each_journey_the_backfill_began()
    {
        var settings = new BenchmarkSettings { Events = 3_000, Journeys = 300, UnaryEvents = 300 };

        var workload = Workload.Generate(CatalogLoader.LoadDefault(), settings);

        var backfilled = workload.Streamed.Events.GroupBy(e => (e.JourneyType, e.Subject)).ToDictionary(g => g.Key, g => g.ToList());
        var live = workload.Live.Events;
        // A tenth as many events as the backfill, one step of each journey before any journey's second.
        Assert.Equal(300, live.Count);
        Assert.Equal(300, workload.Live.Journeys);
        Assert.Equal(live.Count, live.Select(e => (e.JourneyType, e.Subject)).Distinct().Count());
        // Each is the step after the journey's backfilled ones, in the order the simulator made them (an agency's order).
        var simulated = new JourneySimulator(CatalogLoader.LoadDefault(), settings.Seed).Generate(settings.Journeys)
            .GroupBy(e => (e.JourneyType, e.Subject)).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var e in live)
        {
            Assert.True(backfilled.TryGetValue((e.JourneyType, e.Subject), out var earlier), $"{e.EventId} is of a journey the backfill did not begin");
            var steps = simulated[(e.JourneyType, e.Subject)];
            Assert.Equal(steps.Take(earlier.Count).Select(s => s.EventId), earlier.Select(b => b.EventId));
            Assert.Equal(steps[earlier.Count].EventId, e.EventId);
        }
        // The backfill itself is unchanged: its share of events over its journeys.
        Assert.Equal((3_000, 300), (workload.Streamed.Events.Count, workload.Streamed.Journeys));
    }
}
