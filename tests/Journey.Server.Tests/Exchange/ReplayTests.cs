using System.Text.RegularExpressions;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Journey.Cli.Commands;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Exchange;

/// <summary>journey.v1.Replay against a real server holding a simulated log.</summary>
public sealed partial class ReplayTests(SimulatedLogFixture log) : IClassFixture<SimulatedLogFixture>
{
    [Fact]
    public async Task replay_delivers_every_stored_journey_event_once_in_global_order_with_its_position()
    {
        var stored = await log.StoredJourneyEventsAsync();
        var to = stored[^1].Position;

        var (events, checkpoint) = await log.ReplayAllAsync(new Contract.ReplayRequest { ToPosition = to });

        Assert.Equal(stored.Select(e => (e.Position, e.EventId.ToString())), events.Select(e => (e.Position, e.EventId)));
        Assert.Equal(to, checkpoint);
        var first = events[0];
        Assert.Equal(Contract.Lifecycle.Complete, first.Lifecycle);
        Assert.NotNull(first.RecordedAt);
        Assert.False(string.IsNullOrEmpty(first.CorrelationId));
        Assert.StartsWith(first.PseudonymKeyId + "_", first.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task only_pseudonyms_leave_the_server()
    {
        var identityNumbers = log.IdentityNumbersSent();
        var (events, _) = await log.ReplayAllAsync(new Contract.ReplayRequest());

        Assert.NotEmpty(events);
        Assert.All(events, e =>
        {
            Assert.Matches(Pseudonym(), e.Subject);
            Assert.All(e.Related, p => Assert.Matches(Pseudonym(), p.Pseudonym));
            var text = JsonFormatter.Default.Format(e);
            Assert.DoesNotContain(Regex.Matches(text, @"\d{11}").Select(m => m.Value), identityNumbers.Contains);
        });
        Assert.Contains(events, e => e.Related.Count > 0);
    }

    [Fact]
    public async Task a_replay_cut_again_and_again_and_resumed_from_its_last_checkpoint_delivers_every_event_exactly_once()
    {
        var stored = await log.StoredJourneyEventsAsync();
        var to = stored[^1].Position;
        var received = new List<Contract.ReplayedEvent>();
        ulong? after = null;
        var calls = 0;
        while (true)
        {
            var request = new Contract.ReplayRequest { ToPosition = to };
            if (after is { } resume)
            {
                request.AfterPosition = resume;
            }
            calls++;
            // Each call is cut after its first message, the way a network drop would: mid-stream.
            using var call = log.Replay.Read(request);
            var messages = 0;
            var ended = true;
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                var response = call.ResponseStream.Current;
                received.AddRange(response.Events);
                after = response.HasCheckpoint ? response.Checkpoint : after;
                if (++messages == 1)
                {
                    ended = false;
                    break;
                }
            }
            if (ended || after == to)
            {
                break;
            }
        }

        Assert.True(calls > 3, $"the log should take several cut calls, took {calls}");
        Assert.Equal(stored.Select(e => e.EventId.ToString()), received.Select(e => e.EventId));
    }

    [Fact]
    public async Task a_replay_stopped_in_the_middle_of_a_message_resumes_from_the_last_event_it_took()
    {
        var stored = await log.StoredJourneyEventsAsync();
        var request = new Contract.ReplayRequest { ToPosition = stored[^1].Position };
        var taken = new List<string>();
        var channel = log.Server.ChannelFor(JourneyRoles.Researcher);

        var first = await ReplayCommand.MeasureAsync(channel, request, maxEvents: 777, e => taken.Add(e.EventId));
        request.AfterPosition = first.Checkpoint!.Value;
        var rest = await ReplayCommand.MeasureAsync(channel, request, onEvent: e => taken.Add(e.EventId));

        Assert.Equal(777, first.Events);
        Assert.Equal(stored.Count - 777, rest.Events);
        Assert.Equal(stored.Select(e => e.EventId.ToString()), taken);
    }

    [Fact]
    public async Task filters_select_exactly_the_events_that_match_all_of_them()
    {
        var stored = await log.StoredJourneyEventsAsync();
        var (all, _) = await log.ReplayAllAsync(new Contract.ReplayRequest { ToPosition = stored[^1].Position });
        // Events of one batch share their recorded-at: split at a time between batches.
        var recordedTimes = all.Select(e => e.RecordedAt.ToDateTimeOffset()).Distinct().Order().ToList();
        var recordedSplit = recordedTimes[recordedTimes.Count / 2];
        var occurredFrom = new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.FromHours(2));
        var occurredTo = new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.FromHours(2));

        var cases = new (string What, Contract.ReplayRequest Request, Func<Contract.ReplayedEvent, bool> Expected)[]
        {
            ("journey type", Request(r => r.JourneyTypes.Add("dodsfall-og-arv")), e => e.JourneyType == "dodsfall-og-arv"),
            ("agencies", Request(r => r.Agencies.Add(["nav", "skatteetaten"])), e => e.Agency is "nav" or "skatteetaten"),
            ("activities", Request(r => r.Activities.Add(["nav.barnetrygd.vedtak", "folkeregisteret.fodsel.registrert"])),
                e => e.Activity is "nav.barnetrygd.vedtak" or "folkeregisteret.fodsel.registrert"),
            ("occurred window", Request(r => r.Occurred = Window(occurredFrom, occurredTo)),
                e => Occurred(e) >= occurredFrom && Occurred(e) < occurredTo),
            ("recorded window", Request(r => r.Recorded = new Contract.TimeWindow { To = Timestamp.FromDateTimeOffset(recordedSplit) }),
                e => e.RecordedAt.ToDateTimeOffset() < recordedSplit),
            ("positions", Request(r => { r.AfterPosition = all[10].Position; r.ToPosition = all[100].Position; }),
                e => e.Position > all[10].Position && e.Position <= all[100].Position),
            ("all at once", Request(r =>
                {
                    r.JourneyTypes.Add("fa-barn");
                    r.Agencies.Add("nav");
                    r.Occurred = Window(occurredFrom, null);
                }),
                e => e.JourneyType == "fa-barn" && e.Agency == "nav" && Occurred(e) >= occurredFrom),
        };

        foreach (var (what, request, expected) in cases)
        {
            var wanted = all.Where(expected).Select(e => e.Position).ToList();
            Assert.True(wanted.Count > 0 && wanted.Count < all.Count, $"{what}: the case should select some events, not all");
            var (events, _) = await log.ReplayAllAsync(request);
            Assert.True(wanted.SequenceEqual(events.Select(e => e.Position)), $"{what}: {events.Count} events replayed, {wanted.Count} expected");
        }

        Contract.ReplayRequest Request(Action<Contract.ReplayRequest> filter)
        {
            var request = new Contract.ReplayRequest { ToPosition = stored[^1].Position };
            filter(request);
            return request;
        }
    }

    [Fact]
    public async Task a_following_replay_says_when_it_has_caught_up_and_then_delivers_new_events_live()
    {
        var last = (await log.StoredJourneyEventsAsync())[^1].Position;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var call = log.Replay.Read(new Contract.ReplayRequest { AfterPosition = last, Follow = true }, cancellationToken: cancel.Token);
        var stream = call.ResponseStream;
        while (await stream.MoveNext(cancel.Token) && !stream.Current.CaughtUp)
        {
        }
        Assert.True(stream.Current.CaughtUp);

        var journey = Events.HandComputedJourney(Events.NewPerson());
        var results = await log.Server.AppendAsAgenciesAsync(journey);
        Assert.All(results, r => Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, r.OutcomeCase));

        var live = new List<Contract.ReplayedEvent>();
        while (live.Count < journey.Count && await stream.MoveNext(cancel.Token))
        {
            live.AddRange(stream.Current.Events);
        }
        Assert.Equal(journey.Select(e => e.EventId).Order(StringComparer.Ordinal), live.Select(e => e.EventId).Order(StringComparer.Ordinal));
        Assert.All(live, e => Assert.True(e.Position > last));
    }

    [Fact]
    public async Task a_reader_that_stops_reading_neither_stalls_ingestion_nor_loses_its_place()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var call = log.Replay.Read(new Contract.ReplayRequest { Follow = true }, cancellationToken: cancel.Token);
        Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
        var received = new List<Contract.ReplayedEvent>(call.ResponseStream.Current.Events);

        // The reader now pauses with most of the log unread while agencies keep sending.
        var sent = new List<Contract.JourneyEvent>();
        for (var i = 0; i < 20; i++)
        {
            var journey = Events.HandComputedJourney(Events.NewPerson());
            var results = await log.Server.AppendAsAgenciesAsync(journey);
            Assert.All(results, r => Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, r.OutcomeCase));
            sent.AddRange(journey);
        }

        var wanted = sent.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
        while (!wanted.IsSubsetOf(received.Select(e => e.EventId)) && await call.ResponseStream.MoveNext(cancel.Token))
        {
            received.AddRange(call.ResponseStream.Current.Events);
        }
        Assert.Subset(received.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal), wanted);
        Assert.Equal(received.Count, received.Select(e => e.Position).Distinct().Count());
        Assert.True(received.Select(e => e.Position).SequenceEqual(received.Select(e => e.Position).Order()));
    }

    [Fact]
    public async Task an_empty_window_or_range_is_refused_with_field_violations()
    {
        var at = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.Zero));
        var request = new Contract.ReplayRequest
        {
            Occurred = new Contract.TimeWindow { From = at, To = at },
            AfterPosition = 10,
            ToPosition = 5,
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => log.ReplayAllAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = error.GetRpcStatus()!.GetDetail<BadRequest>();
        Assert.Equal(["to_position", "occurred"], badRequest.FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task the_audit_trail_records_who_replayed_and_how_many_events_left()
    {
        var stored = await log.StoredJourneyEventsAsync();
        var to = stored[200].Position;

        var (events, _) = await log.ReplayAllAsync(new Contract.ReplayRequest { ToPosition = to });

        var volume = $"replayed {events.Count} events after position 0 up to checkpoint {to}";
        var audited = await Wait.UntilAsync(
            async () => await log.Server.Services.GetRequiredService<AuditTrail>().Store.ReadAllAsync(Storage.ReadDirection.Forwards, filter: Storage.StreamFilter.Prefix("audit-"))
                .Select(e => System.Text.Encoding.UTF8.GetString(e.Data.Span)).ToListAsync(),
            records => records.Any(r => r.Contains(volume, StringComparison.Ordinal)),
            "the replay's volume in the audit trail");
        var record = System.Text.Json.JsonDocument.Parse(audited.Last(r => r.Contains(volume, StringComparison.Ordinal))).RootElement;
        Assert.Equal("/journey.v1.Replay/Read", record.GetProperty("what").GetProperty("method").GetString());
        Assert.Contains(JourneyRoles.Researcher, record.GetProperty("who").GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task only_researchers_may_replay()
    {
        var asAgency = new Contract.Replay.ReplayClient(log.Server.ChannelFor(JourneyRoles.Agency, "nav"));
        var anonymous = new Contract.Replay.ReplayClient(log.Server.Channel);

        var denied = await Assert.ThrowsAsync<RpcException>(() => asAgency.Read(new Contract.ReplayRequest()).ResponseStream.ReadAllAsync().ToListAsync().AsTask());
        var unauthenticated = await Assert.ThrowsAsync<RpcException>(() => anonymous.Read(new Contract.ReplayRequest()).ResponseStream.ReadAllAsync().ToListAsync().AsTask());

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, unauthenticated.StatusCode);
    }

    private static DateTimeOffset Occurred(Contract.ReplayedEvent e) => DateTimeOffset.Parse(e.OccurredAt, System.Globalization.CultureInfo.InvariantCulture);

    private static Contract.TimeWindow Window(DateTimeOffset? from, DateTimeOffset? to)
    {
        var window = new Contract.TimeWindow();
        if (from is { } f)
        {
            window.From = Timestamp.FromDateTimeOffset(f);
        }
        if (to is { } t)
        {
            window.To = Timestamp.FromDateTimeOffset(t);
        }
        return window;
    }

    [GeneratedRegex("^[a-z0-9]+_[a-z2-7]{26}$")]
    private static partial Regex Pseudonym();
}
