using System.Globalization;
using System.Text;
using Google.Protobuf;
using Journey.Storage.EventStoreDb;
using Journey.Storage.EventStoreDb.Protocol;
using static Journey.Storage.Tests.EventStoreDb.ProtobufBytes;

namespace Journey.Storage.Tests.EventStoreDb;

/// <summary>
/// Pins our hand-written subset of EventStoreDB's protocol to the published field numbers and wire types,
/// without a server: the expected bytes are built by hand from the specification (field numbers as in
/// EventStoreDB's streams.proto and shared.proto), then compared with what the generated messages write,
/// and hand-built server answers are decoded and mapped.
/// </summary>
public sealed class EventStoreDbWireFormatTests
{
    private static readonly Guid EventId = Guid.Parse("0b5f5b5e-3c1d-4e63-9a9c-2f7a61d0c4aa");

    [Fact]
    public void tags_are_the_field_number_shifted_by_three_or_the_wire_type()
    {
        Assert.Equal(new byte[] { 0x0A }, Tag(1, LengthDelimitedWireType));
        Assert.Equal(new byte[] { 0x10 }, Tag(2, VarintWireType));
        Assert.Equal(new byte[] { 0x4A }, Tag(9, LengthDelimitedWireType));
        Assert.Equal(new byte[] { 0x5A }, Tag(11, LengthDelimitedWireType));
        Assert.Equal(new byte[] { 0xAC, 0x02 }, Varint(300));
    }

    [Fact]
    public void the_service_and_its_methods_have_eventstoredb_names()
    {
        var service = StreamsReflection.Descriptor.Services.Single();

        Assert.Equal("event_store.client.streams.Streams", service.FullName);
        var read = service.FindMethodByName("Read");
        var append = service.FindMethodByName("Append");
        Assert.True(read.IsServerStreaming && !read.IsClientStreaming);
        Assert.Equal("event_store.client.streams.ReadReq", read.InputType.FullName);
        Assert.True(append.IsClientStreaming && !append.IsServerStreaming);
        Assert.Equal("event_store.client.streams.AppendResp", append.OutputType.FullName);
        Assert.Equal("event_store.client.UUID", SharedReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.MessageDescriptor>("UUID").FullName);
    }

    public static TheoryData<ExpectedRevision, byte[]> ExpectedRevisions => new()
    {
        // AppendReq.Options: stream_identifier = 1; revision = 2 (uint64); no_stream = 3, any = 4, stream_exists = 5 (Empty).
        { ExpectedRevision.Exact(300), UInt(2, 300) },
        { ExpectedRevision.NoStream, Len(3) },
        { ExpectedRevision.Any, Len(4) },
        { ExpectedRevision.StreamExists, Len(5) },
    };

    [Theory]
    [MemberData(nameof(ExpectedRevisions))]
    public void append_options_carry_the_stream_and_the_expected_revision(ExpectedRevision expected, byte[] expectedRevisionField)
    {
        var request = new AppendReq { Options = EventStoreDbProtocol.AppendOptions("journey-få_barn-p1", expected) };

        // AppendReq.options = 1 { stream_identifier = 1 { stream_name = 3 (bytes, UTF-8) }, <expected revision> }.
        var bytes = Len(1,
            Len(1, Len(3, Encoding.UTF8.GetBytes("journey-få_barn-p1"))),
            expectedRevisionField);
        Assert.Equal(bytes, request.ToByteArray());
    }

    [Fact]
    public void a_proposed_message_carries_the_id_as_a_string_uuid_the_type_json_content_type_metadata_and_data()
    {
        var data = Encoding.UTF8.GetBytes("""{"subject":"p1","note":"søknad"}""");
        var metadata = Encoding.UTF8.GetBytes("""{"correlationId":"c1"}""");

        var request = new AppendReq { ProposedMessage = EventStoreDbProtocol.ProposedMessage(new EventData(EventId, "nav.barnetrygd.vedtak", data, metadata)) };

        // AppendReq.proposed_message = 2 { id = 1 { UUID.string = 2 }, metadata = 2 (map entries, in insertion order),
        // custom_metadata = 3, data = 4 }.
        var bytes = Len(2,
            Len(1, Str(2, "0b5f5b5e-3c1d-4e63-9a9c-2f7a61d0c4aa")),
            MapEntry(2, "type", "nav.barnetrygd.vedtak"),
            MapEntry(2, "content-type", "application/json"),
            Len(3, metadata),
            Len(4, data));
        Assert.Equal(bytes, request.ToByteArray());
    }

    [Fact]
    public void an_append_is_the_options_first_then_one_proposed_message_per_event_in_order()
    {
        var events = new[] { NewEvent("a"), NewEvent("b") };

        var requests = EventStoreDbProtocol.AppendRequests("journey-x", ExpectedRevision.Exact(4), events).ToList();

        Assert.Equal(3, requests.Count);
        Assert.Equal(AppendReq.ContentOneofCase.Options, requests[0].ContentCase);
        Assert.Equal(4UL, requests[0].Options.Revision);
        Assert.Equal(new[] { "a", "b" }, requests.Skip(1).Select(r => r.ProposedMessage.Metadata["type"]));
        Assert.Equal(events.Select(e => e.EventId.ToString()), requests.Skip(1).Select(r => r.ProposedMessage.Id.String));
    }

    [Fact]
    public void a_subscription_to_all_resumes_from_the_commit_position_as_both_halves_with_a_prefix_filter()
    {
        var filter = EventStoreDbProtocol.Filter(StreamFilter.Prefix("journey-"), window: 100, checkpointMultiplier: 5);

        var request = EventStoreDbProtocol.SubscribeToAll(1234, filter);

        // ReadReq.options = 1 { all = 2 { position = 1 { commit = 1, prepare = 2 } }, (read_direction = 3 Forwards
        // and resolve_links = 4 false are defaults, not written), subscription = 6 {},
        // filter = 7 { stream_identifier = 1 { prefix = 2 }, max = 3, checkpointIntervalMultiplier = 5 },
        // uuid_option = 9 { string = 2 {} } }.
        var bytes = Len(1,
            Len(2, Len(1, UInt(1, 1234), UInt(2, 1234))),
            Len(6),
            Len(7, Len(1, Str(2, "journey-")), UInt(3, 100), UInt(5, 5)),
            Len(9, Len(2)));
        Assert.Equal(bytes, request.ToByteArray());
    }

    [Fact]
    public void no_filter_on_all_excludes_system_streams_with_a_regex()
    {
        var request = EventStoreDbProtocol.ReadAll(ReadDirection.Backwards, null, 500, EventStoreDbProtocol.Filter(null, 100, 5));

        // all = 2 { end = 3 {} }, read_direction = 3 Backwards (1), count = 5, filter = 7 { stream_identifier = 1 { regex = 1 } ... }.
        var bytes = Len(1,
            Len(2, Len(3)),
            UInt(3, 1),
            UInt(5, 500),
            Len(7, Len(1, Str(1, "^[^$]")), UInt(3, 100), UInt(5, 5)),
            Len(9, Len(2)));
        Assert.Equal(bytes, request.ToByteArray());
    }

    [Fact]
    public void a_stream_read_names_the_stream_the_revision_direction_and_count_without_a_filter()
    {
        var backwardsFromEnd = EventStoreDbProtocol.ReadStream("journey-x", ReadDirection.Backwards, null, 10);
        var forwardsFrom = EventStoreDbProtocol.ReadStream("journey-x", ReadDirection.Forwards, 7, 3);

        // stream = 1 { stream_identifier = 1, revision = 2 | start = 3 | end = 4 }, count = 5, no_filter = 8 {}.
        var streamIdentifier = Len(1, Len(3, Encoding.UTF8.GetBytes("journey-x")));
        Assert.Equal(
            Len(1, Len(1, streamIdentifier, Len(4)), UInt(3, 1), UInt(5, 10), Len(8), Len(9, Len(2))),
            backwardsFromEnd.ToByteArray());
        Assert.Equal(
            Len(1, Len(1, streamIdentifier, UInt(2, 7)), UInt(5, 3), Len(8), Len(9, Len(2))),
            forwardsFrom.ToByteArray());
    }

    [Fact]
    public void an_event_the_server_sends_maps_to_a_recorded_event()
    {
        var created = new DateTimeOffset(2024, 3, 1, 12, 30, 15, TimeSpan.Zero).AddTicks(1234567);
        var ticksSinceEpoch = (created - DateTimeOffset.UnixEpoch).Ticks.ToString(CultureInfo.InvariantCulture);
        var data = Encoding.UTF8.GetBytes("""{"a":1}""");
        var metadata = Encoding.UTF8.GetBytes("""{"b":2}""");
        // ReadResp.event = 1 { event = 1 { id = 1, stream_identifier = 2, stream_revision = 3, prepare_position = 4,
        // commit_position = 5, metadata = 6, custom_metadata = 7, data = 8 }, commit_position = 3 }.
        var recorded = Concat(
            Len(1, Str(2, EventId.ToString())),
            Len(2, Len(3, Encoding.UTF8.GetBytes("journey-dødsfall-p9"))),
            UInt(3, 7),
            UInt(4, 987654321),
            UInt(5, 987654321),
            MapEntry(6, "type", "skatteetaten.arv.oppgjort"),
            MapEntry(6, "created", ticksSinceEpoch),
            MapEntry(6, "content-type", "application/json"),
            Len(7, metadata),
            Len(8, data));
        var bytes = Len(1, Len(1, recorded), UInt(3, 987654321));

        var response = ReadResp.Parser.ParseFrom(bytes);
        var e = EventStoreDbProtocol.ToRecordedEvent(response.Event);

        Assert.Equal(ReadResp.ContentOneofCase.Event, response.ContentCase);
        Assert.Equal("journey-dødsfall-p9", e.Stream);
        Assert.Equal(7UL, e.StreamRevision);
        Assert.Equal(987654321UL, e.Position);
        Assert.Equal(EventId, e.EventId);
        Assert.Equal("skatteetaten.arv.oppgjort", e.Type);
        Assert.Equal(data, e.Data.ToArray());
        Assert.Equal(metadata, e.Metadata.ToArray());
        Assert.Equal(created, e.Created);
        Assert.Equal(TimeSpan.Zero, e.Created.Offset);
    }

    [Fact]
    public void an_event_without_its_position_is_refused_rather_than_given_a_wrong_one()
    {
        // What a server too old to know the position of a stream-read event sends: -1 as uint64, no_position = 4.
        var recorded = Concat(
            Len(1, Str(2, EventId.ToString())),
            Len(2, Len(3, "s"u8.ToArray())),
            UInt(5, ulong.MaxValue),
            MapEntry(6, "type", "t"),
            MapEntry(6, "created", "0"));
        var response = ReadResp.Parser.ParseFrom(Len(1, Len(1, recorded), Len(4)));

        var error = Assert.Throws<InvalidDataException>(() => EventStoreDbProtocol.ToRecordedEvent(response.Event));
        Assert.Contains("23.10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_checkpoint_stream_not_found_and_caught_up_decode_to_their_cases()
    {
        // checkpoint = 3 { commit_position = 1, prepare_position = 2 }
        var checkpoint = ReadResp.Parser.ParseFrom(Len(3, UInt(1, 555000), UInt(2, 555000)));
        // stream_not_found = 4 { stream_identifier = 1 { stream_name = 3 } }
        var notFound = ReadResp.Parser.ParseFrom(Len(4, Len(1, Len(3, "journey-x"u8.ToArray()))));
        // caught_up = 8, as a newer server sends it: with fields our subset does not declare (a timestamp = 1).
        var caughtUp = ReadResp.Parser.ParseFrom(Len(8, Len(1, UInt(1, 1700000000))));

        Assert.Equal(ReadResp.ContentOneofCase.Checkpoint, checkpoint.ContentCase);
        Assert.Equal(555000UL, checkpoint.Checkpoint.CommitPosition);
        Assert.Equal(ReadResp.ContentOneofCase.StreamNotFound, notFound.ContentCase);
        Assert.Equal("journey-x", notFound.StreamNotFound.StreamIdentifier.StreamName.ToStringUtf8());
        Assert.Equal(ReadResp.ContentOneofCase.CaughtUp, caughtUp.ContentCase);
    }

    [Fact]
    public void answers_outside_our_subset_are_skipped_not_misread()
    {
        // first_stream_position = 5 and last_all_stream_position = 7 are sent only on request; if they came, they
        // must decode to "no content we know" rather than to an event.
        var firstStreamPosition = ReadResp.Parser.ParseFrom(UInt(5, 42));
        var lastAllPosition = ReadResp.Parser.ParseFrom(Len(7, UInt(1, 10), UInt(2, 10)));

        Assert.Equal(ReadResp.ContentOneofCase.None, firstStreamPosition.ContentCase);
        Assert.Equal(ReadResp.ContentOneofCase.None, lastAllPosition.ContentCase);
    }

    public static TheoryData<byte[], ulong?, ulong?> Successes => new()
    {
        // success = 1 { current_revision = 1 | no_stream = 2, position = 3 { commit = 1, prepare = 2 } | no_position = 4 }
        { Len(1, UInt(1, 4), Len(3, UInt(1, 5000), UInt(2, 4800))), 4UL, 5000UL },
        { Len(1, UInt(1, 0), Len(4)), 0UL, null },
        { Len(1, Len(2), Len(4)), null, null },
    };

    [Theory]
    [MemberData(nameof(Successes))]
    public void a_successful_append_answer_gives_the_current_revision_and_position(byte[] bytes, ulong? revision, ulong? position)
    {
        var outcome = EventStoreDbProtocol.ToAppendOutcome(AppendResp.Parser.ParseFrom(bytes));

        Assert.Equal(new AppendOutcome.Succeeded(revision, position), outcome);
    }

    public static TheoryData<byte[], ulong?> WrongExpectedVersions => new()
    {
        // wrong_expected_version = 2 { current_revision = 6 | current_no_stream = 7, expected_* = 8..11 }
        { Len(2, UInt(6, 3), Len(9)), 3UL },
        { Len(2, Len(7), UInt(8, 0)), null },
        { Len(2, UInt(6, 0), Len(11)), 0UL },
        // A 20.6.0 server: current_revision_20_6_0 = 1 only.
        { Len(2, UInt(1, 12)), 12UL },
    };

    [Theory]
    [MemberData(nameof(WrongExpectedVersions))]
    public void a_wrong_expected_version_answer_gives_the_actual_revision(byte[] bytes, ulong? actual)
    {
        var outcome = EventStoreDbProtocol.ToAppendOutcome(AppendResp.Parser.ParseFrom(bytes));

        Assert.Equal(new AppendOutcome.WrongExpectedVersion(actual), outcome);
    }

    [Fact]
    public void an_empty_prefix_list_is_refused()
    {
        Assert.Throws<ArgumentException>(() => EventStoreDbProtocol.Filter(new StreamFilter([]), 100, 5));
    }

    private static EventData NewEvent(string type) => new(Guid.NewGuid(), type, "{}"u8.ToArray(), "{}"u8.ToArray());
}
