using Journey.Domain.Events;
using Journey.Domain.Exchange;

namespace Journey.Domain.Tests.Exchange;

/// <summary>
/// Two "få barn" journeys and one "dødsfall og arv" journey as the log would hold them: pseudonyms only,
/// offsets across the change to summer time, related persons, case references, catalog attributes.
/// </summary>
internal static class ExchangeTestData
{
    public const string Mother = "k1_mothermothermothermothermo";
    public const string Father = "k1_fatherfatherfatherfatherfa";
    public const string Child = "k1_childchildchildchildchildc";
    public const string Twin = "k1_twintwintwintwintwintwintw";
    public const string Deceased = "k1_deceaseddeceaseddeceasedd";

    private static readonly DateTimeOffset Recorded = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The events in global (position) order. <paramref name="reverseAttributes"/> builds every attribute map in the opposite insertion order.</summary>
    public static IReadOnlyList<RecordedJourneyEvent> Log(bool reverseAttributes = false)
    {
        ulong position = 0;
        var log = new List<RecordedJourneyEvent>();
        void Add(JourneyEvent e, TimeSpan? recordedLater = null) =>
            log.Add(new RecordedJourneyEvent(++position, Recorded + (recordedLater ?? TimeSpan.FromSeconds(position)), e));
        IReadOnlyDictionary<string, string> Attributes(params (string Key, string Value)[] pairs)
        {
            var ordered = reverseAttributes ? pairs.Reverse() : pairs;
            return ordered.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        }

        Add(Event("fa-barn", "folkeregisteret", "folkeregisteret.fodsel.registrert", Child, "2025-03-20T10:00:00+01:00", Initiator.Agency,
            related: [new("mother", Mother), new("father", Father)], caseRef: "FREG-2025-1", attributes: Attributes(("municipality-number", "0301"), ("multiple-birth", "false"))));
        Add(Event("fa-barn", "folkeregisteret", "folkeregisteret.fodsel.registrert", Twin, "2025-03-20T10:05:00+01:00", Initiator.Agency,
            related: [new("mother", Mother)], caseRef: "FREG-2025-1", attributes: Attributes(("multiple-birth", "true"), ("municipality-number", "0301"))));
        Add(Event("fa-barn", "nav", "nav.barnetrygd.behandling-opprettet", Child, "2025-03-21T10:00:00+01:00", Initiator.Automatic, caseRef: "NAV-77"));
        Add(Event("dodsfall-og-arv", "folkeregisteret", "folkeregisteret.dodsfall.registrert", Deceased, "2025-03-29T23:30:00+01:00", Initiator.Agency,
            related: [new("heir", Mother)]));
        // Sent late, but it happened before the case was opened: journey order is by occurred-at.
        Add(Event("fa-barn", "nav", "nav.foreldrepenger.soknad-mottatt", Child, "2025-03-19T09:00:00.250+01:00", Initiator.Citizen,
            caseRef: "NAV, \"FP\" 12", attributes: Attributes(("channel", "digital"), ("coverage-percent", "100"))));
        Add(Event("fa-barn", "nav", "nav.barnetrygd.vedtak", Child, "2025-03-31T10:00:00+02:00", Initiator.Automatic,
            caseRef: "NAV-77", attributes: Attributes(("outcome", "granted"), ("kind", "ordinary")), lifecycle: Lifecycle.Complete));
        Add(Event("dodsfall-og-arv", "skatteetaten", "skatteetaten.skifte.startet", Deceased, "2025-04-02T08:00:00.1234567+02:00", Initiator.Citizen,
            lifecycle: Lifecycle.Start));
        return log;
    }

    public static JourneyEvent Event(
        string journeyType,
        string agency,
        string activity,
        string subject,
        string occurredAt,
        Initiator initiator,
        IReadOnlyList<RelatedPerson>? related = null,
        string? caseRef = null,
        IReadOnlyDictionary<string, string>? attributes = null,
        Lifecycle lifecycle = Lifecycle.Complete,
        Guid? eventId = null) =>
        new(
            eventId ?? DeterministicId(activity + subject + occurredAt),
            journeyType,
            agency,
            activity,
            subject,
            related ?? [],
            DateTimeOffset.Parse(occurredAt, System.Globalization.CultureInfo.InvariantCulture),
            initiator,
            lifecycle,
            caseRef,
            attributes ?? JourneyEventJson.EmptyAttributes);

    private static Guid DeterministicId(string seed)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed));
        return new Guid(hash.AsSpan(0, 16));
    }

    /// <summary>The log grouped as the exporter groups it: by journey, each in occurred-at order with ties by position.</summary>
    public static IEnumerable<(JourneyId Journey, IReadOnlyList<RecordedJourneyEvent> Events)> Journeys(IReadOnlyList<RecordedJourneyEvent> log) =>
        log.GroupBy(e => e.Event.JourneyId)
            .OrderBy(g => g.Key.JourneyType, StringComparer.Ordinal).ThenBy(g => g.Key.Subject, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<RecordedJourneyEvent>)g.OrderBy(e => e.Event.OccurredAt.UtcTicks).ThenBy(e => e.Position).ToList()));

    public static string OcelSchemaPath => Path.Combine(ProcessMining.ProcessMiningData.Folder, "ocel", "schema_ocel2.json");
}
