using Google.Rpc;
using Grpc.Core;
using Journey.Cli;
using Journey.Cli.Commands;
using Journey.Server.Projections;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Exchange;

/// <summary><c>journey rebuild</c> over position ranges: a separate state folded on the server, compared with live.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class RebuildRangeTests(SimulatedLogFixture log) : IClassFixture<SimulatedLogFixture>
{
    [Fact]
    public async Task rebuilding_the_whole_log_equals_the_live_state_and_reports_the_time_and_rate()
    {
        var positions = await CaughtUpPositionsAsync();

        var verdict = await RebuildAsync(new Contract.RebuildRequest());

        Assert.True(verdict.Equal, string.Join("\n", verdict.Differences));
        Assert.True(verdict.CoversLive);
        Assert.Equal(0ul, verdict.FromPosition);
        Assert.Equal(verdict.LiveCheckpoint, verdict.Checkpoint);
        Assert.Equal((ulong)positions.Count(p => p <= verdict.Checkpoint), verdict.Events);
        Assert.True(verdict.Seconds > 0);
        Assert.True(verdict.EventsPerSecond > 0);
    }

    [Fact]
    public async Task a_range_folds_only_its_own_events_and_a_partial_range_is_reported_as_differing_from_live()
    {
        var positions = await CaughtUpPositionsAsync();
        var from = positions[positions.Count / 4];
        var to = positions[positions.Count / 2];

        var verdict = await RebuildAsync(new Contract.RebuildRequest { FromPosition = from, ToPosition = to });

        Assert.Equal(from, verdict.FromPosition);
        Assert.Equal(to, verdict.Checkpoint);
        Assert.Equal((ulong)positions.Count(p => p > from && p <= to), verdict.Events);
        Assert.False(verdict.CoversLive);
        Assert.False(verdict.Equal);
        Assert.NotEmpty(verdict.Differences);
    }

    [Fact]
    public async Task a_range_ending_beyond_the_live_checkpoint_stops_there_and_equals_live()
    {
        await CaughtUpPositionsAsync();

        var verdict = await RebuildAsync(new Contract.RebuildRequest { FromPosition = 0, ToPosition = ulong.MaxValue });

        Assert.Equal(verdict.LiveCheckpoint, verdict.Checkpoint);
        Assert.True(verdict.CoversLive);
        Assert.True(verdict.Equal, string.Join("\n", verdict.Differences));
    }

    [Fact]
    public async Task a_range_that_starts_after_its_end_is_refused()
    {
        var positions = await CaughtUpPositionsAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => RebuildAsync(new Contract.RebuildRequest { FromPosition = positions[10], ToPosition = positions[5] }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("from_position", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    [Fact]
    public async Task the_rebuild_command_takes_a_range_and_keeps_its_exit_codes()
    {
        var positions = await CaughtUpPositionsAsync();
        var token = log.Server.TokenFor(JourneyRoles.Admin);

        var whole = await JourneyCli.Create().Parse(["rebuild", "--server", log.Server.Address, "--token", token, "--from", "0"]).InvokeAsync();
        var part = await JourneyCli.Create().Parse(["rebuild", "--server", log.Server.Address, "--token", token, "--to", $"{positions[positions.Count / 2]}"]).InvokeAsync();

        Assert.Equal(0, whole);
        Assert.Equal(RebuildCommand.Differs, part);
    }

    /// <summary>The positions of the journey events, once the live projection has read them all.</summary>
    private async Task<List<ulong>> CaughtUpPositionsAsync()
    {
        var positions = (await log.StoredJourneyEventsAsync()).Select(e => e.Position).ToList();
        var grain = log.Server.Services.GetRequiredService<IGrainFactory>().GetGrain<ILeadTimeProjectionGrain>(LeadTimeProjectionGrain.Key);
        await Wait.UntilAsync(grain.GetReportAsync, r => r.Checkpoint >= positions[^1], "the projection to catch up with the log");
        return positions;
    }

    private async Task<Contract.RebuildVerdict> RebuildAsync(Contract.RebuildRequest request)
    {
        using var call = log.Server.Admin.Rebuild(request);
        Contract.RebuildVerdict? verdict = null;
        await foreach (var progress in call.ResponseStream.ReadAllAsync())
        {
            verdict = progress.Verdict ?? verdict;
        }
        return verdict ?? throw new InvalidOperationException("The rebuild ended without a verdict.");
    }
}
