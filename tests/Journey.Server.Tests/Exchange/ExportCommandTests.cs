using System.Text.Json;
using Journey.Cli;
using Journey.Domain.ProcessMining;
using Journey.Server.Hosting;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;

namespace Journey.Server.Tests.Exchange;

/// <summary><c>journey export</c> and <c>journey replay</c> as a researcher types them.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ExportCommandTests(SimulatedLogFixture log) : IClassFixture<SimulatedLogFixture>, IDisposable
{
    private readonly string folder = TempDirectory.Create("journey-export-cli");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task export_from_the_store_file_and_from_the_server_write_the_same_filtered_log()
    {
        var to = (await log.StoredJourneyEventsAsync())[^1].Position.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var fromStore = Path.Combine(folder, "store.xes");
        var fromServer = Path.Combine(folder, "server.xes");
        string[] filters = ["--journey-type", "fa-barn", "--journey-type", "dodsfall-og-arv", "--occurred-from", "2025-03-01", "--to", to];

        var storeExit = await Run(["export", "--format", "xes", "--out", fromStore, "--store", Path.Combine(log.Server.DataDir, JourneyServerExtensions.EmbeddedStoreFile), .. filters]);
        var serverExit = await Run(["export", "--format", "xes", "--out", fromServer, "--server", log.Server.Address, "--token", log.Server.TokenFor(JourneyRoles.Researcher), .. filters]);

        Assert.Equal(0, storeExit);
        Assert.Equal(0, serverExit);
        Assert.Equal(await File.ReadAllBytesAsync(fromStore), await File.ReadAllBytesAsync(fromServer));
        var traces = XesReader.ReadFile(fromStore).ToList();
        Assert.Equal(["dodsfall-og-arv", "fa-barn"], traces.Select(t => (string)t.Attributes["journey_type"]!).Distinct().Order(StringComparer.Ordinal));
        Assert.All(traces.SelectMany(t => t.Events), e => Assert.True(e.Timestamp >= new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task a_missing_store_file_or_a_bad_filter_fails_without_leaving_a_file()
    {
        var output = Path.Combine(folder, "never.csv");

        var missing = await Run(["export", "--format", "csv", "--out", output, "--store", Path.Combine(folder, "no-such.db")]);
        var missingSpec = await Run(["export", "--format", "csv", "--out", output, "--store", $"sqlite:{Path.Combine(folder, "no-such.db")}"]);
        var badTime = await Run(["export", "--format", "csv", "--out", output, "--store", Path.Combine(log.Server.DataDir, JourneyServerExtensions.EmbeddedStoreFile), "--occurred-from", "yesterday"]);

        Assert.NotEqual(0, missing);
        Assert.NotEqual(0, missingSpec);
        Assert.NotEqual(0, badTime);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public async Task replay_prints_json_lines_and_stops_after_the_count()
    {
        var output = Path.Combine(folder, "replay.jsonl");

        var exit = await Run(["replay", "--server", log.Server.Address, "--token", log.Server.TokenFor(JourneyRoles.Researcher), "--count", "250", "--agency", "nav", "--out", output]);

        Assert.Equal(0, exit);
        var lines = await File.ReadAllLinesAsync(output);
        Assert.Equal(250, lines.Length);
        var positions = lines.Select(l => JsonDocument.Parse(l).RootElement).Select(e =>
        {
            Assert.Equal("nav", e.GetProperty("agency").GetString());
            return ulong.Parse(e.GetProperty("position").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        }).ToList();
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public async Task the_replay_benchmark_replays_after_a_warm_up_and_counts_every_event_each_time()
    {
        var stored = await log.StoredJourneyEventsAsync();
        var request = new Contracts.V1.ReplayRequest { ToPosition = stored[^1].Position };

        var runs = await Cli.Commands.ReplayCommand.BenchmarkAsync(log.Server.ChannelFor(JourneyRoles.Researcher), request, runs: 2);
        var exit = await Run(["replay", "--server", log.Server.Address, "--token", log.Server.TokenFor(JourneyRoles.Researcher), "--quiet", "--runs", "2", "--to", $"{stored[^1].Position}"]);

        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal(stored.Count, r.Events));
        Assert.All(runs, r => Assert.Equal(stored[^1].Position, r.Checkpoint));
        Assert.Equal(0, exit);
    }

    private static async Task<int> Run(string[] args) => await JourneyCli.Create().Parse(args).InvokeAsync();
}
