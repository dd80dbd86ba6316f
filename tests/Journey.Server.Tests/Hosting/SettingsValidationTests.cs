using Journey.Server.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Journey.Server.Tests.Hosting;

/// <summary>Nested settings out of their range stop the server at start-up, naming the key.</summary>
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
}
