using System.Diagnostics;
using Journey.Cli.Simulation;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.LeadTimes;
using Journey.Domain.Privacy;

namespace Journey.Cli.Benchmarks;

/// <summary>
/// <c>journey bench --reports-only</c>: what a lead-time report costs the projection, in this process, over the simulated
/// journeys. A report is made again while events arrive (at most once a second, off the fold's turn): from scratch after a
/// quiet spell has let its cubes go, then after steps of the journeys of the latest month (live traffic is mostly about
/// recent journeys), and after as many steps spread over every month (a backfill of the whole history).
/// </summary>
internal static class ReportRefresh
{
    /// <summary>Steps folded before each report.</summary>
    public const int StepsPerReport = 1_000;

    private const int FromScratchRuns = 3;

    public sealed record Figures(int Journeys, long Events, int Months, Timing FromScratch, Timing AfterRecentSteps, Timing AfterSpreadSteps);

    /// <summary>Reports timed: the median and the slowest, in milliseconds.</summary>
    public sealed record Timing(int Reports, double MedianMilliseconds, double MaxMilliseconds)
    {
        public static Timing Of(List<double> milliseconds)
        {
            if (milliseconds.Count == 0)
            {
                return new Timing(0, 0, 0);
            }
            milliseconds.Sort();
            return new Timing(milliseconds.Count, milliseconds[(milliseconds.Count - 1) / 2], milliseconds[^1]);
        }
    }

    public static Figures Run(JourneyCatalog catalog, int seed, int journeyCount, Action<string> progress)
    {
        progress($"Simulating {journeyCount:N0} journeys");
        var lifeEvents = catalog.JourneyTypes.ToDictionary(t => t.Id, t => t.LifeEventActivity, StringComparer.Ordinal);
        var pseudonymiser = new Pseudonymiser(PseudonymKey.Generate("bench"));
        // The simulator makes each journey's events together; its last one is the step held back.
        var journeys = new JourneySimulator(catalog, seed).Generate(journeyCount)
            .Select(e => StoreBaseline.ToStored(e, pseudonymiser))
            .GroupBy(e => e.JourneyId)
            .Select(g => g.ToList())
            .ToList();
        int? MonthOf(List<JourneyEvent> journey) =>
            journey.Find(e => e.Activity == lifeEvents[e.JourneyType]) is { } life ? life.OccurredAt.Year * 12 + life.OccurredAt.Month - 1 : null;
        // The simulated year's last month (a few life events late on its last day fall in the next month in Oslo's time).
        var last = JourneySimulator.PeriodStart.AddDays(364);
        var latest = last.Year * 12 + last.Month - 1;
        var recent = journeys.Where(j => j.Count > 1 && MonthOf(j) == latest).Select(j => j[^1]).ToList();
        var others = journeys.Where(j => j.Count > 1 && MonthOf(j) != latest).ToList();
        // As many steps of the other months' journeys, taken evenly across them; and for each report from scratch, a step
        // of every journey type after the release, as traffic resumes after a quiet spell.
        var resuming = Enumerable.Range(0, FromScratchRuns)
            .Select(run => others.GroupBy(j => j[0].JourneyType).SelectMany(type => type.Skip(run).Take(1)).Select(j => j[^1]).ToList())
            .ToList();
        var spared = resuming.SelectMany(r => r).ToHashSet();
        others = [.. others.Where(j => !spared.Contains(j[^1]))];
        var count = Math.Min(recent.Count, others.Count);
        var spread = Enumerable.Range(0, count).Select(i => others[(int)((long)i * others.Count / count)][^1]).ToList();
        var held = recent.Concat(spread).Concat(spared).ToHashSet();

        var projection = new LeadTimeProjection(catalog);
        ulong position = 0;
        foreach (var e in journeys.SelectMany(j => j).Where(e => !held.Contains(e)))
        {
            projection.Apply(++position, e);
        }
        var months = journeys.Select(MonthOf).Distinct().Count(m => m is not null);
        progress($"  {projection.Journeys:N0} journeys, {projection.EventsApplied:N0} events over {months} months folded; {recent.Count:N0} last steps of the latest month's journeys held back, and {spread.Count + spared.Count:N0} of the others'");

        var fromScratch = new List<double>();
        foreach (var steps in resuming)
        {
            projection.ReleaseCaches();
            foreach (var step in steps)
            {
                projection.Apply(++position, step);
            }
            fromScratch.Add(Timed(projection));
        }
        progress($"  from scratch: {string.Join(" · ", fromScratch.Select(ms => $"{ms:0.0} ms"))}");
        var afterRecent = Refresh(projection, recent, ref position);
        progress($"  after {StepsPerReport:N0} steps of the latest month's journeys: median {afterRecent.MedianMilliseconds:0.0} ms over {afterRecent.Reports} reports");
        var afterSpread = Refresh(projection, spread, ref position);
        progress($"  after {StepsPerReport:N0} steps spread over every month: median {afterSpread.MedianMilliseconds:0.0} ms over {afterSpread.Reports} reports");
        return new Figures(projection.Journeys, projection.EventsApplied, months, Timing.Of(fromScratch), afterRecent, afterSpread);
    }

    /// <summary>The figures as JSON, with the date, the command and the machine, as the other bench modes write them.</summary>
    public static string ToJson(Figures figures, DateTimeOffset date, MachineInfo machine, string command) =>
        BenchJson.Write(date, command, machine, loadAverageAtEnd: MachineInfo.LoadAverage(), w =>
        {
            w.WriteNumber("journeys", figures.Journeys);
            w.WriteNumber("events", figures.Events);
            w.WriteNumber("months", figures.Months);
            w.WriteNumber("stepsPerReport", StepsPerReport);
            Write(w, "reportFromScratch", figures.FromScratch);
            Write(w, "reportAfterRecentSteps", figures.AfterRecentSteps);
            Write(w, "reportAfterSpreadSteps", figures.AfterSpreadSteps);
        });

    private static void Write(System.Text.Json.Utf8JsonWriter w, string name, Timing timing)
    {
        w.WriteNumber(name + "Reports", timing.Reports);
        w.WriteNumber(name + "MedianMilliseconds", Math.Round(timing.MedianMilliseconds, 1));
        w.WriteNumber(name + "MaxMilliseconds", Math.Round(timing.MaxMilliseconds, 1));
    }

    private static Timing Refresh(LeadTimeProjection projection, List<JourneyEvent> steps, ref ulong position)
    {
        var times = new List<double>();
        foreach (var batch in steps.Chunk(StepsPerReport))
        {
            foreach (var e in batch)
            {
                projection.Apply(++position, e);
            }
            times.Add(Timed(projection));
        }
        return Timing.Of(times);
    }

    private static double Timed(LeadTimeProjection projection)
    {
        var start = Stopwatch.GetTimestamp();
        _ = projection.Report();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
