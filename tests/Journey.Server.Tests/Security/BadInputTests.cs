using System.Buffers.Binary;
using System.Net;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Journey.Domain.Events;
using Journey.Domain.Privacy;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;
using Journey.Storage;
using Microsoft.Extensions.DependencyInjection;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Security;

/// <summary>
/// Bad input gets a precise status and field violations and loses nothing else: every case is sent
/// alone (unary) and inside a streamed batch between good events, which must all be stored.
/// </summary>
public sealed partial class BadInputTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Agency = "nav";

    /// <summary>One way to spoil an event, the status it must get and the field a violation must name.</summary>
    public sealed record BadInput(Action<Contract.JourneyEvent> Spoil, StatusCode Code, string Field, bool StoresOriginalFirst = false);

    private static readonly Dictionary<string, BadInput> Cases = new(StringComparer.Ordinal)
    {
        ["event id missing"] = new(e => e.EventId = "", StatusCode.InvalidArgument, "event_id"),
        ["event id not a UUID"] = new(e => e.EventId = "not-a-uuid", StatusCode.InvalidArgument, "event_id"),
        ["event id in braces"] = new(e => e.EventId = "{" + Guid.NewGuid() + "}", StatusCode.InvalidArgument, "event_id"),
        ["event id without hyphens"] = new(e => e.EventId = Guid.NewGuid().ToString("N"), StatusCode.InvalidArgument, "event_id"),
        ["event id all zeros"] = new(e => e.EventId = Guid.Empty.ToString(), StatusCode.InvalidArgument, "event_id"),
        ["event id re-sent with different content"] = new(e => e.OccurredAt = "2025-03-25T10:00:00+01:00", StatusCode.AlreadyExists, "event_id", StoresOriginalFirst: true),
        ["journey type missing"] = new(e => e.JourneyType = "", StatusCode.InvalidArgument, "journey_type"),
        ["journey type unknown"] = new(e => e.JourneyType = "fa-tvillinger", StatusCode.InvalidArgument, "journey_type"),
        ["agency missing"] = new(e => e.Agency = "", StatusCode.InvalidArgument, "agency"),
        ["agency unknown"] = new(e => e.Agency = "finnes-ikke", StatusCode.PermissionDenied, "agency"),
        ["agency another agency than the caller"] = new(e => e.Agency = "skatteetaten", StatusCode.PermissionDenied, "agency"),
        ["activity missing"] = new(e => e.Activity = "", StatusCode.InvalidArgument, "activity"),
        ["activity unknown"] = new(e => e.Activity = "nav.barnetrygd.finnes-ikke", StatusCode.InvalidArgument, "activity"),
        ["activity of another agency"] = new(e => e.Activity = "skatteetaten.foreldrefradrag.fastsatt", StatusCode.InvalidArgument, "activity"),
        ["activity of another journey type"] = new(e => e.Activity = "nav.gravferdsstonad.vedtak", StatusCode.InvalidArgument, "activity"),
        ["subject missing"] = new(e => e.Subject = "", StatusCode.InvalidArgument, "subject"),
        ["subject with a wrong first check digit"] = new(e => e.Subject = IdentityNumbers.WithDigitChanged(e.Subject, 9), StatusCode.InvalidArgument, "subject"),
        ["subject with a wrong second check digit"] = new(e => e.Subject = IdentityNumbers.WithDigitChanged(e.Subject, 10), StatusCode.InvalidArgument, "subject"),
        ["subject with day 32"] = new(e => e.Subject = IdentityNumbers.Build(32, 1, 90), StatusCode.InvalidArgument, "subject"),
        ["subject with month 13"] = new(e => e.Subject = IdentityNumbers.Build(1, 13, 90), StatusCode.InvalidArgument, "subject"),
        ["subject with 30 February"] = new(e => e.Subject = IdentityNumbers.Build(30, 2, 90), StatusCode.InvalidArgument, "subject"),
        ["subject born in the future"] = new(e => e.Subject = IdentityNumbers.Build(1, 1, 39, individualFrom: 500), StatusCode.InvalidArgument, "subject"),
        ["subject opaque id with a space"] = new(e => e.Subject = "1234 567890", StatusCode.InvalidArgument, "subject"),
        ["subject opaque id too long"] = new(e => e.Subject = new string('a', 129), StatusCode.InvalidArgument, "subject"),
        ["subject opaque id with an identity number inside"] = new(e => e.Subject = "fnr:" + Events.NewPerson(), StatusCode.InvalidArgument, "subject"),
        ["related person without a role"] = new(e => e.Related.Add(new Contract.RelatedPerson { Person = Events.NewPerson(new DateOnly(1990, 1, 2)) }), StatusCode.InvalidArgument, "related[1].role"),
        ["related person with a role of another journey type"] = new(e => e.Related.Add(new Contract.RelatedPerson { Role = "heir", Person = Events.NewPerson(new DateOnly(1990, 1, 2)) }), StatusCode.InvalidArgument, "related[1].role"),
        ["related person without an identifier"] = new(e => e.Related.Add(new Contract.RelatedPerson { Role = "father" }), StatusCode.InvalidArgument, "related[1].person"),
        ["related person with an invalid identity number"] = new(e => e.Related[0].Person = IdentityNumbers.WithDigitChanged(e.Related[0].Person, 4), StatusCode.InvalidArgument, "related[0].person"),
        ["occurred_at missing"] = new(e => e.OccurredAt = "", StatusCode.InvalidArgument, "occurred_at"),
        ["occurred_at without an offset"] = new(e => e.OccurredAt = "2025-03-24T10:00:00", StatusCode.InvalidArgument, "occurred_at"),
        ["occurred_at in a local format"] = new(e => e.OccurredAt = "24.03.2025 10:00", StatusCode.InvalidArgument, "occurred_at"),
        ["occurred_at not a calendar date"] = new(e => e.OccurredAt = "2025-02-30T10:00:00+01:00", StatusCode.InvalidArgument, "occurred_at"),
        ["occurred_at before 1900"] = new(e => e.OccurredAt = "1899-12-31T23:00:00+00:00", StatusCode.InvalidArgument, "occurred_at"),
        ["occurred_at far in the future"] = new(e => e.OccurredAt = "2999-01-01T00:00:00Z", StatusCode.InvalidArgument, "occurred_at"),
        ["initiator missing"] = new(e => e.Initiator = Contract.Initiator.Unspecified, StatusCode.InvalidArgument, "initiator"),
        ["initiator out of range"] = new(e => e.Initiator = (Contract.Initiator)99, StatusCode.InvalidArgument, "initiator"),
        ["lifecycle out of range"] = new(e => e.Lifecycle = (Contract.Lifecycle)7, StatusCode.InvalidArgument, "lifecycle"),
        ["case_ref too long"] = new(e => e.CaseRef = new string('x', 513), StatusCode.InvalidArgument, "case_ref"),
        ["case_ref with a control character"] = new(e => e.CaseRef = "NAV\u0000-1", StatusCode.InvalidArgument, "case_ref"),
        ["case_ref with an identity number"] = new(e => e.CaseRef = "sak-" + Events.NewPerson(), StatusCode.InvalidArgument, "case_ref"),
        ["attribute the activity may not carry"] = new(e => e.Attributes["channel"] = "digital", StatusCode.InvalidArgument, "attributes[channel]"),
        ["attribute value too long"] = new(e => e.Attributes["outcome"] = new string('y', 513), StatusCode.InvalidArgument, "attributes[outcome]"),
        ["attribute value with an identity number"] = new(e => e.Attributes["outcome"] = Events.NewPerson(), StatusCode.InvalidArgument, "attributes[outcome]"),
        ["too many attributes"] = new(e =>
        {
            for (var i = 0; i < 33; i++)
            {
                e.Attributes[$"extra-{i}"] = "x";
            }
        }, StatusCode.InvalidArgument, "attributes"),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    /// <summary>A valid event of NAV's, with a related person and attributes for the cases to spoil.</summary>
    private static Contract.JourneyEvent Good()
    {
        var e = Events.FaBarn(Events.NewPerson(), "nav.barnetrygd.vedtak", "2025-03-24T10:00:00+01:00");
        e.Related.Add(new Contract.RelatedPerson { Role = "mother", Person = Events.NewPerson(new DateOnly(1991, 6, 7)) });
        e.CaseRef = "NAV-BT-1";
        e.Attributes["outcome"] = "innvilget";
        e.Attributes["kind"] = "ordinaer";
        return e;
    }

    private Contract.Ingest.IngestClient Ingest => fixture.Server.IngestAs(Agency);

    private async Task<Contract.JourneyEvent> BadAsync(BadInput input)
    {
        var e = Good();
        if (input.StoresOriginalFirst)
        {
            var stored = await Ingest.AppendAsync(new Contract.AppendRequest { Event = e.Clone() });
            Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, stored.Result.OutcomeCase);
        }
        input.Spoil(e);
        return e;
    }

    [Fact]
    public void the_table_has_at_least_thirty_cases() => Assert.True(Cases.Count >= 30, $"{Cases.Count} cases");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task a_bad_event_sent_alone_fails_with_its_status_and_a_violation_of_its_field(string name)
    {
        var input = Cases[name];
        var e = await BadAsync(input);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Ingest.AppendAsync(new Contract.AppendRequest { Event = e }));

        Assert.Equal(input.Code, error.StatusCode);
        var violations = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations;
        Assert.Contains(violations, v => v.Field == "event." + input.Field);
        AssertNoIdentityNumberOf(e, error.Status.Detail + string.Concat(violations.Select(v => v.Field + v.Description)));
        // Whatever the spoiled field, nothing of the event reached its journey (only the original, where one was stored first).
        Assert.Equal(input.StoresOriginalFirst ? 1 : 0, await EventsInJourneyOfAsync(e));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task a_bad_event_in_a_batch_is_reported_by_index_and_the_good_ones_beside_it_are_stored(string name)
    {
        var input = Cases[name];
        var before = Good();
        var bad = await BadAsync(input);
        var after = Good();

        var response = await SendBatchAsync([before, bad, after]);

        Assert.Equal([0u, 1u, 2u], response.Results.Select(r => r.Index));
        var rejected = response.Results[1];
        Assert.Equal(Contract.EventResult.OutcomeOneofCase.Rejected, rejected.OutcomeCase);
        Assert.Equal((int)input.Code, rejected.Rejected.Code);
        Assert.Contains(rejected.Rejected.Violations, v => v.Field == input.Field);
        AssertNoIdentityNumberOf(bad, rejected.Rejected.Message + string.Concat(rejected.Rejected.Violations.Select(v => v.Field + v.Description)));
        foreach (var (good, result) in new[] { (before, response.Results[0]), (after, response.Results[2]) })
        {
            Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, result.OutcomeCase);
            Assert.True(await IsStoredAsync(good), "a good event beside a bad one was not stored");
        }
    }

    [Fact]
    public async Task one_batch_with_every_bad_case_stores_all_its_good_events_and_reports_each_bad_one_by_index()
    {
        var batch = new List<Contract.JourneyEvent>();
        var expected = new Dictionary<int, BadInput>();
        foreach (var input in Cases.Values)
        {
            batch.Add(Good());
            expected[batch.Count] = input;
            batch.Add(await BadAsync(input));
        }
        batch.Add(Good());

        var response = await SendBatchAsync(batch);

        Assert.Equal(batch.Count, response.Results.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var result = response.Results[i];
            Assert.Equal((uint)i, result.Index);
            if (expected.TryGetValue(i, out var input))
            {
                Assert.Equal((int)input.Code, result.Rejected?.Code);
                Assert.Contains(result.Rejected!.Violations, v => v.Field == input.Field);
            }
            else
            {
                Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, result.OutcomeCase);
                Assert.True(await IsStoredAsync(batch[i]));
            }
        }
    }

    [Fact]
    public async Task a_request_without_an_event_fails_with_a_violation_of_the_event_field()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Ingest.AppendAsync(new Contract.AppendRequest()));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations, v => v.Field == "event");
    }

    [Fact]
    public async Task garbage_bytes_as_a_message_fail_with_invalid_argument()
    {
        var garbage = Garbage();

        var status = await RawGrpc.AppendAsync(fixture.Server.ChannelFor(JourneyRoles.Agency, Agency), garbage);

        Assert.Equal(StatusCode.InvalidArgument, status);
    }

    [Fact]
    public async Task garbage_bytes_on_a_stream_fail_the_stream_with_invalid_argument_and_keep_every_batch_before()
    {
        var good = Good();
        var batch = new Contract.AppendBatchRequest { BatchId = 1 };
        batch.Events.Add(good);
        using var call = RawGrpc.OpenStream(fixture.Server.ChannelFor(JourneyRoles.Agency, Agency));
        await call.RequestStream.WriteAsync(batch.ToByteArray());
        Assert.True(await call.ResponseStream.MoveNext());
        var first = Contract.AppendBatchResponse.Parser.ParseFrom(call.ResponseStream.Current);

        await call.RequestStream.WriteAsync(Garbage());
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, Assert.Single(first.Results).OutcomeCase);
        Assert.True(await IsStoredAsync(good));
    }

    [Fact]
    public async Task a_message_over_the_size_limit_fails_with_resource_exhausted_and_stores_nothing()
    {
        var e = Good();
        e.CaseRef = new string('x', 5 * 1024 * 1024);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Ingest.AppendAsync(new Contract.AppendRequest { Event = e }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(0, await EventsInJourneyOfAsync(e));
    }

    [Fact]
    public async Task a_stream_cut_off_in_the_middle_of_a_batch_keeps_every_acknowledged_event_and_nothing_of_the_cut_batch()
    {
        var acknowledged = Enumerable.Range(0, 3).Select(_ => Good()).ToList();
        var cut = Enumerable.Range(0, 3).Select(_ => Good()).ToList();
        var first = new Contract.AppendBatchRequest { BatchId = 1 };
        first.Events.AddRange(acknowledged);
        var second = new Contract.AppendBatchRequest { BatchId = 2 };
        second.Events.AddRange(cut);
        var secondFrame = Frame(second.ToByteArray());

        // Raw HTTP/2, so the request can end inside a message, as when a connection drops.
        var body = new DuplexContent();
        using var http = new HttpClient(new SocketsHttpHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, fixture.Server.Address + "/journey.v1.Ingest/AppendStream")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = body,
        };
        request.Headers.TE.ParseAdd("trailers");
        request.Headers.Authorization = new("Bearer", fixture.Server.TokenFor(JourneyRoles.Agency, Agency));
        using var cancel = new CancellationTokenSource();

        var sending = http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        var requestBody = await body.Stream;
        await requestBody.WriteAsync(Frame(first.ToByteArray()));
        await requestBody.FlushAsync();
        using var response = await sending;
        await using var responseBody = await response.Content.ReadAsStreamAsync(cancel.Token);
        var answer = Contract.AppendBatchResponse.Parser.ParseFrom(await ReadFrameAsync(responseBody));
        await requestBody.WriteAsync(secondFrame.AsMemory(0, secondFrame.Length / 2));
        await requestBody.FlushAsync();
        await Task.Delay(200);
        await cancel.CancelAsync();
        body.End();

        Assert.All(answer.Results, r => Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, r.OutcomeCase));
        foreach (var e in acknowledged)
        {
            Assert.True(await IsStoredAsync(e), "an acknowledged event was lost");
        }
        foreach (var e in cut)
        {
            Assert.False(await IsStoredAsync(e), "an event of the cut batch was stored");
        }
    }

    [Fact]
    public async Task an_agency_over_its_rate_limit_gets_resource_exhausted_and_other_agencies_go_on()
    {
        await using var server = await RunningServer.StartAsync(settings:
        [
            "--Journey:Limits:AgencyEventsPerSecond=1",
            "--Journey:Limits:AgencyBurstEvents=4",
        ]);
        var nav = server.IngestAs("nav");
        var batch = new Contract.AppendBatchRequest();
        batch.Events.AddRange(Enumerable.Range(0, 4).Select(_ => Good()));
        var overLimit = new Contract.AppendBatchRequest();
        overLimit.Events.AddRange(Enumerable.Range(0, 3).Select(_ => Good()));

        using var call = nav.AppendStream();
        await call.RequestStream.WriteAsync(batch);
        await call.RequestStream.WriteAsync(overLimit);
        await call.RequestStream.CompleteAsync();
        var responses = await call.ResponseStream.ReadAllAsync().ToListAsync();
        var unary = await Assert.ThrowsAsync<RpcException>(async () => await nav.AppendAsync(new Contract.AppendRequest { Event = Good() }));
        var folkeregisteret = await server.IngestAs("folkeregisteret").AppendAsync(new Contract.AppendRequest
        {
            Event = Events.FaBarn(Events.NewPerson(), "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00"),
        });

        Assert.All(responses[0].Results, r => Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, r.OutcomeCase));
        Assert.All(responses[1].Results, r =>
        {
            Assert.Equal((int)StatusCode.ResourceExhausted, r.Rejected.Code);
            Assert.Contains("rate limit", r.Rejected.Message, StringComparison.Ordinal);
        });
        Assert.Equal(StatusCode.ResourceExhausted, unary.StatusCode);
        Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, folkeregisteret.Result.OutcomeCase);
        foreach (var e in overLimit.Events)
        {
            Assert.False(await IsStoredAsync(e, server));
        }
    }

    private async Task<Contract.AppendBatchResponse> SendBatchAsync(IEnumerable<Contract.JourneyEvent> events)
    {
        var batch = new Contract.AppendBatchRequest { BatchId = 42 };
        batch.Events.AddRange(events);
        using var call = Ingest.AppendStream();
        await call.RequestStream.WriteAsync(batch);
        await call.RequestStream.CompleteAsync();
        return Assert.Single(await call.ResponseStream.ReadAllAsync().ToListAsync());
    }

    private Task<bool> IsStoredAsync(Contract.JourneyEvent e) => IsStoredAsync(e, fixture.Server);

    /// <summary>Whether the event is in the store under its id.</summary>
    private static async Task<bool> IsStoredAsync(Contract.JourneyEvent e, RunningServer server)
    {
        var id = Guid.Parse(e.EventId);
        var store = server.Services.GetRequiredService<IEventStore>();
        return await store.ReadAllAsync(ReadDirection.Forwards, filter: StreamFilter.Prefix(JourneyId.StreamCategory + "-"))
            .AnyAsync(recorded => recorded.EventId == id);
    }

    /// <summary>How many events the journey of the event's subject holds (whatever their ids).</summary>
    private async Task<int> EventsInJourneyOfAsync(Contract.JourneyEvent e)
    {
        var pseudonym = fixture.Server.Services.GetRequiredService<Pseudonymiser>().Pseudonymise(e.Subject is { Length: > 0 } s ? s : "-");
        var stream = new JourneyId(string.IsNullOrEmpty(e.JourneyType) ? "fa-barn" : e.JourneyType, pseudonym).StreamName;
        return await fixture.Server.Services.GetRequiredService<IEventStore>().ReadStreamAsync(stream, ReadDirection.Forwards).CountAsync();
    }

    private static void AssertNoIdentityNumberOf(Contract.JourneyEvent e, string answer)
    {
        var sent = string.Join(" ", [e.Subject, e.CaseRef, .. e.Related.Select(r => r.Person), .. e.Attributes.Values]);
        foreach (Match number in ElevenDigits().Matches(sent))
        {
            Assert.DoesNotContain(number.Value, answer, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"\d{11}", RegexOptions.CultureInvariant)]
    private static partial Regex ElevenDigits();

    // A length-delimited field whose length runs past the end: no protobuf parser accepts it.
    private static byte[] Garbage()
    {
        byte[] garbage = [0x0a, 0xff, 0xff, 0xff, 0x0f, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef];
        Assert.Throws<InvalidProtocolBufferException>(() => Contract.AppendRequest.Parser.ParseFrom(garbage));
        Assert.Throws<InvalidProtocolBufferException>(() => Contract.AppendBatchRequest.Parser.ParseFrom(garbage));
        return garbage;
    }

    /// <summary>A request body the test writes to directly while the response comes back.</summary>
    private sealed class DuplexContent : HttpContent
    {
        private readonly TaskCompletionSource<Stream> stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public DuplexContent() => Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");

        public Task<Stream> Stream => stream.Task;

        public void End() => ended.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream target, TransportContext? context)
        {
            stream.SetResult(target);
            await ended.Task;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    private static byte[] Frame(byte[] message)
    {
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    private static async Task<byte[]> ReadFrameAsync(Stream stream)
    {
        var header = new byte[5];
        await stream.ReadExactlyAsync(header);
        var message = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        await stream.ReadExactlyAsync(message);
        return message;
    }
}
