using Journey.Cli.Simulation;
using Journey.Domain.Catalog;
using Contract = Journey.Contracts.V1;

namespace Journey.Cli.Benchmarks;

/// <summary>
/// The events one run sends, generated before anything is timed: the streamed backfill, the unary
/// events (journeys of their own, so nothing is a duplicate), a small warm-up, the live phase's next steps of the
/// backfill's journeys, and the read node phase's new journeys.
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

    /// <summary>
    /// Live traffic: a tenth of <see cref="Streamed"/>'s count of events, each the next step of a journey the backfill began
    /// (one step of each, then a second, …). A journey's steps are days apart, so in production its grain has gone idle
    /// before the next one comes: each of these events activates its journey, which reads its history first.
    /// </summary>
    public JourneyBatch Live { get; }

    /// <summary>New journeys streamed at the end, while a read node answers queries: a quarter of <see cref="Streamed"/>.</summary>
    public JourneyBatch ReadNodeStreamed { get; }

    /// <summary>Journeys the server holds when its memory is measured (the live and read node's phases come after).</summary>
    public long TotalJourneys => Streamed.Journeys + Unary.Journeys + WarmUpStreamed.Journeys + WarmUpUnary.Journeys;

    public static Workload Generate(JourneyCatalog catalog, BenchmarkSettings settings)
    {
        var perJourney = settings.Events / (double)settings.Journeys;
        var liveEvents = Math.Max(1, settings.Events / 10);
        // Of each journey two steps more than the live phase needs on average, for journeys that end early.
        var (streamed, continued) = Split(catalog, settings.Seed, settings.Journeys, settings.Events, liveEvents / settings.Journeys + 2);
        // Different seeds, different persons: the sets are different journeys with different ids.
        return new Workload(
            streamed,
            Interleave(Take(catalog, settings.Seed + 1, UnaryJourneys(settings.UnaryEvents, perJourney), settings.UnaryEvents)),
            Take(catalog, settings.Seed + 2, WarmUpEvents(settings.Events) / 10, WarmUpEvents(settings.Events)),
            Interleave(Take(catalog, settings.Seed + 3, WarmUpEvents(settings.UnaryEvents) / 10, WarmUpEvents(settings.UnaryEvents))),
            First(Interleave(continued), liveEvents),
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

    /// <summary>The first <paramref name="events"/> of <paramref name="batch"/>, and how many journeys they are of.</summary>
    private static JourneyBatch First(JourneyBatch batch, int events)
    {
        var first = batch.Events.Take(events).ToList();
        return new JourneyBatch(first, first.Select(e => (e.JourneyType, e.Subject)).Distinct().Count());
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
    internal static JourneyBatch Take(JourneyCatalog catalog, int seed, int journeys, int events) =>
        Split(catalog, seed, journeys, events, 0).Taken;

    /// <summary>
    /// <see cref="Take"/>, and of each journey up to <paramref name="nextPerJourney"/> of the steps after those taken, in
    /// the same order: what comes next in the journeys.
    /// </summary>
    private static (JourneyBatch Taken, JourneyBatch Next) Split(JourneyCatalog catalog, int seed, int journeys, int events, int nextPerJourney)
    {
        var list = new List<Contract.JourneyEvent>(events);
        var next = new List<Contract.JourneyEvent>();
        var nextJourneys = 0;
        var taken = 0;
        if (journeys > 0)
        {
            var journey = -1;
            var quota = 0;
            var nextOfJourney = 0;
            Contract.JourneyEvent? previous = null;
            foreach (var e in new JourneySimulator(catalog, seed).Generate(journeys))
            {
                if (previous is null || previous.Subject != e.Subject || previous.JourneyType != e.JourneyType)
                {
                    journey++;
                    // Cumulative shares, so the quotas add up to exactly the events asked for.
                    quota += (int)((long)(journey + 1) * events / journeys - (long)journey * events / journeys);
                    taken++;
                    nextOfJourney = 0;
                }
                previous = e;
                if (quota > 0)
                {
                    list.Add(e);
                    quota--;
                }
                else if (nextOfJourney < nextPerJourney)
                {
                    nextJourneys += nextOfJourney == 0 ? 1 : 0;
                    next.Add(e);
                    nextOfJourney++;
                }
            }
        }
        return (new JourneyBatch(list, taken), new JourneyBatch(next, nextJourneys));
    }
}

/// <summary>Events in the simulator's order (journey after journey), and how many journeys they make.</summary>
internal sealed record JourneyBatch(IReadOnlyList<Contract.JourneyEvent> Events, int Journeys);
