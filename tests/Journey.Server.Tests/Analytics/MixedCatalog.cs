using System.Globalization;
using Journey.Server.Tests.Infrastructure;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Analytics;

/// <summary>
/// A catalog with a journey type built for a known mix: one service always proactive, one proactive in
/// three journeys of four, one the citizen must always apply for (and whose data is recorded two days after
/// the life event), and one applied for in only three journeys. <see cref="Journeys"/> simulates them with
/// waits chosen so that every figure can be worked out by hand.
/// </summary>
internal static class MixedCatalog
{
    public const string JourneyType = "blandet";
    public const int JourneyCount = 20;

    // Every service depends on the life event; "soknad" also on the income record two days later.
    private const string Definition = """
        {
          "id": "blandet",
          "version": 1,
          "name": { "nb": "Blandet", "en": "Mixed" },
          "lifeEventActivity": "folkeregisteret.blandet.hendelse",
          "relatedRoles": [],
          "activities": [
            { "code": "folkeregisteret.blandet.hendelse", "agency": "folkeregisteret", "name": { "nb": "Hendelse", "en": "Event" }, "attributes": [] },
            { "code": "skatteetaten.blandet.inntekt", "agency": "skatteetaten", "name": { "nb": "Inntekt", "en": "Income" }, "attributes": [] },
            { "code": "nav.auto.opprettet", "agency": "nav", "name": { "nb": "Opprettet", "en": "Opened" }, "attributes": [] },
            { "code": "nav.auto.vedtak", "agency": "nav", "name": { "nb": "Vedtak", "en": "Decision" }, "attributes": [] },
            { "code": "nav.auto.utbetalt", "agency": "nav", "name": { "nb": "Utbetalt", "en": "Paid" }, "attributes": [] },
            { "code": "nav.valg.soknad", "agency": "nav", "name": { "nb": "Søknad", "en": "Application" }, "attributes": [] },
            { "code": "nav.valg.opprettet", "agency": "nav", "name": { "nb": "Opprettet", "en": "Opened" }, "attributes": [] },
            { "code": "nav.valg.vedtak", "agency": "nav", "name": { "nb": "Vedtak", "en": "Decision" }, "attributes": [] },
            { "code": "nav.valg.utbetalt", "agency": "nav", "name": { "nb": "Utbetalt", "en": "Paid" }, "attributes": [] },
            { "code": "kommune.soknad.mottatt", "agency": "kommune", "name": { "nb": "Mottatt", "en": "Received" }, "attributes": [] },
            { "code": "kommune.soknad.vedtak", "agency": "kommune", "name": { "nb": "Vedtak", "en": "Decision" }, "attributes": [] },
            { "code": "kommune.soknad.levert", "agency": "kommune", "name": { "nb": "Levert", "en": "Delivered" }, "attributes": [] },
            { "code": "husbanken.sjelden.soknad", "agency": "husbanken", "name": { "nb": "Søknad", "en": "Application" }, "attributes": [] },
            { "code": "husbanken.sjelden.vedtak", "agency": "husbanken", "name": { "nb": "Vedtak", "en": "Decision" }, "attributes": [] },
            { "code": "husbanken.sjelden.utbetalt", "agency": "husbanken", "name": { "nb": "Utbetalt", "en": "Paid" }, "attributes": [] }
          ],
          "services": [
            {
              "id": "auto", "name": { "nb": "Auto", "en": "Auto" }, "agency": "nav",
              "applicationActivities": [], "proactiveActivities": ["nav.auto.opprettet"],
              "decisionActivity": "nav.auto.vedtak", "deliveryActivity": "nav.auto.utbetalt",
              "dependsOn": ["folkeregisteret.blandet.hendelse"]
            },
            {
              "id": "valg", "name": { "nb": "Valg", "en": "Choice" }, "agency": "nav",
              "applicationActivities": ["nav.valg.soknad"], "proactiveActivities": ["nav.valg.opprettet"],
              "decisionActivity": "nav.valg.vedtak", "deliveryActivity": "nav.valg.utbetalt",
              "dependsOn": ["folkeregisteret.blandet.hendelse"]
            },
            {
              "id": "soknad", "name": { "nb": "Søknad", "en": "Application" }, "agency": "kommune",
              "applicationActivities": ["kommune.soknad.mottatt"], "proactiveActivities": [],
              "decisionActivity": "kommune.soknad.vedtak", "deliveryActivity": "kommune.soknad.levert",
              "dependsOn": ["folkeregisteret.blandet.hendelse", "skatteetaten.blandet.inntekt"]
            },
            {
              "id": "sjelden", "name": { "nb": "Sjelden", "en": "Rare" }, "agency": "husbanken",
              "applicationActivities": ["husbanken.sjelden.soknad"], "proactiveActivities": [],
              "decisionActivity": "husbanken.sjelden.vedtak", "deliveryActivity": "husbanken.sjelden.utbetalt",
              "dependsOn": ["folkeregisteret.blandet.hendelse"]
            }
          ],
          "intervals": []
        }
        """;

    /// <summary>A copy of the shipped catalog with the mixed journey type added.</summary>
    public static string CreateDirectory()
    {
        var directory = TempDirectory.Create("journey-catalog");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "catalog"), "*.json"))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        }
        File.WriteAllText(Path.Combine(directory, $"{JourneyType}.v1.json"), Definition);
        return directory;
    }

    /// <summary>
    /// Journey j (0–19): life event on 1 March 2025 + j days at 10:00 (+01:00); income recorded two days
    /// later. "auto" starts an hour after the life event, always. "valg" starts proactively two hours after
    /// it for j &lt; 15, else the citizen applies six days after it. For "soknad" the citizen applies ten
    /// days after the life event: eight days after the income was recorded. For j &lt; 3 the citizen also
    /// applies for "sjelden" thirty days after the life event.
    /// </summary>
    public static IEnumerable<Contract.JourneyEvent> Journeys()
    {
        var start = new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.FromHours(1));
        for (var j = 0; j < JourneyCount; j++)
        {
            var subject = Events.NewPerson(new DateOnly(1990, 1, 1).AddDays(j));
            var life = start.AddDays(j);
            Contract.JourneyEvent E(string activity, DateTimeOffset at, Contract.Initiator initiator = Contract.Initiator.Agency) => new()
            {
                EventId = Guid.NewGuid().ToString(),
                JourneyType = JourneyType,
                Agency = activity[..activity.IndexOf('.', StringComparison.Ordinal)],
                Activity = activity,
                Subject = subject,
                OccurredAt = at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                Initiator = initiator,
            };
            yield return E("folkeregisteret.blandet.hendelse", life);
            yield return E("skatteetaten.blandet.inntekt", life.AddDays(2));
            yield return E("nav.auto.opprettet", life.AddHours(1), Contract.Initiator.Automatic);
            yield return E("nav.auto.vedtak", life.AddDays(1));
            yield return E("nav.auto.utbetalt", life.AddDays(3));
            var valg = j < 15 ? life.AddHours(2) : life.AddDays(6);
            yield return j < 15
                ? E("nav.valg.opprettet", valg, Contract.Initiator.Automatic)
                : E("nav.valg.soknad", valg, Contract.Initiator.Citizen);
            yield return E("nav.valg.vedtak", valg.AddDays(4));
            yield return E("nav.valg.utbetalt", valg.AddDays(5));
            yield return E("kommune.soknad.mottatt", life.AddDays(10), Contract.Initiator.Citizen);
            yield return E("kommune.soknad.vedtak", life.AddDays(20));
            yield return E("kommune.soknad.levert", life.AddDays(21));
            if (j < 3)
            {
                yield return E("husbanken.sjelden.soknad", life.AddDays(30), Contract.Initiator.Citizen);
                yield return E("husbanken.sjelden.vedtak", life.AddDays(31));
                yield return E("husbanken.sjelden.utbetalt", life.AddDays(32));
            }
        }
    }
}
