using System.Globalization;
using Journey.Domain.Catalog;
using Journey.Domain.Privacy;
using Contract = Journey.Contracts.V1;

namespace Journey.Cli.Simulation;

/// <summary>
/// Realistic synthetic journeys for every journey type of the catalog, as the agencies would emit them
/// (with synthetic identity numbers, which the server pseudonymises at the door). Everything — ids,
/// persons, times — follows from the seed, so a re-run sends the same events and stores nothing new.
/// </summary>
public sealed class JourneySimulator(JourneyCatalog catalog, int seed)
{
    /// <summary>Life events fall in this year; every later step stays well before today.</summary>
    public static readonly DateTimeOffset PeriodStart = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const int PeriodDays = 365;

    // Share of journeys in which a service is used at all, and of services offered both ways that the
    // agency starts proactively. Chosen to give every figure something to show.
    private const double ServiceUse = 0.8;
    private const double ProactiveShare = 0.5;

    public IEnumerable<Contract.JourneyEvent> Generate(int journeys)
    {
        var random = new Random(seed);
        var types = catalog.JourneyTypes.ToArray();
        // A birth date has only a few hundred valid numbers: draw again rather than merge two journeys.
        var persons = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < journeys; j++)
        {
            foreach (var e in GenerateJourney(types[j % types.Length], j, random, persons))
            {
                yield return e;
            }
        }
    }

    private static IEnumerable<Contract.JourneyEvent> GenerateJourney(JourneyTypeDefinition type, int number, Random random, HashSet<string> persons)
    {
        var lifeEvent = PeriodStart
            + TimeSpan.FromDays(random.Next(PeriodDays))
            + TimeSpan.FromSeconds(random.Next(86_400));
        var subject = NewPerson(random, persons, () => SubjectBirthDate(type, lifeEvent, random));
        var related = new List<Contract.RelatedPerson>();
        foreach (var role in type.RelatedRoles.Take(2))
        {
            var born = DateOnly.FromDateTime(lifeEvent.UtcDateTime).AddYears(-random.Next(25, 60)).AddDays(-random.Next(365));
            related.Add(new Contract.RelatedPerson { Role = role, Person = NewPerson(random, persons, () => born.AddDays(random.Next(28))) });
        }
        var caseNumber = 0;
        Contract.JourneyEvent Event(string activityCode, DateTimeOffset at, Contract.Initiator initiator)
        {
            var activity = type.FindActivity(activityCode)!;
            var e = new Contract.JourneyEvent
            {
                EventId = NewId(random),
                JourneyType = type.Id,
                Agency = activity.Agency,
                Activity = activity.Code,
                Subject = subject,
                OccurredAt = Oslo(at).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                Initiator = initiator,
                Lifecycle = Contract.Lifecycle.Complete,
                CaseRef = $"{activity.Agency}-{number:D7}-{++caseNumber}",
            };
            if (activity.Code == type.LifeEventActivity)
            {
                e.Related.AddRange(related);
            }
            return e;
        }

        yield return Event(type.LifeEventActivity, lifeEvent, Contract.Initiator.Agency);

        // Data the services depend on that is recorded after the life event itself (e.g. an estate
        // registered, a diagnosis coded): emitted once, within the first days.
        var recorded = new HashSet<string>(StringComparer.Ordinal) { type.LifeEventActivity };
        foreach (var dependency in type.Services.SelectMany(s => s.DependsOn).Distinct(StringComparer.Ordinal))
        {
            if (recorded.Add(dependency) && type.FindActivity(dependency) is not null)
            {
                yield return Event(dependency, lifeEvent + Hours(random, 2, 96), Contract.Initiator.Agency);
            }
        }

        var used = type.Services.Where(_ => random.NextDouble() < ServiceUse).ToList();
        if (used.Count == 0)
        {
            used.Add(type.Services[random.Next(type.Services.Count)]);
        }
        foreach (var service in used)
        {
            var canApply = service.ApplicationActivities.Count > 0;
            var canAct = service.ProactiveActivities.Count > 0;
            var proactive = canAct && (!canApply || random.NextDouble() < ProactiveShare);
            DateTimeOffset trigger;
            if (proactive)
            {
                trigger = lifeEvent + Hours(random, 1, 72);
                yield return Event(service.ProactiveActivities[0], trigger, Contract.Initiator.Automatic);
            }
            else
            {
                // Citizens apply after days to months: a skewed wait, as real application data shows.
                trigger = lifeEvent + Days(random, 2, 60);
                yield return Event(service.ApplicationActivities[0], trigger, Contract.Initiator.Citizen);
            }
            var decision = trigger + Days(random, proactive ? 0.5 : 3, proactive ? 5 : 40);
            yield return Event(service.DecisionActivity, decision, proactive ? Contract.Initiator.Automatic : Contract.Initiator.Agency);
            var delivery = decision + Days(random, 1, 25);
            yield return Event(service.DeliveryActivity, delivery, Contract.Initiator.Automatic);
        }
    }

    private static string NewPerson(Random random, HashSet<string> persons, Func<DateOnly> birthDate)
    {
        while (true)
        {
            var person = IdentityNumber.CreateSynthetic(random, birthDate());
            if (persons.Add(person))
            {
                return person;
            }
        }
    }

    private static DateOnly SubjectBirthDate(JourneyTypeDefinition type, DateTimeOffset lifeEvent, Random random)
    {
        var day = DateOnly.FromDateTime(lifeEvent.UtcDateTime);
        return type.Id switch
        {
            var id when id.StartsWith("fa-barn", StringComparison.Ordinal) => day,
            var id when id.Contains("barn", StringComparison.Ordinal) => day.AddDays(-random.Next(1, 17 * 365)),
            _ => day.AddYears(-random.Next(45, 98)).AddDays(-random.Next(365)),
        };
    }

    // A log-uniform spread between two bounds: most steps quick, some slow, none absurd.
    private static TimeSpan Days(Random random, double min, double max) =>
        TimeSpan.FromDays(Math.Round(min * Math.Pow(max / min, random.NextDouble()), 4));

    private static TimeSpan Hours(Random random, double min, double max) =>
        TimeSpan.FromHours(Math.Round(min * Math.Pow(max / min, random.NextDouble()), 3));

    private static string NewId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes).ToString();
    }

    /// <summary>Local time in Norway: +01:00, or +02:00 from the last Sunday of March to the last Sunday of October (01:00 UTC).</summary>
    public static DateTimeOffset Oslo(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        var summerStarts = LastSunday(utc.Year, 3).AddHours(1);
        var summerEnds = LastSunday(utc.Year, 10).AddHours(1);
        var offset = utc >= summerStarts && utc < summerEnds ? TimeSpan.FromHours(2) : TimeSpan.FromHours(1);
        return instant.ToOffset(offset);
    }

    private static DateTime LastSunday(int year, int month)
    {
        var last = new DateTime(year, month, DateTime.DaysInMonth(year, month), 0, 0, 0, DateTimeKind.Utc);
        return last.AddDays(-(int)last.DayOfWeek);
    }
}
