using System.Globalization;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.LeadTimes;

namespace Journey.Domain.Tests.LeadTimes;

/// <summary>
/// A small "having a child" catalog with three agencies, a reactive service that depends on two records,
/// one that can be both, and one that is only proactive; and journeys worked out by hand.
/// </summary>
internal static class AnalyticsTestData
{
    public const string Barn = "barn";

    public const string Fodsel = "folk.fodsel.registrert";
    public const string Farskap = "folk.farskap.registrert";
    public const string BtSoknad = "nav.barnetrygd.soknad";
    public const string BtAuto = "nav.barnetrygd.automatisk";
    public const string BtVedtak = "nav.barnetrygd.vedtak";
    public const string BtUtbetalt = "nav.barnetrygd.utbetalt";
    public const string FpSoknad = "nav.foreldrepenger.soknad";
    public const string FpVedtak = "nav.foreldrepenger.vedtak";
    public const string FpUtbetalt = "nav.foreldrepenger.utbetalt";
    public const string HsMelding = "kommune.helsestasjon.melding";
    public const string HsAvtalt = "kommune.helsestasjon.avtalt";
    public const string HsBesok = "kommune.helsestasjon.besok";

    public const double Hour = 3600;
    public const double Day = 86_400;

    public static readonly JourneyCatalog Catalog = new(
        [new AgencyDefinition("folk", Text("Folkeregisteret")), new AgencyDefinition("nav", Text("Nav")), new AgencyDefinition("kommune", Text("Kommunen"))],
        [
            new JourneyTypeDefinition(
                Barn,
                1,
                Text("Barn"),
                Fodsel,
                [],
                [.. new[] { Fodsel, Farskap, BtSoknad, BtAuto, BtVedtak, BtUtbetalt, FpSoknad, FpVedtak, FpUtbetalt, HsMelding, HsAvtalt, HsBesok }.Select(Activity)],
                [
                    new ServiceDefinition("barnetrygd", Text("Barnetrygd"), "nav", [BtSoknad], [BtAuto], BtVedtak, BtUtbetalt, [Fodsel], null),
                    new ServiceDefinition("foreldrepenger", Text("Foreldrepenger"), "nav", [FpSoknad], [], FpVedtak, FpUtbetalt, [Fodsel, Farskap], null),
                    new ServiceDefinition("helsestasjon", Text("Helsestasjon"), "kommune", [], [HsMelding], HsAvtalt, HsBesok, [Fodsel], null),
                ],
                [],
                "inline"),
        ]);

    /// <summary>
    /// Born 27 March 2026 10:00 (+01:00), across the change to summer time on 29 March. Barnetrygd starts
    /// automatically; the parents apply for foreldrepenger after paternity is registered. In UTC:
    /// <code>
    /// 1 03-27 09:00 folk fodsel        5 03-30 08:00 nav  fp.soknad (citizen)
    /// 2 03-27 11:00 nav  bt.automatisk 6 04-02 08:00 nav  fp.vedtak
    /// 3 03-28 09:00 folk farskap       7 04-10 08:00 nav  fp.utbetalt
    /// 4 03-28 11:00 nav  bt.vedtak     8 04-20 10:00 nav  bt.utbetalt
    /// </code>
    /// Events are listed out of order on purpose.
    /// </summary>
    public static List<JourneyEvent> JourneyA(string subject = "a") =>
    [
        Event(subject, Fodsel, "2026-03-27T10:00:00+01:00"),
        Event(subject, FpSoknad, "2026-03-30T10:00:00+02:00", Initiator.Citizen),
        Event(subject, Farskap, "2026-03-28T10:00:00+01:00"),
        Event(subject, BtAuto, "2026-03-27T12:00:00+01:00", Initiator.Automatic),
        Event(subject, BtVedtak, "2026-03-28T12:00:00+01:00", Initiator.Automatic),
        Event(subject, FpVedtak, "2026-04-02T10:00:00+02:00"),
        Event(subject, FpUtbetalt, "2026-04-10T10:00:00+02:00", Initiator.Automatic),
        Event(subject, BtUtbetalt, "2026-04-20T12:00:00+02:00", Initiator.Automatic),
    ];

    /// <summary>
    /// Born 5 April 2026 08:00 (+02:00). The citizen applies for barnetrygd ten days later; the parents
    /// apply for foreldrepenger the next day, but paternity is never registered, so that wait has no
    /// potential. Foreldrepenger is not decided yet.
    /// </summary>
    public static List<JourneyEvent> JourneyB(string subject = "b") =>
    [
        Event(subject, Fodsel, "2026-04-05T08:00:00+02:00"),
        Event(subject, FpSoknad, "2026-04-06T08:00:00+02:00", Initiator.Citizen),
        Event(subject, BtSoknad, "2026-04-15T08:00:00+02:00", Initiator.Citizen),
        Event(subject, BtVedtak, "2026-04-16T08:00:00+02:00"),
        Event(subject, BtUtbetalt, "2026-04-20T08:00:00+02:00", Initiator.Automatic),
    ];

    /// <summary>No life event yet: only process-mining figures.</summary>
    public static List<JourneyEvent> JourneyWithoutBirth(string subject = "c") =>
    [
        Event(subject, BtSoknad, "2026-05-01T08:00:00+02:00", Initiator.Citizen),
        Event(subject, BtVedtak, "2026-05-03T08:00:00+02:00"),
    ];

    public static JourneyEvent Event(string subject, string activity, string occurredAt, Initiator initiator = Initiator.Agency) =>
        new(
            Guid.NewGuid(),
            Barn,
            activity[..activity.IndexOf('.', StringComparison.Ordinal)],
            activity,
            subject,
            [],
            DateTimeOffset.Parse(occurredAt, CultureInfo.InvariantCulture),
            initiator,
            Lifecycle.Complete,
            null,
            new Dictionary<string, string>());

    public static LeadTimeProjection Fold(IEnumerable<JourneyEvent> events)
    {
        var projection = new LeadTimeProjection(Catalog);
        ulong position = 0;
        foreach (var e in events)
        {
            projection.Apply(++position, e);
        }
        return projection;
    }

    public static JourneyTypeLeadTimes Type(this LeadTimeReport report) => Assert.Single(report.JourneyTypes);

    private static LocalizedText Text(string name) => new(name, name);

    private static ActivityDefinition Activity(string code) => new(code, code[..code.IndexOf('.', StringComparison.Ordinal)], Text(code), []);
}
