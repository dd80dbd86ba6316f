using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Journey.Cli.Commands;
using Journey.Cli.Exchange;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.Exchange;
using Journey.Domain.LeadTimes;
using Journey.Domain.Privacy;
using Journey.Domain.ProcessMining;
using Journey.Server.Hosting;
using Journey.Server.Projections;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;
using Journey.Storage;
using Json.Schema;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Journey.Server.Tests.Exchange;

/// <summary><c>journey export</c> against a real server holding a simulated log, through Replay and from the store file.</summary>
public sealed partial class ExportTests(SimulatedLogFixture log) : IClassFixture<SimulatedLogFixture>, IDisposable
{
    private static readonly ExportFormat[] Formats = [ExportFormat.Xes, ExportFormat.OcelJson, ExportFormat.OcelSqlite, ExportFormat.Csv];

    private readonly string folder = TempDirectory.Create("journey-export");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task simulate_export_xes_and_read_back_gives_the_live_lead_times_and_the_log_analysis_of_the_store()
    {
        var live = await CaughtUpLiveReportAsync();
        var path = await ExportFromServerAsync(ExportFormat.Xes, EventSelection.All with { ToPosition = live.Checkpoint });
        var catalog = CatalogLoader.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "catalog"));

        // The XES alone, folded by the same projection the server runs, gives the live figures.
        var traces = XesReader.ReadFile(path).ToList();
        var fromXes = LeadTimeProjection.Replay(catalog, traces.SelectMany(ToJourneyEvents).OrderBy(e => e.Position));
        var differences = new LeadTimeReport(null, live.JourneyTypes).DifferencesFrom(new LeadTimeReport(null, fromXes.Report().JourneyTypes));
        Assert.Empty(differences);
        Assert.Contains(live.JourneyTypes, t => t.Journeys > 0);

        // And the offline analysis of the file equals the same analysis of the stored log read directly.
        var analysed = new EventLogAnalysis();
        traces.ForEach(analysed.Add);
        var stored = await log.StoredJourneyEventsAsync(live.Checkpoint);
        var direct = new EventLogAnalysis();
        foreach (var journey in stored.GroupBy(e => e.Stream))
        {
            direct.Add(new LogTrace(journey.Key, [.. journey.Select(e => JourneyEventJson.Deserialize(e.Data.Span))
                .Select(e => new LogEvent(e.Activity, e.OccurredAt, null, null, e.Agency, new Dictionary<string, object?>()))], new Dictionary<string, object?>()));
        }
        Assert.Equal(direct.Result().ToJson(), analysed.Result().ToJson());
        Assert.Equal(stored.Count, analysed.Result().Events);
        Assert.Equal(stored.Select(e => e.Stream).Distinct().Count(), traces.Count);
    }

    [Fact]
    public async Task journey_analyze_of_each_journey_types_xes_export_gives_the_live_spans_map_and_lead_times()
    {
        var live = await CaughtUpLiveReportAsync();
        var catalog = CatalogLoader.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "catalog"));

        foreach (var type in live.JourneyTypes.Where(t => t.JourneysSeen > 0))
        {
            var path = await ExportFromServerAsync(ExportFormat.Xes, new EventSelection
            {
                ToPosition = live.Checkpoint,
                JourneyTypes = EventSelection.SetOf([type.JourneyType]),
            });

            var analysis = await AnalyzeCommand.RunAsync(path, null, new LogImportOptions(type.JourneyType), catalog, CancellationToken.None);

            // The file's own process-mining figures are the live projection's span (first to last event of
            // every journey) and directly-follows map.
            var log = analysis.Log;
            Assert.Equal(type.JourneysSeen, log.Cases);
            Assert.True(type.Span.Exact, "a small log keeps exact percentiles");
            Close(type.Span.MinSeconds, log.CaseDuration.MinSeconds, $"{type.JourneyType} span min");
            Close(type.Span.MeanSeconds, log.CaseDuration.MeanSeconds, $"{type.JourneyType} span mean");
            Close(type.Span.MedianSeconds, log.CaseDuration.MedianSeconds, $"{type.JourneyType} span median");
            Close(type.Span.P90Seconds, log.CaseDuration.P90Seconds, $"{type.JourneyType} span p90");
            Close(type.Span.MaxSeconds, log.CaseDuration.MaxSeconds, $"{type.JourneyType} span max");
            Assert.Equal(
                type.DirectlyFollows.Select(a => (a.From, a.To)).Order(),
                log.DirectlyFollows.Select(a => (a.From, a.To)).Order());
            foreach (var arc in log.DirectlyFollows)
            {
                var liveArc = type.DirectlyFollows.Single(a => a.From == arc.From && a.To == arc.To);
                Assert.Equal(liveArc.Times.Count, arc.Count);
                Close(liveArc.Times.MeanSeconds, arc.MeanSeconds, $"{arc.From} -> {arc.To} mean");
                Close(liveArc.Times.MedianSeconds, arc.MedianSeconds, $"{arc.From} -> {arc.To} median");
            }

            // Mapped onto the catalog, as analyze --journey-type does, it gives the live lead times: every
            // figure, the per-initiator breakdown included (the export carries each event's initiator).
            var mapped = Assert.Single(analysis.LeadTimes!.JourneyTypes);
            Assert.Equal(type.Journeys, mapped.Journeys);
            Assert.Equal(type.EndToEnd, mapped.EndToEnd);
            Assert.Equal(type.Span, mapped.Span);
            Assert.Equal(type.Starts, mapped.Starts);
            Assert.Empty(new LeadTimeReport(null, [type]).DifferencesFrom(new LeadTimeReport(null, [mapped])));
        }
    }

        [Fact]
    public async Task every_format_exported_twice_gives_the_same_bytes_and_the_server_and_the_store_file_agree()
    {
        var to = (await log.StoredJourneyEventsAsync())[^1].Position;
        var selection = EventSelection.All with { ToPosition = to };
        await using var store = await EventStores.OpenExistingAsync(Path.Combine(log.Server.DataDir, JourneyServerExtensions.EmbeddedStoreFile));

        foreach (var format in Formats)
        {
            var once = await File.ReadAllBytesAsync(await ExportFromServerAsync(format, selection));
            var twice = await File.ReadAllBytesAsync(await ExportFromServerAsync(format, selection));
            var fromStore = Path.Combine(folder, $"store.{format}");
            await Exporter.ExportAsync(new StoreEventSource(store), selection, format, fromStore);

            Assert.True(once.Length > 10_000, $"{format}: {once.Length} bytes");
            Assert.True(once.AsSpan().SequenceEqual(twice), $"{format}: two exports of one range differ");
            var stored = await File.ReadAllBytesAsync(fromStore);
            Assert.True(once.AsSpan().SequenceEqual(stored), $"{format}: server and store exports differ");
        }
    }

    [Fact]
    public async Task the_ocel_json_export_validates_against_the_ocel_2_schema()
    {
        var path = await ExportFromServerAsync(ExportFormat.OcelJson, EventSelection.All);
        var schema = JsonSchema.FromFile(Path.Combine(SharedData.Folder, "ocel", "schema_ocel2.json"));
        using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(path));

        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });

        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is not null).Take(10)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        var root = document.RootElement;
        var stored = await log.StoredJourneyEventsAsync();
        Assert.True(root.GetProperty("events").GetArrayLength() >= stored.Count);
        var types = root.GetProperty("objects").EnumerateArray().GroupBy(o => o.GetProperty("type").GetString()).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(stored.Select(e => e.Stream).Distinct().Count(), types["journey"]);
        Assert.True(types["person"] > types["journey"], "subjects and their related persons");
        Assert.True(types["case"] > 0);
    }

    [Fact]
    public async Task the_ocel_sqlite_export_opens_with_the_ocel_2_tables_and_every_event_object_and_relation()
    {
        var to = (await log.StoredJourneyEventsAsync())[^1].Position;
        var stored = await log.StoredJourneyEventsAsync(to);
        var path = await ExportFromServerAsync(ExportFormat.OcelSqlite, EventSelection.All with { ToPosition = to });

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var tables = Strings(connection, "SELECT name FROM sqlite_master WHERE type = 'table'");
        Assert.Subset(tables.ToHashSet(), new HashSet<string> { "event", "object", "event_object", "object_object", "event_map_type", "object_map_type", "object_journey", "object_person", "object_case" });
        var eventTypes = Strings(connection, "SELECT ocel_type_map FROM event_map_type");
        Assert.Equal(Scalar(connection, "SELECT COUNT(DISTINCT ocel_type) FROM event"), eventTypes.Count);
        Assert.All(eventTypes, t => Assert.Contains("event_" + t, tables));

        Assert.Equal(stored.Count, Scalar(connection, "SELECT COUNT(*) FROM event"));
        Assert.Equal(stored.Count, eventTypes.Sum(t => Scalar(connection, $"SELECT COUNT(*) FROM \"event_{t}\"")));
        Assert.Equal(stored.Select(e => e.Stream).Distinct().Count(), Scalar(connection, "SELECT COUNT(*) FROM object_journey"));
        Assert.Equal(Scalar(connection, "SELECT COUNT(*) FROM object"),
            Scalar(connection, "SELECT (SELECT COUNT(*) FROM object_journey) + (SELECT COUNT(*) FROM object_person) + (SELECT COUNT(*) FROM object_case)"));
        // Every event relates to its journey and subject; every relation points at an object that exists.
        Assert.Equal(stored.Count, Scalar(connection, "SELECT COUNT(*) FROM event_object WHERE ocel_qualifier = 'journey'"));
        Assert.Equal(stored.Count, Scalar(connection, "SELECT COUNT(*) FROM event_object WHERE ocel_qualifier = 'subject'"));
        Assert.Equal(0, Scalar(connection, "SELECT COUNT(*) FROM event_object WHERE ocel_object_id NOT IN (SELECT ocel_id FROM object)"));
        Assert.Equal(0, Scalar(connection, "SELECT COUNT(*) FROM object_object WHERE ocel_target_id NOT IN (SELECT ocel_id FROM object)"));
        Assert.True(Scalar(connection, "SELECT COUNT(*) FROM event_object WHERE ocel_qualifier NOT IN ('journey', 'subject', 'case')") > 0, "related persons by role");
        // Times keep their offsets and read as instants in SQLite.
        var time = Strings(connection, "SELECT ocel_time FROM \"event_folkeregisteret_fodsel_registrert\" LIMIT 1").Single();
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0[12]:00$", time);
        Assert.Equal(0, Scalar(connection, "SELECT COUNT(*) FROM event_nav_barnetrygd_vedtak WHERE julianday(ocel_time) IS NULL"));
    }

    [Fact]
    public async Task no_identity_number_is_in_any_export()
    {
        var sent = log.IdentityNumbersSent();
        Assert.NotEmpty(sent);

        foreach (var format in Formats)
        {
            var bytes = await File.ReadAllBytesAsync(await ExportFromServerAsync(format, EventSelection.All));
            Assert.All(sent, number => Assert.True(bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(number)) < 0, $"{format} holds an identity number that was sent"));
            // Nor anything else that reads as a valid identity number, in any run of eleven digits.
            var text = Encoding.Latin1.GetString(bytes);
            Assert.DoesNotContain(ElevenDigits().Matches(text).Select(m => m.Value), n => IdentityNumber.Validate(n).IsValid);
        }
    }

    [Fact]
    public async Task filters_and_ranges_select_what_an_export_holds()
    {
        var stored = await log.StoredJourneyEventsAsync();
        var after = stored[stored.Count / 4].Position;
        var selection = new EventSelection
        {
            AfterPosition = after,
            JourneyTypes = EventSelection.SetOf(["fa-barn"]),
            Agencies = EventSelection.SetOf(["nav"]),
        };
        var expected = stored.Where(e => e.Position > after)
            .Select(e => JourneyEventJson.Deserialize(e.Data.Span))
            .Where(e => e.JourneyType == "fa-barn" && e.Agency == "nav")
            .Select(e => e.EventId.ToString())
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(expected);

        var csv = await ExportFromServerAsync(ExportFormat.Csv, selection);
        var traces = new CsvLogReader().ReadFile(csv).ToList();

        Assert.Equal(expected, traces.SelectMany(t => t.Events).Select(e => (string)e.Attributes["event_id"]!).Order(StringComparer.Ordinal));
        Assert.All(traces, t => Assert.Equal("fa-barn", t.Attributes["journey_type"]));
        Assert.All(traces.SelectMany(t => t.Events), e => Assert.Equal("nav", e.Group));
    }

    /// <summary>Exports from the server as a researcher; returns the file.</summary>
    private async Task<string> ExportFromServerAsync(ExportFormat format, EventSelection selection)
    {
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.{format}");
        await Exporter.ExportAsync(new ServerEventSource(log.Server.ChannelFor(JourneyRoles.Researcher)), selection, format, path);
        return path;
    }

    /// <summary>The live lead-time report once the projection has read the whole log.</summary>
    private async Task<LeadTimeReport> CaughtUpLiveReportAsync()
    {
        var last = (await log.StoredJourneyEventsAsync())[^1].Position;
        var grain = log.Server.Services.GetRequiredService<IGrainFactory>().GetGrain<ILeadTimeProjectionGrain>(LeadTimeProjectionGrain.Key);
        return await Wait.UntilAsync(grain.GetReportAsync, r => r.Checkpoint >= last, "the projection to catch up with the log");
    }

    /// <summary>An XES trace of a Journey export back as the stored events, with their positions.</summary>
    private static IEnumerable<(ulong Position, JourneyEvent Event)> ToJourneyEvents(LogTrace trace)
    {
        var journeyType = (string)trace.Attributes["journey_type"]!;
        var subject = (string)trace.Attributes["subject"]!;
        string[] journeyFields = ["identity:id", "initiator", "position", "recorded_at", "case_ref", "related"];
        foreach (var e in trace.Events)
        {
            var related = e.Attributes.TryGetValue("related", out var text)
                ? ((string)text!).Split(';').Select(p => p.Split('=')).Select(p => new RelatedPerson(p[0], p[1])).ToArray()
                : [];
            var attributes = e.Attributes.Where(a => !journeyFields.Contains(a.Key)).ToDictionary(a => a.Key, a => (string)a.Value!, StringComparer.Ordinal);
            var initiator = (string)e.Attributes["initiator"]! switch
            {
                "citizen" => Initiator.Citizen,
                "agency" => Initiator.Agency,
                _ => Initiator.Automatic,
            };
            yield return ((ulong)(long)e.Attributes["position"]!, new JourneyEvent(
                Guid.Parse((string)e.Attributes["identity:id"]!),
                journeyType,
                e.Group!,
                e.Activity,
                subject,
                related,
                e.Timestamp,
                initiator,
                e.Lifecycle == "start" ? Lifecycle.Start : Lifecycle.Complete,
                e.Attributes.TryGetValue("case_ref", out var caseRef) ? (string)caseRef! : null,
                attributes));
        }
    }

    private static List<string> Strings(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    private static int Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Equal up to the rounding of summing the same values in another order.</summary>
    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{what}: {expected} live, {actual} from the file");

    [GeneratedRegex(@"(?<!\d)\d{11}(?!\d)")]
    private static partial Regex ElevenDigits();
}
