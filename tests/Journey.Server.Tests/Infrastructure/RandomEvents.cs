using System.Globalization;
using System.Text;
using Google.Protobuf;
using Journey.Domain.Catalog;
using Journey.Domain.Privacy;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Infrastructure;

/// <summary>
/// Events and messages for fuzzing, drawn only from a seeded <see cref="Random"/>: every field is a
/// valid value, a plausible mistake, or noise, so a good share of events is valid and the rest reach
/// every branch of the door.
/// </summary>
public sealed class RandomEvents(JourneyCatalog catalog, Random random)
{
    private const string Noise = "abcXYZ019 -_.:/{}\"'\\æøåÆØÅ€✓\u0000\u0007\u200b";

    private readonly JourneyTypeDefinition[] types = [.. catalog.JourneyTypes];
    private readonly string[] agencies = [.. catalog.Agencies.Select(a => a.Id)];

    // The agencies that own an activity somewhere: the only ones a valid event can come from.
    private readonly string[] emitting = [.. catalog.Agencies.Select(a => a.Id).Where(a => catalog.JourneyTypes.Any(t => t.Activities.Any(x => x.Agency == a)))];
    private readonly List<string> usedIds = [];

    /// <summary>A valid event of <paramref name="agency"/>'s, with a related person and attributes where the catalog allows them.</summary>
    public Contract.JourneyEvent Valid(string agency)
    {
        var type = types.Where(t => t.Activities.Any(a => a.Agency == agency)).OrderBy(_ => random.Next()).First();
        var activity = Pick(type.Activities.Where(a => a.Agency == agency).ToArray());
        var e = new Contract.JourneyEvent
        {
            EventId = NewId(),
            JourneyType = type.Id,
            Agency = agency,
            Activity = activity.Code,
            Subject = random.Next(4) == 0 ? $"case-{random.Next():x}" : Person(),
            OccurredAt = Timestamp(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(0, 13_000_000))),
            Initiator = (Contract.Initiator)random.Next(1, 4),
            Lifecycle = (Contract.Lifecycle)random.Next(0, 3),
            CaseRef = random.Next(2) == 0 ? "" : $"SAK-{random.Next(100_000)}",
        };
        if (random.Next(2) == 0)
        {
            e.Related.Add(new Contract.RelatedPerson { Role = Pick(type.RelatedRoles.ToArray()), Person = Person() });
        }
        foreach (var attribute in activity.Attributes.Where(_ => random.Next(2) == 0))
        {
            e.Attributes[attribute] = $"v{random.Next(1_000)}";
        }
        return e;
    }

    /// <summary>An event whose every field is, independently, valid, a likely mistake or noise.</summary>
    public Contract.JourneyEvent Any(string callerAgency)
    {
        var e = Valid(random.Next(5) == 0 ? Pick(emitting) : callerAgency);
        if (random.Next(8) == 0) { e.EventId = Pick(["", "not-a-uuid", Guid.Empty.ToString(), Guid.NewGuid().ToString("N"), Text()]); }
        if (random.Next(10) == 0 && usedIds.Count > 0) { e.EventId = Pick(usedIds.ToArray()); }
        if (random.Next(12) == 0) { e.JourneyType = Pick(["", "fa-tvillinger", .. types.Select(t => t.Id), Text()]); }
        if (random.Next(12) == 0) { e.Agency = Pick(["", "finnes-ikke", .. agencies, Text()]); }
        if (random.Next(10) == 0) { e.Activity = Pick(["", Text(), e.Agency + ".x.y", .. types.SelectMany(t => t.Activities).Select(a => a.Code).Take(40)]); }
        if (random.Next(8) == 0) { e.Subject = Pick(["", BadPerson(), Text(), new string('a', 129), "fnr:" + Person()]); }
        if (random.Next(10) == 0) { e.Related.Add(new Contract.RelatedPerson { Role = Pick(["", "heir", "mother", Text()]), Person = Pick(["", Person(), BadPerson(), Text()]) }); }
        if (random.Next(8) == 0) { e.OccurredAt = Pick(["", "2025-03-24T10:00:00", "1899-12-31T23:59:59Z", "2999-01-01T00:00:00Z", "2025-02-30T10:00:00+01:00", "2025-13-01T00:00:00Z", Text()]); }
        if (random.Next(10) == 0) { e.Initiator = (Contract.Initiator)random.Next(-2, 9); }
        if (random.Next(10) == 0) { e.Lifecycle = (Contract.Lifecycle)random.Next(-2, 9); }
        if (random.Next(10) == 0) { e.CaseRef = Pick([Text(), new string('x', random.Next(400, 700)), "sak " + Person()]); }
        if (random.Next(8) == 0)
        {
            for (var i = random.Next(1, random.Next(3) == 0 ? 40 : 4); i > 0; i--)
            {
                e.Attributes[Pick(["outcome", "channel", "kind", Text()])] = Pick([Text(), Person(), new string('y', random.Next(400, 700)), "ok"]);
            }
        }
        return e;
    }

    /// <summary>A protobuf encoding of <paramref name="valid"/> with random damage: flipped bits, bytes cut, added or overwritten.</summary>
    public byte[] Mutated(IMessage valid)
    {
        var bytes = valid.ToByteArray().ToList();
        for (var n = random.Next(1, 4); n > 0 && bytes.Count > 0; n--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)random.Next(256); break;
                case 2: bytes.RemoveRange(at, random.Next(1, Math.Min(16, bytes.Count - at) + 1)); break;
                case 3: bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 8)).Select(_ => (byte)random.Next(256))); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }
        return [.. bytes];
    }

    /// <summary>Bytes with no structure at all.</summary>
    public byte[] Garbage()
    {
        var bytes = new byte[random.Next(0, 300)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A valid synthetic identity number.</summary>
    public string Person() =>
        IdentityNumber.CreateSynthetic(random, DateOnly.FromDayNumber(new DateOnly(1930, 1, 1).DayNumber + random.Next(0, 34_000)));

    private string BadPerson() => IdentityNumbers.WithDigitChanged(Person(), random.Next(11));

    private string NewId()
    {
        var id = new Guid(Enumerable.Range(0, 16).Select(_ => (byte)random.Next(256)).ToArray()).ToString();
        if (usedIds.Count < 64)
        {
            usedIds.Add(id);
        }
        return id;
    }

    private string Text()
    {
        var text = new StringBuilder();
        for (var i = random.Next(0, 40); i > 0; i--)
        {
            text.Append(Noise[random.Next(Noise.Length)]);
        }
        return text.ToString();
    }

    private static string Timestamp(DateTimeOffset utc) =>
        utc.ToOffset(TimeSpan.FromHours(1)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private T Pick<T>(T[] values) => values[random.Next(values.Length)];
}
