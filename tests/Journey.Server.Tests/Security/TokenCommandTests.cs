using Journey.Cli.Commands;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Security;

/// <summary>
/// <c>journey token</c> and the CLI's own tokens against a Development server: the README's commands
/// work as written, with no token flag, when the CLI can find the server's data directory.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class TokenCommandTests
{
    private static Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) => CommandLine.RunAsync(args);

    [Fact]
    public async Task journey_token_prints_a_token_the_development_server_accepts_for_that_agency_only()
    {
        await using var server = await RunningServer.StartAsync();

        var (exit, output, _) = await RunAsync("token", "--role", "agency", "--agency", "folkeregisteret", "--data-dir", server.DataDir);
        using var channel = CommonOptions.Channel(server.Address, TokenSource.Fixed(output.Trim()), JourneyRoles.Agency);
        var ingest = new Contract.Ingest.IngestClient(channel);
        var own = await ingest.AppendAsync(new Contract.AppendRequest { Event = Events.FaBarn(Events.NewPerson(), "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00") });
        var other = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () =>
            await ingest.AppendAsync(new Contract.AppendRequest { Event = Events.FaBarn(Events.NewPerson(), "nav.barnetrygd.behandling-opprettet", "2025-03-21T10:00:00+01:00") }));

        Assert.Equal(0, exit);
        Assert.Equal(2, output.Trim().Count(c => c == '.'));
        Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, own.Result.OutcomeCase);
        Assert.Equal(Grpc.Core.StatusCode.PermissionDenied, other.StatusCode);
    }

    [Theory]
    [InlineData(new[] { "token", "--role", "agency" }, "--agency")]
    [InlineData(new[] { "token", "--role", "agency", "--agency", "finnes-ikke" }, "not an agency in the catalog")]
    [InlineData(new[] { "token", "--role", "admin", "--agency", "nav" }, "only for --role agency")]
    [InlineData(new[] { "token", "--role", "admin", "--lifetime", "2.00:00:00" }, "--lifetime")]
    [InlineData(new[] { "token", "--role", "admin", "--data-dir", "/nonexistent/journey-data" }, "no development key")]
    public async Task journey_token_refuses_what_it_cannot_issue_and_says_why(string[] args, string reason)
    {
        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task journey_token_refuses_a_role_it_does_not_know()
    {
        var (exit, output, error) = await RunAsync("token", "--role", "superuser");

        Assert.NotEqual(0, exit);
        Assert.Contains("superuser", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_readme_commands_work_without_token_flags_when_run_beside_a_development_servers_data()
    {
        await using var server = await RunningServer.StartAsync();
        var previous = Environment.CurrentDirectory;
        var previousToken = Environment.GetEnvironmentVariable(TokenSource.EnvironmentVariable);
        // The server's data directory as ./data, as when both run from the repository root.
        var root = TempDirectory.Create("journey-repo-root");
        Directory.CreateSymbolicLink(Path.Combine(root, "data"), server.DataDir);
        Environment.CurrentDirectory = root;
        Environment.SetEnvironmentVariable(TokenSource.EnvironmentVariable, null);
        try
        {
            var simulate = await RunAsync("simulate", "--journeys", "20", "--seed", "3", "--server", server.Address);
            var leadTimes = await RunAsync("leadtimes", "--json", "--server", server.Address);
            var rebuild = await RunAsync("rebuild", "--server", server.Address);

            Assert.Equal(0, simulate.Exit);
            Assert.Equal(0, leadTimes.Exit);
            Assert.Contains("\"journeyTypes\"", leadTimes.Out, StringComparison.Ordinal);
            Assert.Equal(0, rebuild.Exit);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Environment.SetEnvironmentVariable(TokenSource.EnvironmentVariable, previousToken);
        }
    }

    [Fact]
    public async Task a_token_in_the_environment_is_used_when_no_flag_is_given()
    {
        await using var server = await RunningServer.StartAsync();
        var previous = Environment.GetEnvironmentVariable(TokenSource.EnvironmentVariable);
        Environment.SetEnvironmentVariable(TokenSource.EnvironmentVariable, server.TokenFor(JourneyRoles.ProcessOwner));
        try
        {
            var allowed = await RunAsync("leadtimes", "--json", "--server", server.Address, "--data-dir", "/nonexistent/journey-data");
            Environment.SetEnvironmentVariable(TokenSource.EnvironmentVariable, server.TokenFor(JourneyRoles.Agency, "nav"));
            var refused = await RunAsync("leadtimes", "--json", "--server", server.Address);

            Assert.Equal(0, allowed.Exit);
            // The status the tool exits with when the server refuses a call (JourneyCli.RunAsync).
            Assert.Equal(4, refused.Exit);
            Assert.Contains("the server refused the call: PermissionDenied", refused.Error, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(TokenSource.EnvironmentVariable, previous);
        }
    }
}
