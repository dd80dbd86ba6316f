using System.Globalization;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.LeadTimes;

namespace Journey.Domain.Tests.LeadTimes;

/// <summary>
/// A small "få barn"-like catalog built inline, and helpers to write journeys as (activity, instant) lines.
/// </summary>
internal static class LeadTimeTestData
{
    public const string FaBarn = "fa-barn";
    public const string Dodsfall = "dodsfall-og-arv";

    public const string Birth = "skatteetaten.fodsel.registrert";
    public const string FpSoknad = "nav.foreldrepenger.soknad";
    public const string FpDokumentasjon = "nav.foreldrepenger.dokumentasjon";
    public const string FpVedtak = "nav.foreldrepenger.vedtak";
    public const string FpUtbetaling = "nav.foreldrepenger.utbetaling";
    public const string BtSoknad = "nav.barnetrygd.soknad";
    public const string BtAutomatisk = "nav.barnetrygd.automatisk";
    public const string BtVedtak = "nav.barnetrygd.vedtak";
    public const string BtUtbetaling = "nav.barnetrygd.utbetaling";
    public const string KsSoknad = "nav.kontantstotte.soknad";
    public const string KsVedtak = "nav.kontantstotte.vedtak";
    public const string KsUtbetaling = "nav.kontantstotte.utbetaling";

    public const string Death = "skatteetaten.dodsfall.registrert";
    public const string SkifteBegjaering = "domstol.skifte.begjaering";
    public const string SkifteAttest = "domstol.skifteattest.utstedt";
    public const string SkifteSendt = "domstol.skifteattest.sendt";

    public static readonly JourneyCatalog TestCatalog = new(
        [
            new AgencyDefinition("skatteetaten", Text("Skatteetaten")),
            new AgencyDefinition("nav", Text("NAV")),
            new AgencyDefinition("domstol", Text("Domstolene")),
        ],
        [
            // Declared out of id order on purpose: the report must order by id, not by catalog order.
            new JourneyTypeDefinition(
                FaBarn,
                1,
                Text("Få barn"),
                Birth,
                ["mor", "far"],
                [
                    Activity(Birth), Activity(FpSoknad), Activity(FpDokumentasjon), Activity(FpVedtak), Activity(FpUtbetaling),
                    Activity(BtSoknad), Activity(BtAutomatisk), Activity(BtVedtak), Activity(BtUtbetaling),
                    Activity(KsSoknad), Activity(KsVedtak), Activity(KsUtbetaling),
                ],
                [
                    Service("foreldrepenger", [FpSoknad], [], FpVedtak, FpUtbetaling),
                    Service("barnetrygd", [BtSoknad], [BtAutomatisk], BtVedtak, BtUtbetaling),
                    Service("kontantstotte", [KsSoknad], [], KsVedtak, KsUtbetaling),
                ],
                [],
                "inline"),
            new JourneyTypeDefinition(
                Dodsfall,
                1,
                Text("Dødsfall og arv"),
                Death,
                ["arving"],
                [Activity(Death), Activity(SkifteBegjaering), Activity(SkifteAttest), Activity(SkifteSendt)],
                [Service("skifteattest", [SkifteBegjaering], [], SkifteAttest, SkifteSendt)],
                [],
                "inline"),
        ]);

    /// <summary>An event of <paramref name="journeyType"/> for <paramref name="subject"/>; the agency is the activity's prefix.</summary>
    public static JourneyEvent Event(string subject, string activity, string occurredAt, string journeyType = FaBarn) =>
        new(
            Guid.NewGuid(),
            journeyType,
            activity[..activity.IndexOf('.', StringComparison.Ordinal)],
            activity,
            subject,
            [],
            DateTimeOffset.Parse(occurredAt, CultureInfo.InvariantCulture),
            activity.Contains(".soknad", StringComparison.Ordinal) ? Initiator.Citizen : Initiator.Agency,
            Lifecycle.Complete,
            null,
            new Dictionary<string, string>());

    /// <summary>Applies the events at positions <paramref name="firstPosition"/>, +1, … in the order given.</summary>
    public static LeadTimeProjection Fold(IEnumerable<JourneyEvent> events, ulong firstPosition = 1)
    {
        var projection = new LeadTimeProjection(TestCatalog);
        ApplyAll(projection, events, firstPosition);
        return projection;
    }

    public static void ApplyAll(LeadTimeProjection projection, IEnumerable<JourneyEvent> events, ulong firstPosition)
    {
        var position = firstPosition;
        foreach (var e in events)
        {
            projection.Apply(position++, e);
        }
    }

    public static JourneyTypeLeadTimes Type(this LeadTimeReport report, string journeyType) =>
        report.JourneyTypes.Single(t => t.JourneyType == journeyType);

    public static ServiceLeadTimes Service(this JourneyTypeLeadTimes type, string service) =>
        type.Services.Single(s => s.Service == service);

    public static ServiceLeadTimes Service(this MonthLeadTimes month, string service) =>
        month.Services.Single(s => s.Service == service);

    /// <summary>
    /// Random "få barn" journeys, each in journey order, with instants on whole hours so that some events of
    /// a journey tie. Deterministic for a seed.
    /// </summary>
    public static List<List<JourneyEvent>> RandomJourneys(int seed, int count)
    {
        var random = new Random(seed);
        var journeys = new List<List<JourneyEvent>>(count);
        for (var j = 0; j < count; j++)
        {
            var subject = $"subject-{seed}-{j}";
            var offset = TimeSpan.FromHours(random.Next(2) + 1);
            var at = new DateTimeOffset(2026, 1 + random.Next(12), 1 + random.Next(28), random.Next(24), 0, 0, offset);
            var events = new List<JourneyEvent>();
            void Add(string activity, DateTimeOffset when) => events.Add(Event(subject, activity, when.ToString("O", CultureInfo.InvariantCulture)));

            if (random.Next(10) > 0)
            {
                Add(Birth, at);
            }
            string[][] services =
            [
                [FpSoknad, FpSoknad, FpVedtak, FpUtbetaling],
                [BtSoknad, BtAutomatisk, BtVedtak, BtUtbetaling],
                [KsSoknad, KsSoknad, KsVedtak, KsUtbetaling],
            ];
            foreach (var service in services)
            {
                if (random.Next(3) == 0)
                {
                    continue;
                }
                // Whole hours, so steps sometimes tie with each other and with the birth; some applications precede it.
                var when = at.AddHours(random.Next(-24, 200));
                Add(random.Next(2) == 0 ? service[0] : service[1], when);
                for (var step = 2; step < 4 && random.Next(6) > 0; step++)
                {
                    when = when.AddHours(random.Next(0, 300));
                    Add(service[step], when);
                }
            }
            if (random.Next(8) == 0)
            {
                Add(FpDokumentasjon, at.AddHours(random.Next(100)));
            }
            if (random.Next(20) == 0)
            {
                events.Add(Event(subject, "ukjent.aktivitet", at.ToString("O", CultureInfo.InvariantCulture), "ukjent-reise"));
            }
            // Journey order: by instant, ties in the order generated (List.Sort is not stable).
            journeys.Add([.. events.Select((e, i) => (e, i)).OrderBy(x => x.e.OccurredAt.UtcTicks).ThenBy(x => x.i).Select(x => x.e)]);
        }
        return journeys;
    }

    /// <summary>
    /// <see cref="RandomJourneys"/> with each journey's events shuffled by <paramref name="random"/> (so later events fall
    /// between earlier ones, and a life event may come late), then <see cref="Interleave"/>d.
    /// </summary>
    public static List<JourneyEvent> ShuffledJourneysInterleaved(Random random, int seed, int count, int interleaveSeed)
    {
        var journeys = RandomJourneys(seed, count);
        foreach (var journey in journeys)
        {
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(journey));
        }
        return Interleave(journeys, interleaveSeed);
    }

    /// <summary>A random interleaving of the journeys that keeps each journey's own order.</summary>
    public static List<JourneyEvent> Interleave(IReadOnlyList<List<JourneyEvent>> journeys, int seed)
    {
        var random = new Random(seed);
        var next = new int[journeys.Count];
        var open = Enumerable.Range(0, journeys.Count).Where(j => journeys[j].Count > 0).ToList();
        var result = new List<JourneyEvent>();
        while (open.Count > 0)
        {
            var pick = random.Next(open.Count);
            var j = open[pick];
            result.Add(journeys[j][next[j]++]);
            if (next[j] == journeys[j].Count)
            {
                open[pick] = open[^1];
                open.RemoveAt(open.Count - 1);
            }
        }
        return result;
    }

    public static LocalizedText Text(string name) => new(name, name);

    public static ActivityDefinition Activity(string code) =>
        new(code, code[..code.IndexOf('.', StringComparison.Ordinal)], Text(code), []);

    public static ServiceDefinition Service(string id, string[] applications, string[] proactive, string decision, string delivery) =>
        new(id, Text(id), decision[..decision.IndexOf('.', StringComparison.Ordinal)], applications, proactive, decision, delivery, [], null);
}
