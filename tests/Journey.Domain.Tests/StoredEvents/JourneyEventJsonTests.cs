using System.Text;
using Journey.Domain.Events;

namespace Journey.Domain.Tests.StoredEvents;

/// <summary>The stored form of an event: the bytes are a storage contract, and decoding gives the event back.</summary>
public sealed class JourneyEventJsonTests
{
    private static JourneyEvent Event(string caseRef = "nav-0000001-1", int related = 0, int attributes = 0) => new(
        Guid.Parse("6f9619ff-8b86-4d01-b42d-00cf4fc964ff"),
        "fa-barn",
        "nav",
        "nav.barnetrygd.vedtak",
        "k1_abcdefghijklmnopqrstuvwxyz",
        [.. Enumerable.Range(0, related).Select(i => new RelatedPerson(i % 2 == 0 ? "mor" : "far", $"k1_person{i:D20}"))],
        new DateTimeOffset(2025, 3, 30, 3, 15, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567),
        Initiator.Automatic,
        Lifecycle.Start,
        caseRef,
        Enumerable.Range(0, attributes).ToDictionary(i => $"key{i:D3}", i => new string('v', 40 + i), StringComparer.Ordinal));

    [Fact]
    public void an_event_decodes_to_every_field_it_was_stored_with()
    {
        var original = Event(related: 2, attributes: 3);

        var decoded = JourneyEventJson.Deserialize(JourneyEventJson.Serialize(original));

        Assert.Equal(original.EventId, decoded.EventId);
        Assert.Equal(original.JourneyType, decoded.JourneyType);
        Assert.Equal(original.Agency, decoded.Agency);
        Assert.Equal(original.Activity, decoded.Activity);
        Assert.Equal(original.Subject, decoded.Subject);
        Assert.Equal(original.Related, decoded.Related);
        Assert.Equal(original.OccurredAt, decoded.OccurredAt);
        Assert.Equal(original.OccurredAt.Offset, decoded.OccurredAt.Offset);
        Assert.Equal(original.Initiator, decoded.Initiator);
        Assert.Equal(original.Lifecycle, decoded.Lifecycle);
        Assert.Equal(original.CaseRef, decoded.CaseRef);
        Assert.Equal(original.Attributes.OrderBy(a => a.Key), decoded.Attributes.OrderBy(a => a.Key));
    }

    [Fact]
    public async Task the_bytes_of_an_event_do_not_depend_on_what_was_serialised_before_it_on_the_thread()
    {
        var small = Event();
        var alone = await Task.Run(() => JourneyEventJson.Serialize(small));

        _ = JourneyEventJson.Serialize(Event(caseRef: new string('x', 400), related: 6, attributes: 20));
        var afterLarge = JourneyEventJson.Serialize(small);

        Assert.Equal(alone, afterLarge);
    }

    [Fact]
    public void the_stored_form_is_the_json_every_stored_event_has()
    {
        // The writer's default encoder escapes '+', so every stored offset reads \u002B.
        var json = Encoding.UTF8.GetString(JourneyEventJson.Serialize(Event()));

        Assert.Equal(
            """{"eventId":"6f9619ff-8b86-4d01-b42d-00cf4fc964ff","journeyType":"fa-barn","agency":"nav","activity":"nav.barnetrygd.vedtak","subject":"k1_abcdefghijklmnopqrstuvwxyz","occurredAt":"2025-03-30T03:15:00.1234567\u002B02:00","initiator":"automatic","lifecycle":"start","caseRef":"nav-0000001-1"}""",
            json);
    }

    [Theory]
    [InlineData("2025-03-20T10:00:00+01:00")]
    [InlineData("2025-03-20T10:00:00.5+01:00")]
    [InlineData("2025-10-26T02:30:00.0000001-00:30")]
    [InlineData("2025-03-20T09:00:00Z")]
    public void an_instant_in_any_iso_8601_form_decodes_as_it_always_has(string occurredAt)
    {
        var json = $$"""{"eventId":"6f9619ff-8b86-4d01-b42d-00cf4fc964ff","journeyType":"fa-barn","agency":"nav","activity":"nav.barnetrygd.vedtak","subject":"s","occurredAt":"{{occurredAt}}","initiator":"citizen"}""";

        var decoded = JourneyEventJson.Deserialize(Encoding.UTF8.GetBytes(json));

        var expected = DateTimeOffset.Parse(occurredAt, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, decoded.OccurredAt);
        Assert.Equal(expected.Offset, decoded.OccurredAt.Offset);
    }

    [Fact]
    public void catalog_values_with_escapes_and_values_of_many_events_decode_exactly()
    {
        var decoded = Enumerable.Range(0, 3_000)
            .Select(i => Event() with { Activity = $"nav.aktivitet-{i % 1_500}", Agency = i % 2 == 0 ? "nav" : "skatte\"etaten", JourneyType = "få-barn" })
            .Select(e => (Original: e, Decoded: JourneyEventJson.Deserialize(JourneyEventJson.Serialize(e))))
            .ToList();

        Assert.All(decoded, pair =>
        {
            Assert.Equal(pair.Original.Activity, pair.Decoded.Activity);
            Assert.Equal(pair.Original.Agency, pair.Decoded.Agency);
            Assert.Equal(pair.Original.JourneyType, pair.Decoded.JourneyType);
        });
    }
}
