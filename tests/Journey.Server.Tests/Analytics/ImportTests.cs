using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Journey.Cli;
using Journey.Cli.Commands;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.ProcessMining;
using Journey.Server.Queries;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;
using Journey.Storage;
using Microsoft.Extensions.DependencyInjection;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Analytics;

/// <summary>
/// A server whose catalog holds, beside the shipped journey types, one drafted journey type per shared
/// XES log (<c>journey import --write-catalog</c>), all of the municipality.
/// </summary>
public sealed class ImportServerFixture : IAsyncLifetime
{
    public const string Agency = "kommune";

    /// <summary>A journey type drafted from a small CSV, for the tests that import their own files.</summary>
    public const string CsvJourneyType = "csv-import";

    private RunningServer? server;
    private JourneyCatalog? catalog;

    public RunningServer Server => server ?? throw new InvalidOperationException("The server has not started.");

    public string CatalogDirectory { get; } = TempDirectory.Create("journey-catalog");

    public JourneyCatalog Catalog => catalog ?? throw new InvalidOperationException("The catalog is not loaded.");

    public async Task InitializeAsync()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "catalog"), "*.json"))
        {
            File.Copy(file, Path.Combine(CatalogDirectory, Path.GetFileName(file)));
        }
        foreach (var log in SharedLogs.All())
        {
            ImportCommand.WriteCatalogDraft(log, null, SharedLogs.JourneyType(log), Agency, CatalogDirectory);
        }
        var sample = Path.Combine(TempDirectory.Create("journey-import"), "sample.csv");
        File.WriteAllLines(sample,
        [
            "case:concept:name,concept:name,time:timestamp",
            "1,register request,2024-01-01T10:00:00+01:00",
            "1,decide,2024-01-02T10:00:00+01:00",
            "1,pay compensation,2024-01-03T10:00:00+01:00",
        ]);
        ImportCommand.WriteCatalogDraft(sample, null, CsvJourneyType, Agency, CatalogDirectory);
        // The drafts pass the same validation as every catalog file.
        catalog = CatalogLoader.LoadDirectory(CatalogDirectory);
        server = await RunningServer.StartAsync(settings: [$"--Journey:CatalogDir={CatalogDirectory}"]);
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    public Task<ImportCommand.Summary> ImportAsync(string path, CsvLogOptions? csv = null, string? journeyType = null) =>
        ImportCommand.RunAsync(
            path, Server.Address, new LogImportOptions(journeyType ?? SharedLogs.JourneyType(path), Agency), Catalog, csv,
            batchSize: 400, Server.Tokens, progress: null, CancellationToken.None);

    /// <summary>The live figures of a journey type once the projection has read the whole log.</summary>
    public async Task<Contract.LeadTimesReport> CaughtUpAsync(string journeyType)
    {
        // The last journey event: on EventStoreDB the store also holds the audit trail, which the projection does not read.
        var store = Server.Services.GetRequiredService<IEventStore>();
        var last = await store.ReadAllAsync(ReadDirection.Backwards, maxCount: 1, filter: StreamFilter.Prefix(JourneyId.StreamCategory + "-")).FirstOrDefaultAsync();
        return await Wait.UntilAsync(
            async () => await Server.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest { JourneyType = journeyType }),
            r => r.Checkpoint >= (last?.Position ?? 0),
            "the projection to catch up with the import",
            TimeSpan.FromSeconds(60));
    }
}

/// <summary>The real logs in shared/data/xes, and the journey type each is imported as.</summary>
internal static class SharedLogs
{
    public static IEnumerable<string> All() =>
        Directory.EnumerateFiles(System.IO.Path.Combine(Folder(), "xes")).Where(f => f.EndsWith(".xes", StringComparison.Ordinal) || f.EndsWith(".xes.gz", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    public static string Path(string name) => System.IO.Path.Combine(Folder(), "xes", name);

    /// <summary>e.g. <c>running-example</c>, <c>log-12-roadtraffic-1t-per-variant</c> (an id starts with a letter).</summary>
    public static string JourneyType(string path)
    {
        var name = System.IO.Path.GetFileName(path).Replace(".xes.gz", "", StringComparison.Ordinal).Replace(".xes", "", StringComparison.Ordinal);
        var id = LogCatalogDraft.Slug(name, 40);
        return char.IsAsciiLetter(id[0]) ? id : "log-" + id;
    }

    private static string Folder([CallerFilePath] string source = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, System.IO.Path.GetDirectoryName(source)! })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                foreach (var candidate in new[] { System.IO.Path.Combine(dir.FullName, "shared", "data"), System.IO.Path.Combine(dir.FullName, "..", "shared", "data") })
                {
                    if (Directory.Exists(System.IO.Path.Combine(candidate, "xes")))
                    {
                        return System.IO.Path.GetFullPath(candidate);
                    }
                }
            }
        }
        throw new DirectoryNotFoundException("shared/data not found; clone shared/ beside the repository");
    }
}

/// <summary>
/// <c>journey import</c> against a live server, cross-checked with <c>journey analyze</c> on the same file:
/// the live projections and the offline analysis must give identical figures.
/// </summary>
public sealed class ImportTests(ImportServerFixture fixture) : IClassFixture<ImportServerFixture>
{
    public static TheoryData<string> Logs() => [.. SharedLogs.All().Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(Logs))]
    public async Task an_imported_log_gives_live_figures_identical_to_the_offline_analysis(string file)
    {
        var path = SharedLogs.Path(file);
        var journeyType = SharedLogs.JourneyType(path);

        var summary = await fixture.ImportAsync(path);
        var shown = await fixture.CaughtUpAsync(journeyType);
        var live = await fixture.Server.ProjectionFiguresAsync(journeyType);
        var offline = await AnalyzeCommand.RunAsync(path, null, new LogImportOptions(journeyType, ImportServerFixture.Agency), fixture.Catalog, CancellationToken.None);

        Assert.Equal((0L, summary.Events), (summary.Rejected, summary.Accepted + summary.Duplicates));
        Assert.Equal(offline.Log.Events, summary.Events);
        // The live projection's lead-time document equals the one computed offline, figure for figure.
        Assert.Equal(
            JsonNode.Parse(LeadTimesCommand.ToJson(live))!["journeyTypes"]!.ToJsonString(),
            JsonNode.Parse(AnalyzeCommand.ToJson(offline))!["leadTimes"]!["journeyTypes"]!.ToJsonString());
        // And a process owner gets exactly those figures with every group of fewer than five journeys suppressed.
        Assert.Equal(
            JsonNode.Parse(LeadTimesCommand.ToJson(LeadTimesMapping.ToContract(offline.LeadTimes!.Suppress(5), journeyType)))!["journeyTypes"]!.ToJsonString(),
            JsonNode.Parse(LeadTimesCommand.ToJson(shown))!["journeyTypes"]!.ToJsonString());
        // And the process-mining figures equal EventLogAnalysis's on the file as it is.
        var type = Assert.Single(live.JourneyTypes);
        Assert.Equal((ulong)offline.Log.Cases, type.JourneysSeen);
        var duration = offline.Log.CaseDuration;
        Assert.Equal(
            (duration.MinSeconds, duration.MeanSeconds, duration.MedianSeconds, duration.P90Seconds, duration.MaxSeconds),
            (type.Span.MinSeconds, type.Span.MeanSeconds, type.Span.MedianSeconds, type.Span.P90Seconds, type.Span.MaxSeconds));
        var codes = fixture.Catalog.FindJourneyType(journeyType)!.Activities.ToDictionary(a => a.LogNames.Single(), a => a.Code);
        Assert.Equal(
            offline.Log.DirectlyFollows.Select(e => (codes[e.From], codes[e.To], (ulong)e.Count, e.MeanSeconds, e.MedianSeconds)).Order(),
            type.DirectlyFollows.Select(a => (a.From, a.To, a.Times.Count, a.Times.MeanSeconds, a.Times.MedianSeconds)).Order());
    }

    [Fact]
    public async Task importing_the_same_file_again_stores_nothing_new()
    {
        var path = SharedLogs.Path("running-example.xes");
        await fixture.ImportAsync(path);
        var before = await fixture.CaughtUpAsync("running-example");

        var again = await fixture.ImportAsync(path);

        Assert.Equal((6L, 42L, 0L, 42L, 0L), (again.Traces, again.Events, again.Accepted, again.Duplicates, again.Rejected));
        Assert.Equal(LeadTimesCommand.ToJson(before), LeadTimesCommand.ToJson(await fixture.CaughtUpAsync("running-example")));
    }

    [Fact]
    public async Task a_csv_export_across_the_spring_clock_change_gives_true_elapsed_times()
    {
        // Norway moved from +01:00 to +02:00 at 02:00 on 30 March 2025: 29 March 22:00 → 30 March 22:00 is 23 hours.
        var csv = WriteCsv(
            "case,activity,time",
            "dst-1,register request,2025-03-29T22:00:00+01:00",
            "dst-1,decide,2025-03-30T22:00:00+02:00",
            "dst-1,pay compensation,2025-03-31T22:00:00+02:00");
        var columns = new CsvLogOptions(CaseColumn: "case", ActivityColumn: "activity", TimestampColumn: "time");

        var summary = await fixture.ImportAsync(csv, columns, ImportServerFixture.CsvJourneyType);
        await fixture.CaughtUpAsync(ImportServerFixture.CsvJourneyType);
        // One journey: a process owner sees it suppressed, so the projection's own figures are read.
        var type = Assert.Single((await fixture.Server.ProjectionFiguresAsync(ImportServerFixture.CsvJourneyType)).JourneyTypes);

        Assert.Equal(3L, summary.Accepted + summary.Duplicates);
        var decide = type.DirectlyFollows.Single(a => a.From == "kommune.csv-import.register-request" && a.To == "kommune.csv-import.decide");
        Assert.Equal(23 * 3600.0, decide.Times.MinSeconds);
    }

    [Fact]
    public async Task events_the_server_refuses_are_counted_and_named_and_the_rest_is_stored()
    {
        var csv = WriteCsv(
            "case:concept:name,concept:name,time:timestamp",
            "late-1,register request,2024-05-02T10:00:00+02:00",
            "late-1,decide,2999-01-01T10:00:00+01:00",
            "late-2,register request,2024-05-03T10:00:00+02:00");

        var summary = await fixture.ImportAsync(csv, journeyType: ImportServerFixture.CsvJourneyType);

        Assert.Equal((2L, 1L), (summary.Accepted + summary.Duplicates, summary.Rejected));
        Assert.Contains("occurred_at is more than a day in the future", Assert.Single(summary.FirstRejections), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_file_that_does_not_map_sends_nothing()
    {
        var store = fixture.Server.Services.GetRequiredService<IEventStore>();
        var csv = WriteCsv(
            "case:concept:name,concept:name,time:timestamp",
            "bad-1,register request,2024-05-02T10:00:00+02:00",
            "bad-2,Send Fine,2024-05-02T11:00:00+02:00");
        var journeys = StreamFilter.Prefix(JourneyId.StreamCategory + "-");
        var before = await store.ReadAllAsync(ReadDirection.Backwards, maxCount: 1, filter: journeys).FirstOrDefaultAsync();

        var error = await Assert.ThrowsAsync<LogMappingException>(() => fixture.ImportAsync(csv, journeyType: ImportServerFixture.CsvJourneyType));

        Assert.Contains("trace 'bad-2' event 1: activity 'Send Fine'", error.Message, StringComparison.Ordinal);
        var after = await store.ReadAllAsync(ReadDirection.Backwards, maxCount: 1, filter: journeys).FirstOrDefaultAsync();
        Assert.Equal(before?.Position, after?.Position);
    }

    private static string WriteCsv(params string[] lines)
    {
        var path = Path.Combine(TempDirectory.Create("journey-import"), "log.csv");
        File.WriteAllLines(path, lines);
        return path;
    }
}

/// <summary>The import command as a user runs it.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ImportCommandLineTests
{
    [Fact]
    public async Task write_catalog_drafts_a_journey_type_and_never_overwrites_it()
    {
        var directory = TempDirectory.Create("journey-draft");
        string[] args = ["import", SharedLogs.Path("running-example.xes"), "--journey-type", "eksempel", "--agency", "kommune", "--write-catalog", directory];

        var first = await JourneyCli.Create().Parse(args).InvokeAsync();
        var second = await JourneyCli.Create().Parse(args).InvokeAsync();

        Assert.Equal((0, ImportCommand.BadInput), (first, second));
        var draft = File.ReadAllText(Path.Combine(directory, "eksempel.v1.json"));
        Assert.Contains("\"kind\": \"process-log\"", draft, StringComparison.Ordinal);
        Assert.Contains("\"logNames\"", draft, StringComparison.Ordinal);
    }

    [Fact]
    public async Task import_then_leadtimes_and_opportunities_work_as_a_user_runs_them()
    {
        var catalog = TempDirectory.Create("journey-catalog");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "catalog"), "*.json"))
        {
            File.Copy(file, Path.Combine(catalog, Path.GetFileName(file)));
        }
        var log = SharedLogs.Path("running-example.xes");
        ImportCommand.WriteCatalogDraft(log, null, "running-example", "kommune", catalog);
        await using var server = await RunningServer.StartAsync(settings: [$"--Journey:CatalogDir={catalog}"]);

        var (imported, _) = await RunAsync(
            "import", log, "--journey-type", "running-example", "--catalog", catalog,
            "--server", server.Address, "--token", server.TokenFor(JourneyRoles.Agency, "kommune"));
        var owner = server.TokenFor(JourneyRoles.ProcessOwner);
        var leadTimes = await Wait.UntilAsync(
            () => RunAsync("leadtimes", "--json", "--journey-type", "running-example", "--server", server.Address, "--token", owner),
            r => System.Text.Json.JsonDocument.Parse(r.Output).RootElement.GetProperty("journeyTypes")[0].GetProperty("journeysSeen").GetInt64() == 6,
            "the imported journeys to reach the projection");
        var (listed, ranking) = await RunAsync("opportunities", "--json", "--journey-type", "running-example", "--server", server.Address, "--token", owner);

        Assert.Equal((0, 0), (imported, listed));
        using var document = System.Text.Json.JsonDocument.Parse(leadTimes.Output);
        var type = document.RootElement.GetProperty("journeyTypes")[0];
        Assert.Equal(
            ["journeyType", "journeys", "endToEnd", "services", "months", "journeysSeen", "journeysWithLifeEvent", "span", "starts", "agencies", "initiators", "handOvers", "directlyFollows", "opportunities"],
            type.EnumerateObject().Select(p => p.Name));
        // p99 of the six case durations: rank 4.95 → 1,368,780 + 0.95 · (1,576,440 − 1,368,780).
        Assert.Equal(1_566_057, type.GetProperty("span").GetProperty("p99Seconds").GetDouble(), 3);
        // Three of the six journeys go from decide to pay compensation: fewer than k, so the arc is listed, suppressed.
        var arc = Assert.Single(type.GetProperty("directlyFollows").EnumerateArray(), a => a.GetProperty("from").GetString() == "kommune.running-example.decide"
            && a.GetProperty("to").GetString() == "kommune.running-example.pay-compensation");
        Assert.True(arc.GetProperty("suppressed").GetBoolean());
        Assert.Equal((0, 0), (arc.GetProperty("journeys").GetInt64(), arc.GetProperty("times").GetProperty("count").GetInt64()));
        // A process without services has nothing to rank.
        Assert.Empty(System.Text.Json.JsonDocument.Parse(ranking).RootElement.GetProperty("opportunities").EnumerateArray());
    }

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            return (await JourneyCli.Create().Parse(args).InvokeAsync(), output.ToString());
        }
        finally
        {
            Console.SetOut(original);
        }
    }

    [Theory]
    [InlineData("import", "mistyped.xes", "--journey-type", "fa-barn", "--agency", "nav")]
    [InlineData("import", "mistyped.csv", "--journey-type", "fa-barn", "--agency", "nav")]
    [InlineData("analyze", "mistyped.xes")]
    public async Task a_log_file_that_is_not_there_is_named_once_in_one_line(params string[] args)
    {
        var missing = Path.Combine(TempDirectory.Create("journey-missing"), args[1]);

        var (exit, _, error) = await CommandLine.RunAsync([args[0], missing, .. args[2..]]);

        Assert.Equal(ImportCommand.BadInput, exit);
        // Before: "PATH: PATH: no such file" from analyze, and .NET's "PATH: Could not find file 'PATH'." from import.
        Assert.Equal($"{missing}: no such file", error.Split('\n')[0].TrimEnd());
    }

    [Fact]
    public async Task analyze_json_prints_the_documented_document()
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            Assert.Equal(0, await JourneyCli.Create().Parse(["analyze", SharedLogs.Path("running-example.xes"), "--json"]).InvokeAsync());
        }
        finally
        {
            Console.SetOut(original);
        }

        using var document = System.Text.Json.JsonDocument.Parse(output.ToString());
        Assert.Equal(
            ["cases", "events", "activities", "variants", "caseDuration", "startActivities", "endActivities", "directlyFollows"],
            document.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(815_940, document.RootElement.GetProperty("caseDuration").GetProperty("medianSeconds").GetDouble());
    }
}
