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
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningServer.StartAsync(settings: ["--Journey:Role=Writer"]));

        Assert.Contains("'Writer'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Journey:Role", error.Message, StringComparison.Ordinal);
    }
}
