using Journey.Domain.Privacy;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Infrastructure;

/// <summary>Builds journey events as an agency would send them.</summary>
public static class Events
{
    private static int persons;
    private static readonly HashSet<string> Issued = [];

    private static readonly DateOnly DefaultBirth = new(2025, 3, 20);

    /// <summary>A valid synthetic identity number no other test uses.</summary>
    /// <remarks>
    /// One birth date has only a few hundred valid numbers, so random draws for the same date met each other
    /// now and then (a "new" journey then already had an event); a number is handed out once per test run.
    /// Without a date, persons are born on <see cref="DefaultBirth"/> and, once its numbers are all handed
    /// out, on the days before it: always before the events the tests send about them.
    /// </remarks>
    public static string NewPerson(DateOnly? born = null)
    {
        var dates = born is { } given ? [given] : Enumerable.Range(0, 366).Select(days => DefaultBirth.AddDays(-days));
        foreach (var date in dates)
        {
            for (var attempt = 0; attempt < 2_000; attempt++)
            {
                var number = IdentityNumber.CreateSynthetic(new Random(Interlocked.Increment(ref persons) * 7919 + Environment.ProcessId), date);
                lock (Issued)
                {
                    if (Issued.Add(number))
                    {
                        return number;
                    }
                }
            }
        }
        throw new InvalidOperationException($"Every synthetic identity number for {born?.ToString() ?? "a year of birth dates"} has been handed out; pass another birth date.");
    }

    public static Contract.JourneyEvent FaBarn(string subject, string activity, string occurredAt, Contract.Initiator initiator = Contract.Initiator.Agency, string? eventId = null)
    {
        var agency = activity[..activity.IndexOf('.', StringComparison.Ordinal)];
        return new Contract.JourneyEvent
        {
            EventId = eventId ?? Guid.NewGuid().ToString(),
            JourneyType = "fa-barn",
            Agency = agency,
            Activity = activity,
            Subject = subject,
            OccurredAt = occurredAt,
            Initiator = initiator,
        };
    }

    /// <summary>
    /// One "få barn" journey whose figures are computed by hand in <see cref="HandComputed"/>; it crosses
    /// the change to summer time on 2025-03-30.
    /// </summary>
    public static IReadOnlyList<Contract.JourneyEvent> HandComputedJourney(string subject) =>
    [
        FaBarn(subject, "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00"),
        FaBarn(subject, "nav.barnetrygd.behandling-opprettet", "2025-03-21T10:00:00+01:00", Contract.Initiator.Automatic),
        FaBarn(subject, "nav.barnetrygd.vedtak", "2025-03-24T10:00:00+01:00", Contract.Initiator.Automatic),
        FaBarn(subject, "nav.barnetrygd.utbetalt", "2025-04-30T12:00:00+02:00", Contract.Initiator.Automatic),
        FaBarn(subject, "nav.foreldrepenger.soknad-mottatt", "2025-03-25T09:00:00+01:00", Contract.Initiator.Citizen),
        FaBarn(subject, "nav.foreldrepenger.vedtak", "2025-04-04T09:00:00+02:00"),
        FaBarn(subject, "nav.foreldrepenger.utbetalt", "2025-04-25T09:00:00+02:00", Contract.Initiator.Automatic),
    ];

    /// <summary>The figures of <see cref="HandComputedJourney"/>, in seconds, worked out in UTC.</summary>
    public static class HandComputed
    {
        // Life event 03-20 09:00Z. Barnetrygd (proactive): trigger 03-21 09:00Z, decision 03-24 09:00Z,
        // delivery 04-30 10:00Z (12:00 at +02:00).
        public const double BarnetrygdWaiting = 0;
        public const double BarnetrygdProcessing = 3 * 86_400;                  // 259 200
        public const double BarnetrygdDelivery = 37 * 86_400 + 3_600;           // 3 200 400
        public const double BarnetrygdTotal = BarnetrygdProcessing + BarnetrygdDelivery;

        // Foreldrepenger (reactive): application 03-25 08:00Z, decision 04-04 07:00Z, delivery 04-25 07:00Z.
        public const double ForeldrepengerWaiting = 4 * 86_400 + 23 * 3_600;    // 428 400
        public const double ForeldrepengerProcessing = 9 * 86_400 + 23 * 3_600; // 860 400
        public const double ForeldrepengerDelivery = 21 * 86_400;               // 1 814 400
        public const double ForeldrepengerTotal = ForeldrepengerWaiting + ForeldrepengerProcessing + ForeldrepengerDelivery;

        // Life event 03-20 09:00Z → last delivery 04-30 10:00Z.
        public const double EndToEnd = 41 * 86_400 + 3_600;                     // 3 546 000
    }
}
