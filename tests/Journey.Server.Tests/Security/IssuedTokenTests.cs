using System.Security.Cryptography;
using Grpc.Core;
using Journey.Cli.Commands;
using Journey.Domain.Privacy;
using Journey.Server.Hosting;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Security;

/// <summary>
/// Tokens as Maskinporten issues them to organisations, validated against configured keys; and a
/// server outside Development, which accepts nothing else.
/// </summary>
public sealed class IssuedTokenTests : IAsyncLifetime
{
    private const string Issuer = "https://test.maskinporten.example/";
    private const string Audience = "https://journey.test.example/";
    private const string Skatteetaten = "974761076";
    private const string Helsedirektoratet = "983544622";
    private const string OsloKommune = "958935420";

    private readonly RSA signingKey = RSA.Create(2048);
    private readonly List<Grpc.Net.Client.GrpcChannel> channels = [];
    private RunningServer? production;

    private RunningServer Production => production ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync()
    {
        var dataDir = TempDirectory.Create("journey-production");
        // As if a development server had run here: its key must not open a production server.
        await File.WriteAllTextAsync(Path.Combine(dataDir, DevelopmentTokenKey.FileName), Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)));
        production = await RunningServer.StartAsync(dataDir, AuthSettings(signingKey), environment: "Production");
    }

    public async Task DisposeAsync()
    {
        channels.ForEach(c => c.Dispose());
        if (production is not null)
        {
            await production.DisposeAsync();
        }
        signingKey.Dispose();
    }

    private static string[] AuthSettings(RSA key) =>
    [
        $"--Journey:Pseudonymisation:Key={PseudonymKey.Generate("prod1").ToText()}",
        $"--Journey:Auth:Issuer={Issuer}",
        $"--Journey:Auth:Audience={Audience}",
        $"--Journey:Auth:SigningKeys:0={key.ExportSubjectPublicKeyInfoPem()}",
        $"--Journey:Auth:Organisations:{OsloKommune}=kommune",
    ];

    private string Issue(string organisation, string scope, string audience = Audience, RSA? key = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = DateTime.UtcNow,
            NotBefore = DateTime.UtcNow,
            Expires = DateTime.UtcNow.AddMinutes(2),
            Claims = new Dictionary<string, object>
            {
                ["scope"] = scope,
                ["client_id"] = "test-client-" + organisation,
                ["consumer"] = new Dictionary<string, object> { ["authority"] = "iso6523-actorid-upis", ["ID"] = "0192:" + organisation },
                ["jti"] = Guid.NewGuid().ToString(),
            },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key ?? signingKey), SecurityAlgorithms.RsaSha256),
        });

    private Contract.Ingest.IngestClient IngestWith(string token, RunningServer? server = null)
    {
        var channel = CommonOptions.Channel((server ?? Production).Address, TokenSource.Fixed(token), JourneyRoles.Agency);
        channels.Add(channel);
        return new(channel);
    }

    private static Contract.AppendRequest Event(string activity, string journeyType = "fa-barn")
    {
        var e = Events.FaBarn(Events.NewPerson(), activity, "2025-03-20T10:00:00+01:00");
        e.JourneyType = journeyType;
        return new Contract.AppendRequest { Event = e };
    }

    [Fact]
    public async Task outside_development_a_call_without_a_token_is_unauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Contract.Ingest.IngestClient(Production.Channel).AppendAsync(Event("folkeregisteret.fodsel.registrert")));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task outside_development_a_development_token_is_refused()
    {
        var key = DevelopmentTokens.TryLoadKey(Production.DataDir)!;
        var token = DevelopmentTokens.Create(key, JourneyRoles.Agency, "folkeregisteret", TimeSpan.FromMinutes(5));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await IngestWith(token).AppendAsync(Event("folkeregisteret.fodsel.registrert")));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("issuer", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_organisation_emits_as_its_own_agency_and_the_agencies_it_operates_and_no_other()
    {
        var skatteetaten = IngestWith(Issue(Skatteetaten, "journey:ingest"));

        var own = await skatteetaten.AppendAsync(Event("skatteetaten.foreldrefradrag.forhandsutfylt"));
        var operated = await skatteetaten.AppendAsync(Event("folkeregisteret.fodsel.registrert"));
        var other = await Assert.ThrowsAsync<RpcException>(async () => await skatteetaten.AppendAsync(Event("nav.barnetrygd.behandling-opprettet")));

        Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, own.Result.OutcomeCase);
        Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, operated.Result.OutcomeCase);
        Assert.Equal(StatusCode.PermissionDenied, other.StatusCode);
    }

    [Fact]
    public async Task an_organisation_mapped_in_configuration_emits_as_its_agency()
    {
        var oslo = IngestWith(Issue(OsloKommune, "journey:ingest"));

        var result = await oslo.AppendAsync(Event("kommune.helsestasjon.fodselsmelding-mottatt"));

        Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, result.Result.OutcomeCase);
    }

    [Fact]
    public async Task the_scope_decides_the_role()
    {
        var token = Issue(Helsedirektoratet, "journey:read");
        using var channel = CommonOptions.Channel(Production.Address, TokenSource.Fixed(token), JourneyRoles.ProcessOwner);

        var report = await new Contract.LeadTimes.LeadTimesClient(channel).GetLeadTimesAsync(new Contract.GetLeadTimesRequest());
        var ingest = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Contract.Ingest.IngestClient(channel).AppendAsync(Event("helfo.fastlege.fodsel-mottatt")));

        Assert.NotNull(report);
        Assert.Equal(StatusCode.PermissionDenied, ingest.StatusCode);
    }

    [Fact]
    public async Task a_token_for_another_audience_or_from_another_key_is_unauthenticated()
    {
        using var stranger = RSA.Create(2048);

        var audience = await Assert.ThrowsAsync<RpcException>(async () =>
            await IngestWith(Issue(Skatteetaten, "journey:ingest", audience: "https://elsewhere.example/")).AppendAsync(Event("skatteetaten.foreldrefradrag.forhandsutfylt")));
        var key = await Assert.ThrowsAsync<RpcException>(async () =>
            await IngestWith(Issue(Skatteetaten, "journey:ingest", key: stranger)).AppendAsync(Event("skatteetaten.foreldrefradrag.forhandsutfylt")));

        Assert.Equal(StatusCode.Unauthenticated, audience.StatusCode);
        Assert.Contains("audience", audience.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unauthenticated, key.StatusCode);
    }

    [Fact]
    public async Task outside_development_the_server_does_not_start_without_a_configured_issuer()
    {
        var error = await Assert.ThrowsAsync<StartupSettingsException>(() => RunningServer.StartAsync(
            settings: [$"--Journey:Pseudonymisation:Key={PseudonymKey.Generate("prod1").ToText()}"],
            environment: "Production"));

        Assert.Contains("Journey:Auth:Issuer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_development_server_with_an_issuer_accepts_both_its_tokens_and_the_issuers()
    {
        await using var development = await RunningServer.StartAsync(settings: AuthSettings(signingKey).Skip(1));

        var issued = await IngestWith(Issue(Skatteetaten, "journey:ingest"), development).AppendAsync(Event("folkeregisteret.fodsel.registrert"));
        var local = await development.IngestAs("folkeregisteret").AppendAsync(Event("folkeregisteret.fodsel.registrert"));

        Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, issued.Result.OutcomeCase);
        Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, local.Result.OutcomeCase);
    }
}
