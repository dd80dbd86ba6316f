using System.Text.Json;
using Grpc.Core;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;
using Journey.Storage;
using Microsoft.Extensions.DependencyInjection;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Security;

/// <summary>Every read by process owners and researchers is recorded in the store: who, what, when.</summary>
public sealed class AuditTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private IEventStore Store => fixture.Server.Services.GetRequiredService<AuditTrail>().Store;

    private async Task<List<JsonElement>> AuditRecordsAsync()
    {
        var records = new List<JsonElement>();
        await foreach (var e in Store.ReadAllAsync(ReadDirection.Forwards, filter: StreamFilter.Prefix(AuditTrail.StreamPrefix)))
        {
            Assert.Equal(AuditTrail.EventType, e.Type);
            Assert.Equal(AuditTrail.StreamPrefix + e.Created.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), e.Stream);
            records.Add(JsonDocument.Parse(e.Data).RootElement.Clone());
        }
        return records;
    }

    [Fact]
    public async Task a_process_owners_read_is_recorded_with_who_what_and_when_before_it_is_answered()
    {
        var before = DateTimeOffset.UtcNow;
        var count = (await AuditRecordsAsync()).Count;

        await fixture.Server.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest { JourneyType = "dodsfall-og-arv" });

        var record = Assert.Single((await AuditRecordsAsync()).Skip(count));
        var who = record.GetProperty("who");
        Assert.Equal("development", who.GetProperty("organisation").GetString());
        Assert.Equal("dev-process-owner", who.GetProperty("client").GetString());
        Assert.Equal([JourneyRoles.ProcessOwner], who.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.False(string.IsNullOrEmpty(who.GetProperty("tokenId").GetString()));
        var what = record.GetProperty("what");
        Assert.Equal("/journey.v1.LeadTimes/GetLeadTimes", what.GetProperty("method").GetString());
        Assert.Contains("dodsfall-og-arv", what.GetProperty("request").GetString(), StringComparison.Ordinal);
        var when = record.GetProperty("when").GetDateTimeOffset();
        Assert.InRange(when, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task an_administrators_read_of_aggregates_is_recorded_too()
    {
        var count = (await AuditRecordsAsync()).Count;

        await new Contract.LeadTimes.LeadTimesClient(fixture.Server.ChannelFor(JourneyRoles.Admin)).GetLeadTimesAsync(new Contract.GetLeadTimesRequest());

        var record = Assert.Single((await AuditRecordsAsync()).Skip(count));
        Assert.Equal([JourneyRoles.Admin], record.GetProperty("who").GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task a_refused_read_and_an_agencys_ingest_are_not_reads_and_leave_no_record()
    {
        var count = (await AuditRecordsAsync()).Count;

        await Assert.ThrowsAsync<RpcException>(async () =>
            await new Contract.LeadTimes.LeadTimesClient(fixture.Server.ChannelFor(JourneyRoles.Researcher)).GetLeadTimesAsync(new Contract.GetLeadTimesRequest()));
        await fixture.Server.IngestAs("folkeregisteret").AppendAsync(new Contract.AppendRequest
        {
            Event = Events.FaBarn(Events.NewPerson(), "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00"),
        });

        Assert.Equal(count, (await AuditRecordsAsync()).Count);
    }

    [Fact]
    public async Task an_identity_number_in_a_read_request_is_masked_in_the_record()
    {
        var number = Events.NewPerson();
        var count = (await AuditRecordsAsync()).Count;

        // Refused (no journey type is named so), and recorded all the same: the record is made before the answer.
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await fixture.Server.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest { JourneyType = number }));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.DoesNotContain(number, $"{refused.Status.Detail} {refused.GetRpcStatus()}", StringComparison.Ordinal);
        var record = Assert.Single((await AuditRecordsAsync()).Skip(count));
        Assert.DoesNotContain(number, record.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("***", record.GetProperty("what").GetProperty("request").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task audit_records_never_reach_the_lead_time_projection()
    {
        var e = Events.FaBarn(Events.NewPerson(), "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00");
        var position = (await fixture.Server.IngestAs("folkeregisteret").AppendAsync(new Contract.AppendRequest { Event = e })).Result.Accepted.Position;

        // Each poll is a read, so audit records keep landing after the event while the projection catches up.
        await Wait.UntilAsync(
            async () => await fixture.Server.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest()),
            r => r.Checkpoint >= position,
            "the projection to reach the event");
        using var rebuild = fixture.Server.Admin.Rebuild(new Contract.RebuildRequest());
        var verdict = (await rebuild.ResponseStream.ReadAllAsync().ToListAsync()).Last().Verdict;

        Assert.True(verdict.Equal, string.Join("; ", verdict.Differences));
        Assert.NotEmpty(await AuditRecordsAsync());
    }
}
