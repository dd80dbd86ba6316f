using Journey.Cli.Simulation;
using Journey.Domain.Catalog;
using Contract = Journey.Contracts.V1;

namespace Journey.Cli.Benchmarks;

/// <summary>
/// The events one run sends, generated before anything is timed: the streamed backfill, the unary
/// live events (journeys of their own, so nothing is a duplicate), and a small warm-up.
/// </summary>
internal sealed class Workload
{
    private Workload(JourneyBatch streamed, JourneyBatch unary, JourneyBatch warmUpStreamed, JourneyBatch warmUpUnary, JourneyBatch live, JourneyBatch readNodeStreamed)
    {
        Live = live;
        ReadNodeStreamed = readNodeStreamed;
        Streamed = streamed;
        Unary = unary;
        WarmUpStreamed = warmUpStreamed;
        WarmUpUnary = warmUpUnary;
    }

    public JourneyBatch Streamed { get; }

    public JourneyBatch Unary { get; }

    /// <summary>Streamed before anything is measured, so the server runs optimised code on every path.</summary>
    public JourneyBatch WarmUpStreamed { get; }

    public JourneyBatch WarmUpUnary { get; }

    /// <summary>Live traffic at a steady pace: a tenth of <see cref="Streamed"/>, new journeys each moving a step at a time.</summary>
    public JourneyBatch Live { get; }

    /// <summary>New journeys streamed at the end, while a read node answers queries: a quarter of <see cref="Streamed"/>.</summary>
    public JourneyBatch ReadNodeStreamed { get; }

    /// <summary>Journeys the server holds when its memory is measured (the live and read node's phases come after).</summary>
    public long TotalJourneys => Streamed.Journeys + Unary.Journeys + WarmUpStreamed.Journeys + WarmUpUnary.Journeys;

    public static Workload Generate(JourneyCatalog catalog, BenchmarkSettings settings)
    {
        var perJourney = settings.Events / (double)settings.Journeys;
        // Different seeds, different persons: the sets are different journeys with different ids.
        return new Workload(
            Take(catalog, settings.Seed, settings.Journeys, settings.Events),
            Interleave(Take(catalog, settings.Seed + 1, UnaryJourneys(settings.UnaryEvents, perJourney), settings.UnaryEvents)),
            Take(catalog, settings.Seed + 2, WarmUpEvents(settings.Events) / 10, WarmUpEvents(settings.Events)),
            Interleave(Take(catalog, settings.Seed + 3, WarmUpEvents(settings.UnaryEvents) / 10, WarmUpEvents(settings.UnaryEvents))),
            Interleave(Take(catalog, settings.Seed + 5, Math.Max(1, settings.Journeys / 10), Math.Max(1, settings.Events / 10))),
            Take(catalog, settings.Seed + 4, Math.Max(1, settings.Journeys / 4), Math.Max(1, settings.Events / 4)));
    }

    /// <summary>
    /// Live traffic: each journey moves a step at a time, days apart, so consecutive events belong to
    /// different journeys. Reordered round-robin, each journey's own events keep their order.
    /// </summary>
    private static JourneyBatch Interleave(JourneyBatch batch)
    {
        var journeys = new List<List<Contract.JourneyEvent>>();
        Contract.JourneyEvent? previous = null;
        foreach (var e in batch.Events)
        {
            if (previous is null || previous.Subject != e.Subject || previous.JourneyType != e.JourneyType)
            {
                journeys.Add([]);
            }
            journeys[^1].Add(e);
            previous = e;
        }
        var interleaved = new List<Contract.JourneyEvent>(batch.Events.Count);
        for (var step = 0; interleaved.Count < batch.Events.Count; step++)
        {
            foreach (var journey in journeys)
            {
                if (step < journey.Count)
                {
                    interleaved.Add(journey[step]);
                }
            }
        }
        return batch with { Events = interleaved };
    }

    // A tenth, at least a few thousand. The server is a large body of code (Kestrel, gRPC, Orleans, SQLite
    // and ours): with a warm-up of 2 % its JIT was still compiling some 500 methods a second (a fifth of a
    // core) well into the measured run, which is start-up cost, not the steady state being measured.
    private static int WarmUpEvents(int events) => Math.Min(events, Math.Max(3_000, events / 10));

    private static int UnaryJourneys(int events, double perJourney) =>
        events == 0 ? 0 : Math.Max(1, (int)Math.Ceiling(events / Math.Max(1, perJourney)));

    /// <summary>
    /// <paramref name="events"/> events spread evenly over <paramref name="journeys"/> simulated journeys:
    /// each journey's first steps, in order (the simulator gives about twenty per journey, more than the
    /// ten a million events over 100,000 journeys asks for). A journey short of its share passes the rest on.
    /// </summary>
    internal static JourneyBatch Take(JourneyCatalog catalog, int seed, int journeys, int events)
    {
        var list = new List<Contract.JourneyEvent>(events);
        var taken = 0;
        if (journeys > 0)
        {
            var journey = -1;
            var quota = 0;
            Contract.JourneyEvent? previous = null;
            foreach (var e in new JourneySimulator(catalog, seed).Generate(journeys))
            {
                if (previous is null || previous.Subject != e.Subject || previous.JourneyType != e.JourneyType)
                {
                    journey++;
                    // Cumulative shares, so the quotas add up to exactly the events asked for.
                    quota += (int)((long)(journey + 1) * events / journeys - (long)journey * events / journeys);
                    taken++;
                }
                previous = e;
                if (quota > 0)
                {
                    list.Add(e);
                    quota--;
                }
            }
        }
        return new JourneyBatch(list, taken);
    }
}

/// <summary>Events in the simulator's order (journey after journey), and how many journeys they make.</summary>
internal sealed record JourneyBatch(IReadOnlyList<Contract.JourneyEvent> Events, int Journeys);
