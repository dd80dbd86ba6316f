using Journey.Server.Hosting;
using Journey.Server.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Journey.Server.Tests.Hosting;

/// <summary>Settings out of their range stop the server at start-up, naming the key.</summary>
public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("--Journey:Memory:IdleAfter=00:00:00", "Journey:Memory:IdleAfter")]
    [InlineData("--Journey:Limits:MaxBatchEvents=0", "Journey:Limits:MaxBatchEvents")]
    [InlineData("--Journey:Orleans:SiloPort=70000", "Journey:Orleans:SiloPort")]
    public async Task a_nested_setting_out_of_range_stops_the_server_at_start_up(string setting, string key)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningServer.StartAsync(settings: [setting]));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_role_that_is_not_one_stops_the_server_at_start_up_naming_the_key_and_value()
    {
        var error = await Assert.ThrowsAsync<StartupSettingsException>(() => RunningServer.StartAsync(settings: ["--Journey:Role=Writer"]));

        Assert.Equal("Journey:Role must be All or Reader; it was 'Writer'.", error.Message);
    }

    /// <summary>The server as an operator starts it: what they can put right is one line, and exit status 2.</summary>
    [Theory]
    [InlineData("--Journey:Store=Sqlight", "Journey.Server: Journey:Store must be Sqlite or EventStoreDb; it was 'Sqlight'.")]
    [InlineData("--Journey:GrpcUrl=127.0.0.1:5080", "Journey.Server: Journey:GrpcUrl must be an http:// or https:// address of an IP address or localhost and a port, such as http://127.0.0.1:5080; it was '127.0.0.1:5080'.")]
    [InlineData("--Journey:WebUrl=http://dashboard.example:5081", "Journey.Server: Journey:WebUrl must be an http:// or https:// address of an IP address or localhost and a port, such as http://127.0.0.1:5080; it was 'http://dashboard.example:5081'.")]
    [InlineData("--Journey:Analytics:MinGroupSize=2", "Journey:Analytics:MinGroupSize must be at least 3 (k-anonymity; the default is 5).")]
    [InlineData("--Journey:Store=EventStoreDb", "Journey.Server: Journey:Store is EventStoreDb but Journey:EventStoreDb:ConnectionString is not set (e.g. esdb://admin:changeit@localhost:2113?tls=true).")]
    [InlineData("--Journey:Pseudonymisation:Key=no-colon-here", "Journey.Server: Journey:Pseudonymisation:Key: A pseudonym key must have the form 'keyid:base64secret'.")]
    public async Task a_server_started_with_a_setting_it_cannot_take_says_so_in_one_line_and_exits_2(string setting, string line) =>
        await AssertRefusedAsync("Development", setting, line);

    [Fact]
    public async Task a_data_directory_that_cannot_be_made_is_named_in_one_line()
    {
        var file = Path.Combine(TempDirectory.Create("journey-settings"), "a-file");
        await File.WriteAllTextAsync(file, "not a directory");
        var inside = Path.Combine(file, "data");

        await AssertRefusedAsync("Development", $"--Journey:DataDir={inside}", $"Journey.Server: Journey:DataDir '{inside}' cannot be used as the data directory: ");
    }

    [Fact]
    public async Task a_production_server_without_an_issuer_says_which_settings_are_missing_in_one_line() =>
        await AssertRefusedAsync("Production", "--Journey:Pseudonymisation:Key=k1:MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=", "Journey.Server: Outside Development every call needs a token from a configured issuer, but Journey:Auth:Issuer");

    private static async Task AssertRefusedAsync(string environment, string setting, string line)
    {
        // The setting comes last, so that it wins over the test's own data directory.
        var (exit, output, error) = await ChildProcess.RunAsync(
            typeof(JourneyOptions).Assembly.Location,
            [$"--Journey:DataDir={TempDirectory.Create("journey-settings")}", setting],
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = environment });

        Assert.Equal(2, exit);
        Assert.Contains(line, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }
}
