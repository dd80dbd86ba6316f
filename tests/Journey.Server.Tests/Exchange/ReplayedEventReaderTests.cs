using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Journey.Domain.Events;
using Journey.Domain.Exchange;
using Journey.Server.Replay;
using Journey.Storage;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Exchange;

/// <summary>Replay's fast reader of stored events, held to the storage contract's own reader.</summary>
public sealed class ReplayedEventReaderTests
{
    private static readonly DateTimeOffset Created = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Shapes() => [.. Events.Keys];

    private static readonly Dictionary<string, JourneyEvent> Events = new()
    {
        ["plain"] = Event("2025-03-20T10:00:00+01:00"),
        ["related, attributes and a case"] = Event("2025-03-30T03:15:00+02:00") with
        {
            Related = [new RelatedPerson("mother", "k1_aaaaaaaaaaaaaaaaaaaaaaaaaa"), new RelatedPerson("father", "k1_bbbbbbbbbbbbbbbbbbbbbbbbbb")],
            CaseRef = "NAV-2025-77",
            Attributes = new Dictionary<string, string> { ["outcome"] = "granted", ["municipality-number"] = "0301" },
        },
        ["escapes and letters beyond ASCII"] = Event("2025-10-26T02:30:00.1234567+01:00") with
        {
            CaseRef = "sak \"Ø-17\"\\Tromsø\u2028",
            Attributes = new Dictionary<string, string> { ["channel"] = "papir – skjema «NAV 14-05.07»" },
            Initiator = Initiator.Citizen,
            Lifecycle = Lifecycle.Start,
        },
        ["automatic, far offset"] = Event("2025-01-01T00:00:00.5-09:30") with { Initiator = Initiator.Automatic },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void the_fast_reader_gives_what_the_storage_contract_decodes(string shape)
    {
        var recorded = Recorded(Events[shape], Metadata(recordedAt: "2025-06-01T09:10:11.1234567+00:00"));
        var target = new Contract.ReplayedEvent();

        Assert.True(new ReplayedEventReader().TryRead(recorded, EventSelection.All, target));

        Assert.Equal(Expected(recorded), target);
    }

    [Fact]
    public void one_message_reused_for_a_plainer_event_keeps_nothing_of_the_one_before()
    {
        var reader = new ReplayedEventReader();
        var target = new Contract.ReplayedEvent();
        var rich = Recorded(Events["related, attributes and a case"], Metadata("2025-06-01T09:00:00+00:00"));
        var plain = Recorded(Events["plain"], Metadata("2025-06-01T09:00:01+00:00"));

        reader.TryRead(rich, EventSelection.All, target);
        reader.TryRead(plain, EventSelection.All, target);

        Assert.Equal(Expected(plain), target);
        Assert.Empty(target.Related);
        Assert.Empty(target.Attributes);
    }

    [Fact]
    public void fields_a_newer_writer_adds_are_skipped_and_missing_metadata_falls_back_to_the_store_time()
    {
        var json = Encoding.UTF8.GetString(JourneyEventJson.Serialize(Events["plain"]));
        var newer = json.Insert(1, "\"future\":{\"list\":[1,{\"x\":null}],\"flag\":true},");
        var recorded = new RecordedEvent("journey-fa-barn-x", 0, 9, Events["plain"].EventId, JourneyEventJson.EventType, Encoding.UTF8.GetBytes(newer), "not json"u8.ToArray(), Created);
        var target = new Contract.ReplayedEvent();

        Assert.True(new ReplayedEventReader().TryRead(recorded, EventSelection.All, target));

        Assert.Equal(Events["plain"].Activity, target.Activity);
        Assert.Equal(Timestamp.FromDateTimeOffset(Created), target.RecordedAt);
        Assert.Equal("", target.CorrelationId);
    }

    [Fact]
    public void events_of_other_types_and_events_the_selection_skips_are_not_read()
    {
        var reader = new ReplayedEventReader();
        var target = new Contract.ReplayedEvent();
        var journeyEvent = Recorded(Events["plain"], Metadata("2025-06-01T09:00:00+00:00"));
        var audit = journeyEvent with { Type = "ReadAudited" };

        Assert.False(reader.TryRead(audit, EventSelection.All, target));
        Assert.False(reader.TryRead(journeyEvent, new EventSelection { Agencies = EventSelection.SetOf(["skatteetaten"]) }, target));
        Assert.False(reader.TryRead(journeyEvent, new EventSelection { Occurred = new TimeWindow(To: Events["plain"].OccurredAt) }, target));
        Assert.False(reader.TryRead(journeyEvent, new EventSelection { Recorded = new TimeWindow(From: new DateTimeOffset(2025, 6, 1, 9, 0, 1, TimeSpan.Zero)) }, target));
        Assert.True(reader.TryRead(journeyEvent, new EventSelection { Occurred = new TimeWindow(From: Events["plain"].OccurredAt) }, target));
    }

    /// <summary>The replayed event as the storage contract's reader decodes the stored bytes.</summary>
    private static Contract.ReplayedEvent Expected(RecordedEvent recorded)
    {
        var e = JourneyEventJson.Deserialize(recorded.Data.Span);
        var metadata = StoredEventMetadata.Parse(recorded.Metadata.Span);
        var expected = new Contract.ReplayedEvent
        {
            Position = recorded.Position,
            StreamRevision = recorded.StreamRevision,
            EventId = e.EventId.ToString(),
            JourneyType = e.JourneyType,
            Agency = e.Agency,
            Activity = e.Activity,
            Subject = e.Subject,
            OccurredAt = e.OccurredAt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
            RecordedAt = Timestamp.FromDateTimeOffset(metadata.RecordedAt ?? recorded.Created),
            Initiator = (Contract.Initiator)((int)e.Initiator + 1),
            Lifecycle = e.Lifecycle == Lifecycle.Start ? Contract.Lifecycle.Start : Contract.Lifecycle.Complete,
            CaseRef = e.CaseRef ?? "",
            CorrelationId = metadata.CorrelationId ?? "",
            PseudonymKeyId = metadata.PseudonymKeyId ?? "",
        };
        expected.Related.AddRange(e.Related.Select(p => new Contract.ReplayedPerson { Role = p.Role, Pseudonym = p.Person }));
        expected.Attributes.Add(e.Attributes.ToDictionary());
        return expected;
    }

    private static JourneyEvent Event(string occurredAt) => new(
        Guid.NewGuid(),
        "fa-barn",
        "nav",
        "nav.barnetrygd.vedtak",
        "k1_cccccccccccccccccccccccccc",
        [],
        DateTimeOffset.Parse(occurredAt, CultureInfo.InvariantCulture),
        Initiator.Agency,
        Lifecycle.Complete,
        null,
        JourneyEventJson.EmptyAttributes);

    private static RecordedEvent Recorded(JourneyEvent e, byte[] metadata) =>
        new($"journey-{e.JourneyType}-{e.Subject}", 3, 42, e.EventId, JourneyEventJson.EventType, JourneyEventJson.Serialize(e), metadata, Created);

    private static byte[] Metadata(string recordedAt) => Encoding.UTF8.GetBytes(
        $"{{\"$correlationId\":\"batch-7\",\"$causationId\":\"x\",\"recordedAt\":\"{recordedAt}\",\"pseudonymKeyId\":\"k1\"}}");
}
