using Grpc.Core;
using Grpc.Net.Client;
using Journey.Cli.Commands;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Security;

/// <summary>Every call but health needs a token, and a role that admits it; an agency emits only as itself.</summary>
public sealed class AuthenticationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RunningServer Server => fixture.Server;

    private static Contract.JourneyEvent Birth() =>
        Events.FaBarn(Events.NewPerson(), "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00");

    [Fact]
    public async Task a_call_without_a_token_is_unauthenticated_and_told_what_it_needs()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Contract.Ingest.IngestClient(Server.Channel).AppendAsync(new Contract.AppendRequest { Event = Birth() }));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("bearer token", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task every_service_but_health_refuses_a_call_without_a_token()
    {
        var anonymous = Server.Channel;

        var leadTimes = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Contract.LeadTimes.LeadTimesClient(anonymous).GetLeadTimesAsync(new Contract.GetLeadTimesRequest()));
        var admin = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = new Contract.Admin.AdminClient(anonymous).Rebuild(new Contract.RebuildRequest());
            await call.ResponseStream.MoveNext();
        });
        var reflection = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            // The server refuses the call as it opens; a request written meanwhile could race that refusal
            // and surface as Cancelled, so the status is read without writing one.
            using var call = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(anonymous).ServerReflectionInfo();
            await call.ResponseStream.MoveNext();
        });
        var health = await new Grpc.Health.V1.Health.HealthClient(anonymous).CheckAsync(new Grpc.Health.V1.HealthCheckRequest());

        Assert.Equal(StatusCode.Unauthenticated, leadTimes.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, admin.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, reflection.StatusCode);
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Theory]
    [InlineData(JourneyRoles.ProcessOwner, "ingest")]
    [InlineData(JourneyRoles.Researcher, "ingest")]
    [InlineData(JourneyRoles.Admin, "ingest")]
    [InlineData(JourneyRoles.Agency, "leadtimes")]
    [InlineData(JourneyRoles.Researcher, "leadtimes")]
    [InlineData(JourneyRoles.Agency, "rebuild")]
    [InlineData(JourneyRoles.ProcessOwner, "rebuild")]
    [InlineData(JourneyRoles.Researcher, "rebuild")]
    public async Task a_role_that_the_method_does_not_admit_is_permission_denied(string role, string method)
    {
        var channel = Server.ChannelFor(role, role == JourneyRoles.Agency ? "folkeregisteret" : null);

        var error = await Assert.ThrowsAsync<RpcException>(() => CallAsync(channel, method));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("needs the role", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(JourneyRoles.Agency, "ingest")]
    [InlineData(JourneyRoles.ProcessOwner, "leadtimes")]
    [InlineData(JourneyRoles.Admin, "leadtimes")]
    [InlineData(JourneyRoles.Admin, "rebuild")]
    public async Task a_role_the_method_admits_is_answered(string role, string method)
    {
        var channel = Server.ChannelFor(role, role == JourneyRoles.Agency ? "folkeregisteret" : null);

        await CallAsync(channel, method);
    }

    [Fact]
    public async Task an_agency_appending_as_another_agency_is_permission_denied()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Server.IngestAs("nav").AppendAsync(new Contract.AppendRequest { Event = Birth() }));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("'nav'", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task in_a_batch_only_the_event_of_another_agency_is_refused()
    {
        var batch = new Contract.AppendBatchRequest();
        batch.Events.Add(Birth());
        batch.Events.Add(Events.FaBarn(Events.NewPerson(), "nav.barnetrygd.behandling-opprettet", "2025-03-21T10:00:00+01:00", Contract.Initiator.Automatic));
        batch.Events.Add(Birth());

        using var call = Server.IngestAs("folkeregisteret").AppendStream();
        await call.RequestStream.WriteAsync(batch);
        await call.RequestStream.CompleteAsync();
        var response = Assert.Single(await call.ResponseStream.ReadAllAsync().ToListAsync());

        Assert.Equal(
            [Contract.EventResult.OutcomeOneofCase.Accepted, Contract.EventResult.OutcomeOneofCase.Rejected, Contract.EventResult.OutcomeOneofCase.Accepted],
            response.Results.Select(r => r.OutcomeCase));
        Assert.Equal((int)StatusCode.PermissionDenied, response.Results[1].Rejected.Code);
        Assert.Equal("agency", Assert.Single(response.Results[1].Rejected.Violations).Field);
    }

    [Fact]
    public async Task an_expired_token_is_unauthenticated()
    {
        using var channel = FixedTokenChannel(Server, JourneyRoles.ProcessOwner, null, TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddHours(-1));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Contract.LeadTimes.LeadTimesClient(channel).GetLeadTimesAsync(new Contract.GetLeadTimesRequest()));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("expired", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_token_accepted_before_is_refused_once_it_has_expired()
    {
        // No clock skew, so the token's own expiry is the line; the server has already seen it when it passes.
        await using var server = await RunningServer.StartAsync(settings: ["--Journey:Auth:ClockSkew=00:00:00"]);
        var lifetime = TimeSpan.FromSeconds(2);
        // The token's expiry is this instant or up to a second before it (JWT times are whole seconds).
        var expiresBy = DateTimeOffset.UtcNow + lifetime;
        using var channel = FixedTokenChannel(server, JourneyRoles.ProcessOwner, null, lifetime);
        var leadTimes = new Contract.LeadTimes.LeadTimesClient(channel);

        await leadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest());
        await leadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest());
        await Task.Delay(expiresBy - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(500));
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await leadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest()));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("expired", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_token_used_again_still_speaks_only_for_its_own_agency()
    {
        using var channel = FixedTokenChannel(Server, JourneyRoles.Agency, "folkeregisteret", TimeSpan.FromMinutes(5));
        var ingest = new Contract.Ingest.IngestClient(channel);
        var asAnother = Events.FaBarn(Events.NewPerson(), "nav.barnetrygd.vedtak", "2025-03-24T10:00:00+01:00");

        var first = await ingest.AppendAsync(new Contract.AppendRequest { Event = Birth() });
        var denied = await Assert.ThrowsAsync<RpcException>(async () => await ingest.AppendAsync(new Contract.AppendRequest { Event = asAnother }));
        var third = await ingest.AppendAsync(new Contract.AppendRequest { Event = Birth() });

        Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, first.Result.OutcomeCase);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, third.Result.OutcomeCase);
    }

    [Fact]
    public async Task a_token_signed_with_another_key_is_unauthenticated()
    {
        var forged = DevelopmentTokens.Create(new byte[64], JourneyRoles.Admin, null, TimeSpan.FromMinutes(5));
        using var channel = CommonOptions.Channel(Server.Address, TokenSource.Fixed(forged), JourneyRoles.Admin);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Contract.LeadTimes.LeadTimesClient(channel).GetLeadTimesAsync(new Contract.GetLeadTimesRequest()));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("signature", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_agency_token_for_an_agency_not_in_the_catalog_may_emit_nothing()
    {
        using var channel = FixedTokenChannel(Server, JourneyRoles.Agency, "finnes-ikke", TimeSpan.FromMinutes(5));
        var e = Birth();
        e.Agency = "finnes-ikke";

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Contract.Ingest.IngestClient(channel).AppendAsync(new Contract.AppendRequest { Event = e }));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    /// <summary>A channel that sends one fixed token signed with the server's development key, as a client holding a token does.</summary>
    private static GrpcChannel FixedTokenChannel(RunningServer server, string role, string? agency, TimeSpan lifetime, DateTimeOffset? issuedAt = null) =>
        CommonOptions.Channel(
            server.Address,
            TokenSource.Fixed(DevelopmentTokens.Create(DevelopmentTokens.TryLoadKey(server.DataDir)!, role, agency, lifetime, issuedAt)),
            role);

    private static async Task CallAsync(GrpcChannel channel, string method)
    {
        switch (method)
        {
            case "ingest":
                await new Contract.Ingest.IngestClient(channel).AppendAsync(new Contract.AppendRequest { Event = Birth() });
                break;
            case "leadtimes":
                await new Contract.LeadTimes.LeadTimesClient(channel).GetLeadTimesAsync(new Contract.GetLeadTimesRequest());
                break;
            default:
                using (var call = new Contract.Admin.AdminClient(channel).Rebuild(new Contract.RebuildRequest()))
                {
                    await call.ResponseStream.ReadAllAsync().ToListAsync();
                }
                break;
        }
    }
}
