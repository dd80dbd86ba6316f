using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Journey.Server.Ingest;
using Journey.Server.Tests.Infrastructure;
using Journey.Storage;
using Microsoft.Extensions.DependencyInjection;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests;

/// <summary>Ingest through a real Kestrel server on loopback with the generated gRPC client.</summary>
public sealed class IngestTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task a_valid_event_is_acknowledged_with_its_position()
    {
        var e = Events.FaBarn(Events.NewPerson(), "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00");

        var response = await server.IngestAs("folkeregisteret").AppendAsync(new Contract.AppendRequest { Event = e });

        Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, response.Result.OutcomeCase);
        Assert.Equal(e.EventId, response.Result.EventId);
        Assert.True(response.Result.Accepted.Position > 0);
        Assert.Equal(0ul, response.Result.Accepted.StreamRevision);
    }

    [Fact]
    public async Task appending_the_same_event_twice_stores_it_once_and_returns_the_original_position()
    {
        var e = Events.FaBarn(Events.NewPerson(), "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00");

        var first = await server.IngestAs("folkeregisteret").AppendAsync(new Contract.AppendRequest { Event = e });
        var second = await server.IngestAs("folkeregisteret").AppendAsync(new Contract.AppendRequest { Event = e });

        Assert.Equal(Contract.EventResult.OutcomeOneofCase.Duplicate, second.Result.OutcomeCase);
        Assert.Equal(first.Result.Accepted.Position, second.Result.Duplicate.Position);
        Assert.Equal(first.Result.Accepted.StreamRevision, second.Result.Duplicate.StreamRevision);
    }

    [Fact]
    public async Task a_reused_event_id_with_different_content_is_refused_as_already_existing()
    {
        var subject = Events.NewPerson();
        var original = Events.FaBarn(subject, "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00");
        await server.IngestAs("folkeregisteret").AppendAsync(new Contract.AppendRequest { Event = original });
        var changed = original.Clone();
        changed.OccurredAt = "2025-03-21T10:00:00+01:00";

        var error = await Assert.ThrowsAsync<RpcException>(async () => await server.IngestAs("folkeregisteret").AppendAsync(new Contract.AppendRequest { Event = changed }));

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations, v => v.Field == "event.event_id");
    }

    [Fact]
    public async Task a_reused_event_id_in_another_journey_is_refused_and_the_original_stays()
    {
        var original = Events.FaBarn(Events.NewPerson(), "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00");
        await server.IngestAs("folkeregisteret").AppendAsync(new Contract.AppendRequest { Event = original });
        var elsewhere = Events.FaBarn(Events.NewPerson(), "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00", eventId: original.EventId);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await server.IngestAs("folkeregisteret").AppendAsync(new Contract.AppendRequest { Event = elsewhere }));

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        var again = await server.IngestAs("folkeregisteret").AppendAsync(new Contract.AppendRequest { Event = original });
        Assert.Equal(Contract.EventResult.OutcomeOneofCase.Duplicate, again.Result.OutcomeCase);
    }

    [Fact]
    public async Task an_invalid_event_fails_with_invalid_argument_and_a_violation_for_each_bad_field()
    {
        var e = Events.FaBarn(Events.NewPerson(), "folkeregisteret.fodsel.registrert", "2025-03-20 10:00");
        e.EventId = "not-a-uuid";
        e.Subject = "12345678901";

        var error = await Assert.ThrowsAsync<RpcException>(async () => await server.IngestAs("folkeregisteret").AppendAsync(new Contract.AppendRequest { Event = e }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).Order(StringComparer.Ordinal);
        Assert.Equal(["event.event_id", "event.occurred_at", "event.subject"], fields);
        Assert.DoesNotContain("12345678901", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_activity_of_another_agency_is_refused()
    {
        var e = Events.FaBarn(Events.NewPerson(), "nav.barnetrygd.vedtak", "2025-03-24T10:00:00+01:00");
        e.Agency = "skatteetaten";

        var error = await Assert.ThrowsAsync<RpcException>(async () => await server.IngestAs("skatteetaten").AppendAsync(new Contract.AppendRequest { Event = e }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations, v => v.Field == "event.activity");
    }

    [Fact]
    public async Task a_streamed_batch_stores_every_good_event_and_reports_each_bad_one_by_index()
    {
        var subject = Events.NewPerson();
        var good = Events.HandComputedJourney(subject).Where(e => e.Agency == "nav").ToList();
        var badId = Events.FaBarn(subject, "nav.foreldrepenger.vedtak", "2025-04-04T09:00:00+02:00");
        badId.EventId = "xyz";
        var unknownActivity = Events.FaBarn(subject, "nav.finnes.ikke", "2025-04-04T09:00:00+02:00");
        var batch = new Contract.AppendBatchRequest { BatchId = 7 };
        batch.Events.Add(good[0]);
        batch.Events.Add(badId);
        batch.Events.AddRange(good.Skip(1).Take(3));
        batch.Events.Add(unknownActivity);
        batch.Events.AddRange(good.Skip(4));

        using var call = server.IngestAs("nav").AppendStream();
        await call.RequestStream.WriteAsync(batch);
        await call.RequestStream.CompleteAsync();
        var responses = await call.ResponseStream.ReadAllAsync().ToListAsync();

        var response = Assert.Single(responses);
        Assert.Equal(7ul, response.BatchId);
        Assert.Equal(batch.Events.Count, response.Results.Count);
        Assert.Equal(Enumerable.Range(0, batch.Events.Count).Select(i => (uint)i), response.Results.Select(r => r.Index));
        Assert.Equal([1u, 5u], response.Results.Where(r => r.OutcomeCase == Contract.EventResult.OutcomeOneofCase.Rejected).Select(r => r.Index));
        Assert.Equal((int)StatusCode.InvalidArgument, response.Results[1].Rejected.Code);
        Assert.Equal("event_id", Assert.Single(response.Results[1].Rejected.Violations).Field);
        Assert.Equal("activity", Assert.Single(response.Results[5].Rejected.Violations).Field);
        var accepted = response.Results.Where(r => r.OutcomeCase == Contract.EventResult.OutcomeOneofCase.Accepted).ToList();
        Assert.Equal(good.Count, accepted.Count);
        // One journey: its events got consecutive revisions, in the order sent.
        Assert.Equal(Enumerable.Range(0, good.Count).Select(i => (ulong)i), accepted.Select(r => r.Accepted.StreamRevision));
    }

    [Fact]
    public async Task a_batch_of_interleaved_journeys_puts_each_event_in_its_own_journey_in_the_order_sent()
    {
        // Two persons, and runs of one journey's events broken by the other's: each run, and each journey, in order.
        var (first, second) = (Events.NewPerson(), Events.NewPerson());
        var activities = new[] { "folkeregisteret.fodsel.registrert", "folkeregisteret.farskap.registrert", "folkeregisteret.navn.godkjent" };
        var order = new[] { first, first, second, first, second, second, first };
        var batch = new Contract.AppendBatchRequest { BatchId = 3 };
        var sent = new Dictionary<string, int>();
        foreach (var person in order)
        {
            var n = sent.GetValueOrDefault(person);
            sent[person] = n + 1;
            batch.Events.Add(Events.FaBarn(person, activities[n % activities.Length], $"2025-03-{20 + n}T10:00:00+01:00"));
        }

        using var call = server.IngestAs("folkeregisteret").AppendStream();
        await call.RequestStream.WriteAsync(batch);
        await call.RequestStream.CompleteAsync();
        var response = Assert.Single(await call.ResponseStream.ReadAllAsync().ToListAsync());

        Assert.All(response.Results, r => Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, r.OutcomeCase));
        foreach (var person in new[] { first, second })
        {
            var mine = order.Select((p, i) => (p, i)).Where(x => x.p == person).Select(x => response.Results[x.i].Accepted).ToList();
            Assert.Equal(Enumerable.Range(0, mine.Count).Select(i => (ulong)i), mine.Select(a => a.StreamRevision));
            Assert.Equal(mine.Select(a => a.Position).Order(), mine.Select(a => a.Position));
        }
        var positions = response.Results.Select(r => r.Accepted.Position).ToList();
        Assert.Equal(positions.Count, positions.Distinct().Count());
    }

    [Fact]
    public async Task a_batch_larger_than_the_limit_is_refused_as_resource_exhausted_without_storing_any_of_it()
    {
        var batch = new Contract.AppendBatchRequest { BatchId = 1 };
        var subject = Events.NewPerson();
        for (var i = 0; i < 5_001; i++)
        {
            batch.Events.Add(Events.FaBarn(subject, "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00"));
        }

        using var call = server.IngestAs("folkeregisteret").AppendStream();
        await call.RequestStream.WriteAsync(batch);
        await call.RequestStream.CompleteAsync();
        var response = Assert.Single(await call.ResponseStream.ReadAllAsync().ToListAsync());

        Assert.All(response.Results, r => Assert.Equal((int)StatusCode.ResourceExhausted, r.Rejected.Code));
        var retry = await server.IngestAs("folkeregisteret").AppendAsync(new Contract.AppendRequest { Event = batch.Events[0] });
        Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, retry.Result.OutcomeCase);
    }

    [Fact]
    public async Task several_batches_on_one_stream_come_back_in_request_order()
    {
        using var call = server.IngestAs("folkeregisteret").AppendStream();
        var sent = new List<ulong>();
        for (ulong b = 100; b < 120; b++)
        {
            var batch = new Contract.AppendBatchRequest { BatchId = b };
            batch.Events.Add(Events.FaBarn(Events.NewPerson(), "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00"));
            await call.RequestStream.WriteAsync(batch);
            sent.Add(b);
        }
        await call.RequestStream.CompleteAsync();

        var responses = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal(sent, responses.Select(r => r.BatchId));
        Assert.All(responses, r => Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, Assert.Single(r.Results).OutcomeCase));
    }

    [Fact]
    public async Task no_identity_number_sent_reaches_the_store_file()
    {
        var subject = Events.NewPerson();
        var mother = Events.NewPerson(new DateOnly(1990, 5, 17));
        var e = Events.FaBarn(subject, "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00");
        e.Related.Add(new Contract.RelatedPerson { Role = "mother", Person = mother });
        await server.IngestAs("folkeregisteret").AppendAsync(new Contract.AppendRequest { Event = e });

        var bytes = await server.ReadStoreFilesAsync();

        Assert.True(bytes.Length > 0);
        Assert.False(StoreScan.Contains(bytes, subject), "the subject's identity number was stored");
        Assert.False(StoreScan.Contains(bytes, mother), "the related person's identity number was stored");
    }

    [Fact]
    public async Task a_calls_events_share_the_correlation_id_it_supplies_or_one_of_their_own()
    {
        var ingest = server.IngestAs("folkeregisteret");
        Contract.JourneyEvent Birth() => Events.FaBarn(Events.NewPerson(), "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00");

        var supplied = await ingest.AppendAsync(new Contract.AppendRequest { Event = Birth() }, new Metadata { { "x-correlation-id", "backfill-2025.03_a" } });
        var first = await ingest.AppendAsync(new Contract.AppendRequest { Event = Birth() });
        var second = await ingest.AppendAsync(new Contract.AppendRequest { Event = Birth() });
        // A value that is not an id (too long, or with other characters) is replaced, never stored.
        var refused = await ingest.AppendAsync(new Contract.AppendRequest { Event = Birth() }, new Metadata { { "x-correlation-id", "no spaces; allowed" } });

        Assert.Equal("backfill-2025.03_a", await StoredCorrelationIdAsync(supplied.Result.Accepted.Position));
        var own = new List<string>();
        foreach (var response in new[] { first, second, refused })
        {
            own.Add(await StoredCorrelationIdAsync(response.Result.Accepted.Position));
        }
        Assert.Equal(3, own.Distinct().Count());
        Assert.All(own, id => Assert.Equal(8, Guid.ParseExact(id, "D").Version));
    }

    [Fact]
    public void correlation_ids_of_the_server_s_own_are_distinct_version_8_uuids()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => IngestService.NewCorrelationId()).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id =>
        {
            var uuid = Guid.ParseExact(id, "D");
            Assert.Equal(8, uuid.Version);
            Assert.Equal(0b10, uuid.Variant >> 2);
        });
    }

    private async Task<string> StoredCorrelationIdAsync(ulong position)
    {
        var store = server.Server.Services.GetRequiredService<IEventStore>();
        var stored = await store.ReadAllAsync(ReadDirection.Forwards, after: position - 1, maxCount: 1).SingleAsync();
        using var metadata = JsonDocument.Parse(stored.Metadata);
        return metadata.RootElement.GetProperty("$correlationId").GetString()!;
    }

    [Fact]
    public async Task the_server_answers_health_checks()
    {
        var health = new Grpc.Health.V1.Health.HealthClient(server.Channel);

        var response = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest());

        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }
}
