using System.Text;
using System.Text.Json;
using Journey.Domain.Events;
using Journey.Domain.LeadTimes;
using Journey.Domain.Tests.LeadTimes;

namespace Journey.Domain.Tests.StoredEvents;

/// <summary>
/// The rebuild's decoder (<see cref="JourneyEventJson.DecodeFields"/>) and the fold that takes its fields: the
/// same figures as decoding whole events, and failures where decoding whole events fails.
/// </summary>
public sealed class JourneyEventFieldsTests
{
    private const string Whole = """{"eventId":"6f9619ff-8b86-4d01-b42d-00cf4fc964ff","journeyType":"fa-barn","agency":"nav","activity":"nav.barnetrygd.vedtak","subject":"k1_abc","related":[{"role":"mor","person":"k1_x"}],"occurredAt":"2025-03-30T03:15:00.1234567\u002B02:00","initiator":"automatic","lifecycle":"start","caseRef":"nav-1","attributes":{"a":"b"},"newerField":{"nested":[1,2,{"x":null}]}}""";

    [Fact]
    public void the_fields_are_those_of_the_whole_event()
    {
        var data = Encoding.UTF8.GetBytes(Whole);
        var whole = JourneyEventJson.Deserialize(data);

        var fields = JourneyEventJson.DecodeFields(data);

        AssertSame(whole, fields);
    }

    [Theory]
    [InlineData("""{"journeyType":"f\u0061-barn","activity":"nav.barnetrygd.vedtak","subject":"s\u00f8ren","agency":"nav","eventId":"6f9619ff-8b86-4d01-b42d-00cf4fc964ff","occurredAt":"2025-03-20T10:00:00Z","initiator":"\u0063itizen"}""")]
    [InlineData("""{"eventId":"6f9619ff-8b86-4d01-b42d-00cf4fc964ff","journeyType":null,"agency":"nav","activity":"x","subject":"søren","occurredAt":"2025-03-20T10:00:00.5-00:30","initiator":"agency","lifecycle":"complete"}""")]
    [InlineData("""{"eventId":"6f9619ff-8b86-4d01-b42d-00cf4fc964ff","journeyType":"fa-barn","agency":"nav","activity":"nav.a","activity":"nav.b","subject":"s","occurredAt":"2025-10-26T02:30:00.0000001+01:00","initiator":"automatic"}""")]
    [InlineData("""{"eventId":"6f9619ff-8b86-4d01-b42d-00cf4fc964ff","journeyType":"fa-barn","agency":"nav","activity":"nav.a","subject":"s","occurredAt":"2025-03-20 10:00:00 +01:00","initiator":"citizen"}""")]
    [InlineData("""{"\u0065ventId":"6f9619ff-8b86-4d01-b42d-00cf4fc964ff","journey\u0054ype":"fa-barn","\u0061gency":"nav","activit\u0079":"nav.a","subjec\u0074":"s","occurredA\u0074":"2025-03-20T10:00:00+01:00","initi\u0061tor":"agency","lifecycl\u0065":"start","subjectX":"t","activityy":"u"}""")]
    public void escapes_nulls_repeated_fields_and_other_instant_forms_decode_as_the_whole_event_does(string json)
    {
        var data = Encoding.UTF8.GetBytes(json);

        AssertSame(JourneyEventJson.Deserialize(data), JourneyEventJson.DecodeFields(data));
    }

    [Theory]
    [InlineData("journeyType")]
    [InlineData("agency")]
    [InlineData("activity")]
    [InlineData("subject")]
    public void a_missing_required_field_fails_as_it_does_for_the_whole_event(string field)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Whole)!.AsObject();
        node.Remove(field);
        var data = Encoding.UTF8.GetBytes(node.ToJsonString());

        Assert.Throws<JsonException>(() => JourneyEventJson.Deserialize(data));
        Assert.Throws<JsonException>(() => JourneyEventJson.DecodeFields(data));
    }

    [Theory]
    [InlineData("\"initiator\":\"automatic\"", "\"initiator\":\"robot\"")]
    [InlineData("\"initiator\":\"automatic\"", "\"initiator\":null")]
    [InlineData("\"subject\":\"k1_abc\"", "\"subject\":null")]
    [InlineData("\"eventId\":\"6f9619ff-8b86-4d01-b42d-00cf4fc964ff\"", "\"eventId\":\"not-a-guid\"")]
    [InlineData("\"occurredAt\":\"2025-03-30T03:15:00.1234567\\u002B02:00\"", "\"occurredAt\":\"yesterday\"")]
    [InlineData("\"lifecycle\":\"start\"", "\"lifecycle\":3")]
    [InlineData("\"activity\":\"nav.barnetrygd.vedtak\"", "\"activity\":7")]
    public void a_field_the_whole_event_refuses_is_refused(string field, string replacement)
    {
        var data = Encoding.UTF8.GetBytes(Whole.Replace(field, replacement, StringComparison.Ordinal));

        var whole = Record.Exception(() => JourneyEventJson.Deserialize(data));
        var fields = Record.Exception(() => JourneyEventJson.DecodeFields(data));

        Assert.NotNull(whole);
        Assert.NotNull(fields);
        Assert.IsAssignableFrom(whole.GetType(), fields);
    }

    [Fact]
    public void folding_decoded_fields_gives_the_figures_of_folding_whole_events()
    {
        // Random journeys interleaved, with ties, backfills, an unknown journey type and unknown activities.
        var events = LeadTimeTestData.Interleave(LeadTimeTestData.RandomJourneys(seed: 11, count: 300), seed: 12);
        var stored = events.Select(JourneyEventJson.Serialize).ToList();
        var wholes = new LeadTimeProjection(LeadTimeTestData.TestCatalog);
        var decoded = new LeadTimeProjection(LeadTimeTestData.TestCatalog);

        for (var i = 0; i < stored.Count; i++)
        {
            wholes.Apply((ulong)i + 1, JourneyEventJson.Deserialize(stored[i]));
            decoded.Apply((ulong)i + 1, JourneyEventJson.DecodeFields(stored[i]));
        }
        // A redelivered event is skipped by both.
        decoded.Apply(5, JourneyEventJson.DecodeFields(stored[^1]));

        Assert.Empty(wholes.Report().DifferencesFrom(decoded.Report()));
        Assert.Equal(wholes.Checkpoint, decoded.Checkpoint);
        Assert.Equal(wholes.EventsApplied, decoded.EventsApplied);
        Assert.Equal(wholes.EventsIgnored, decoded.EventsIgnored);
        Assert.True(decoded.EventsIgnored > 0);
        Assert.Equal(wholes.Journeys, decoded.Journeys);
        Assert.Equal(wholes.ToSnapshot(), decoded.ToSnapshot());
    }

    [Fact]
    public void a_subject_folded_once_as_an_event_and_once_as_fields_is_one_journey()
    {
        // Not ASCII: the projection keys subjects by their UTF-8 bytes, whichever way they come.
        const string Subject = "søren-æ-ø-å";
        var birth = LeadTimeTestData.Event(Subject, LeadTimeTestData.Birth, "2026-01-01T10:00:00+01:00");
        var application = LeadTimeTestData.Event(Subject, LeadTimeTestData.FpSoknad, "2026-01-02T10:00:00+01:00");
        var mixed = new LeadTimeProjection(LeadTimeTestData.TestCatalog);

        mixed.Apply(1, birth);
        mixed.Apply(2, JourneyEventJson.DecodeFields(JourneyEventJson.Serialize(application)));

        Assert.Equal(1, mixed.Journeys);
        Assert.Empty(LeadTimeTestData.Fold([birth, application]).Report().DifferencesFrom(mixed.Report()));
        Assert.Equal(LeadTimeTestData.Fold([birth, application]).ToSnapshot(), mixed.ToSnapshot());
    }

    [Fact]
    public void values_longer_than_the_fold_keeps_on_its_stack_are_folded_all_the_same()
    {
        var subject = new string('s', 1_000);
        var events = new[]
        {
            LeadTimeTestData.Event(subject, LeadTimeTestData.Birth, "2026-01-01T10:00:00+01:00"),
            LeadTimeTestData.Event(subject, LeadTimeTestData.FpSoknad, "2026-01-02T10:00:00+01:00"),
            LeadTimeTestData.Event(subject, "nav." + new string('x', 400), "2026-01-03T10:00:00+01:00"),
        };
        var decoded = new LeadTimeProjection(LeadTimeTestData.TestCatalog);

        for (var i = 0; i < events.Length; i++)
        {
            decoded.Apply((ulong)i + 1, JourneyEventJson.DecodeFields(JourneyEventJson.Serialize(events[i])));
        }

        Assert.Empty(LeadTimeTestData.Fold(events).Report().DifferencesFrom(decoded.Report()));
        Assert.Equal(1, decoded.Journeys);
        Assert.Equal(1, decoded.EventsIgnored);
    }

    [Fact]
    public void any_instant_the_writer_stores_reads_back_exactly()
    {
        var random = new Random(3);
        for (var i = 0; i < 20_000; i++)
        {
            // Whole seconds, or any tick; offsets east and west, whole and half hours, up to the limit.
            var ticks = random.NextInt64(DateTimeOffset.UnixEpoch.AddYears(-60).Ticks, DateTimeOffset.UnixEpoch.AddYears(90).Ticks);
            ticks -= i % 2 == 0 ? ticks % TimeSpan.TicksPerSecond : 0;
            var offset = TimeSpan.FromMinutes(random.Next(-28, 29) * 30);
            var instant = new DateTimeOffset(ticks, offset);
            var stored = JourneyEventJson.Serialize(LeadTimeTestData.Event("s", LeadTimeTestData.Birth, instant.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));

            var decoded = JourneyEventJson.DecodeFields(stored).OccurredAt;

            Assert.Equal(instant, decoded);
            Assert.Equal(offset, decoded.Offset);
        }
    }

    [Theory]
    [InlineData("2025-03-30T03:15:00.1234567\\u002B02:00")]
    [InlineData("2025-03-30T03:15:00-02:30")]
    [InlineData("2025-03-30T03:15:00.5Z")]
    [InlineData("2024-02-29T23:59:59.9999999+14:00")]
    [InlineData("2025-03-30T03:15:00-00:00")]
    public void the_stored_form_of_an_instant_parses_as_the_general_parser_reads_it(string stored)
    {
        var json = stored.Replace("\\u002B", "+", StringComparison.Ordinal);

        Assert.True(JourneyEventJson.TryParseStoredInstant(Encoding.UTF8.GetBytes(stored), out var parsed));

        var expected = DateTimeOffset.Parse(json, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, parsed);
        Assert.Equal(expected.Offset, parsed.Offset);
    }

    [Theory]
    [InlineData("2025-02-29T10:00:00+01:00")]
    [InlineData("2025-03-30T24:00:00+01:00")]
    [InlineData("2025-03-30T03:15:60+01:00")]
    [InlineData("2025-03-30T03:15:00.12345678+01:00")]
    [InlineData("2025-03-30T03:15:00.+01:00")]
    [InlineData("2025-03-30T03:15:00+14:01")]
    [InlineData("2025-03-30T03:15:00+01:60")]
    [InlineData("2025-03-30T03:15:00")]
    [InlineData("2025-03-30T03:15:00+0100")]
    [InlineData("2025-03-30 03:15:00+01:00")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("2025-3-30T03:15:00+01:00")]
    [InlineData("2025-03-30T03:15:00+01:00x")]
    public void any_other_form_is_left_to_the_general_parser(string value)
    {
        Assert.False(JourneyEventJson.TryParseStoredInstant(Encoding.UTF8.GetBytes(value), out _));
    }

    [Fact]
    public void events_as_the_writer_writes_them_are_read_from_their_layout_with_the_fields_of_the_general_reader()
    {
        var random = new Random(17);
        var fromLayout = 0;
        for (var i = 0; i < 5_000; i++)
        {
            var e = RandomEvent(random);
            var data = JourneyEventJson.Serialize(e);

            var taken = WrittenLayout.TryDecode(data, out var fields);

            // The writer escapes anything beyond printable ASCII, which the layout leaves to the general reader.
            Assert.Equal(IsPlain(e), taken);
            if (taken)
            {
                fromLayout++;
                AssertSame(JourneyEventJson.DecodeAnyFields(data), fields);
            }
            AssertSame(e, JourneyEventJson.DecodeFields(data));
        }
        Assert.True(fromLayout > 4_000, $"{fromLayout} of 5,000 events read from their layout");
    }

    [Fact]
    public void a_written_event_cut_short_or_with_any_byte_changed_decodes_exactly_as_the_general_reader_decodes_it()
    {
        var random = new Random(23);
        var written = JourneyEventJson.Serialize(RandomEvent(random) with
        {
            Related = [new RelatedPerson("mor", "k1_mother"), new RelatedPerson("far", "k1_father")],
            CaseRef = "nav-17",
            Attributes = new Dictionary<string, string> { ["kanal"] = "digital", ["sak"] = "1" },
            Initiator = Initiator.Automatic,
        });
        var variants = new List<byte[]>();
        for (var length = 0; length < written.Length; length++)
        {
            variants.Add(written[..length]);
        }
        foreach (var replacement in "\\\"{}[],: x0+\u00e9"u8.ToArray())
        {
            for (var at = 0; at < written.Length; at++)
            {
                var changed = (byte[])written.Clone();
                changed[at] = replacement;
                variants.Add(changed);
            }
        }

        foreach (var data in variants)
        {
            var expected = Outcome(() => JourneyEventJson.DecodeAnyFields(data));

            Assert.Equal(expected, Outcome(() => JourneyEventJson.DecodeFields(data)));
            if (WrittenLayout.TryDecode(data, out var fields))
            {
                Assert.Equal(expected, Describe(fields));
            }
        }
    }

    private static JourneyEvent RandomEvent(Random random)
    {
        string[] activities = [LeadTimeTestData.Birth, LeadTimeTestData.FpSoknad, LeadTimeTestData.BtVedtak, LeadTimeTestData.KsUtbetaling];
        var activity = activities[random.Next(activities.Length)];
        var offset = TimeSpan.FromMinutes(random.Next(-12 * 4, 14 * 4 + 1) * 15);
        var instant = new DateTimeOffset(2020, 1, 1, 0, 0, 0, offset).AddTicks(random.NextInt64(0, TimeSpan.TicksPerDay * 3_000));
        // Most subjects are pseudonyms; a few have characters the writer escapes.
        var subject = random.Next(10) == 0 ? $"søren-{random.Next()}" : $"k1_{Convert.ToHexString(BitConverter.GetBytes(random.NextInt64()))}";
        return new JourneyEvent(
            Guid.NewGuid(),
            LeadTimeTestData.FaBarn,
            activity[..activity.IndexOf('.', StringComparison.Ordinal)],
            activity,
            subject,
            random.Next(3) == 0 ? [new RelatedPerson("barn", $"k1_{random.Next()}")] : [],
            instant,
            (Initiator)random.Next(3),
            random.Next(2) == 0 ? Lifecycle.Start : Lifecycle.Complete,
            random.Next(4) == 0 ? $"sak-{random.Next()}" : null,
            random.Next(4) == 0 ? new Dictionary<string, string> { ["kanal"] = random.Next(2) == 0 ? "digital" : "papir" } : new Dictionary<string, string>());
    }

    private static bool IsPlain(JourneyEvent e) =>
        !e.Subject.Any(c => c > 0x7E) && !e.Related.Any(r => r.Person.Any(c => c > 0x7E));

    private static string Outcome(Func<JourneyEventFields> decode)
    {
        try
        {
            return Describe(decode());
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return "fails";
        }
    }

    private static string Describe(JourneyEventFields f) =>
        string.Join('|', Encoding.UTF8.GetString(f.JourneyType), Encoding.UTF8.GetString(f.Activity), Encoding.UTF8.GetString(f.Subject), f.OccurredAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture), f.Initiator);

    private static void AssertSame(JourneyEventFields expected, JourneyEventFields actual) =>
        Assert.Equal(Describe(expected), Describe(actual));

    private static void AssertSame(JourneyEvent whole, JourneyEventFields fields)
    {
        Assert.Equal(whole.JourneyType, Encoding.UTF8.GetString(fields.JourneyType));
        Assert.Equal(whole.Activity, Encoding.UTF8.GetString(fields.Activity));
        Assert.Equal(whole.Subject, Encoding.UTF8.GetString(fields.Subject));
        Assert.Equal(whole.OccurredAt, fields.OccurredAt);
        Assert.Equal(whole.OccurredAt.Offset, fields.OccurredAt.Offset);
        Assert.Equal(whole.Initiator, fields.Initiator);
    }
}
