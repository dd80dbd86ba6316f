using Journey.Server.Projections;
using Journey.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Journey.Server.Tests.HotPath;

/// <summary>A lead-time query is served from the last report, which crosses the grain call as it is.</summary>
public sealed class ReportPathTests
{
    [Fact]
    public async Task the_lead_time_report_crosses_a_grain_call_without_being_copied()
    {
        await using var server = await RunningServer.StartAsync();
        var grain = server.Services.GetRequiredService<IGrainFactory>().GetGrain<ILeadTimeProjectionGrain>(LeadTimeProjectionGrain.Key);

        var first = await grain.GetReportAsync();
        var second = await grain.GetReportAsync();

        // Nothing was folded in between, so both calls hand out the one immutable report.
        Assert.Same(first, second);
    }

    [Theory]
    [InlineData(5, 1_000)]      // small projections: at most once a second
    [InlineData(100, 1_000)]
    [InlineData(300, 3_000)]    // 100,000 journeys under load: a tenth of the time, not half
    [InlineData(2_000, 20_000)]
    public void a_report_that_took_long_is_refreshed_for_at_most_a_tenth_of_the_time(int tookMilliseconds, int nextAfterMilliseconds)
    {
        var next = LeadTimeProjectionGrain.RefreshIntervalAfter(TimeSpan.FromMilliseconds(tookMilliseconds));

        Assert.Equal(TimeSpan.FromMilliseconds(nextAfterMilliseconds), next);
    }
}
