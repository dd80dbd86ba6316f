using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Journey.Domain.Catalog;
using Journey.Domain.LeadTimes;
using Journey.Domain.ProcessMining;
using Journey.Server.Queries;
using Spectre.Console;

namespace Journey.Cli.Commands;

/// <summary>
/// <c>journey analyze FILE</c>: offline analysis of an event log with the code the server uses —
/// <see cref="EventLogAnalysis"/>, and, with <c>--journey-type</c>, the log mapped as <c>journey import</c>
/// maps it (<see cref="LogImportMapper"/>) and folded into the <see cref="LeadTimeProjection"/>.
/// </summary>
public static class AnalyzeCommand
{
    /// <summary>Exit status when the file cannot be read or mapped.</summary>
    public const int BadInput = 2;

    /// <summary>The analysis of one file.</summary>
    /// <param name="Log">The process-mining figures of the file as it is.</param>
    /// <param name="LeadTimes">With a journey type: the projection's figures for the mapped log (unsuppressed: it is the analyst's own file).</param>
    public sealed record Analysis(EventLogAnalysisResult Log, LeadTimeReport? LeadTimes);

    /// <summary>
    /// How long reading and analysing took, for <c>--timings</c>: the best of several runs after a warm-up
    /// run (the least disturbed by other work on the machine).
    /// </summary>
    /// <param name="Parse">Reading the file into traces, nothing else.</param>
    /// <param name="Analyse">The analysis alone, over traces already in memory.</param>
    /// <param name="ParseAndAnalyse">What <c>journey analyze</c> does: reading and analysing, streaming.</param>
    public sealed record Timings(long Events, int Runs, TimeSpan Parse, TimeSpan Analyse, TimeSpan ParseAndAnalyse)
    {
        public double ParseEventsPerSecond => Events / Parse.TotalSeconds;

        public double AnalyseEventsPerSecond => Events / Analyse.TotalSeconds;

        public double EventsPerSecond => Events / ParseAndAnalyse.TotalSeconds;
    }

    public static Command Create()
    {
        var file = new LogFileOptions();
        var json = CommonOptions.Json();
        var journeyType = new Option<string?>("--journey-type")
        {
            Description = "Also map the log onto this catalog journey type (as `journey import` would) and compute its lead-time figures",
        };
        var agency = new Option<string?>("--agency") { Description = "With --journey-type: every event is this agency's (as for `journey import`)" };
        var timings = new Option<bool>("--timings") { Description = "Also measure parsing and analysis (events per second) and print the figures to standard error" };
        var command = new Command("analyze", "Analyse an event log offline (XES or CSV): cases, variants, case durations, start and end activities, the directly-follows map")
        {
            json, journeyType, agency, timings,
        };
        file.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file.File)!;
            var csv = file.Csv(parse);
            Analysis analysis;
            try
            {
                var type = parse.GetValue(journeyType);
                analysis = await RunAsync(path, csv, type is null ? null : new LogImportOptions(type, parse.GetValue(agency)), type is null ? null : file.LoadCatalog(parse), cancellationToken);
                if (parse.GetValue(timings))
                {
                    var measured = Measure(path, csv);
                    Console.Error.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{measured.Events} events, best of {measured.Runs} runs: parsing {measured.Parse.TotalMilliseconds:0.0} ms ({measured.ParseEventsPerSecond:N0} events/s); the analysis alone {measured.Analyse.TotalMilliseconds:0.0} ms ({measured.AnalyseEventsPerSecond:N0} events/s); parsing and analysing {measured.ParseAndAnalyse.TotalMilliseconds:0.0} ms ({measured.EventsPerSecond:N0} events/s)"));
                }
            }
            catch (Exception e) when (e is EventLogFormatException or LogMappingException or CatalogException or FileNotFoundException)
            {
                Console.Error.WriteLine($"{path}: {e.Message}");
                return BadInput;
            }
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(ToJson(analysis));
            }
            else
            {
                WriteTables(analysis);
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Reads the log once, streaming, into <see cref="EventLogAnalysis"/>; with <paramref name="mapping"/>,
    /// maps each trace and folds it into a <see cref="LeadTimeProjection"/> too, trace by trace in file order,
    /// as the server would fold the same traces sent by <c>journey import</c>.
    /// </summary>
    public static async Task<Analysis> RunAsync(string path, CsvLogOptions? csv, LogImportOptions? mapping, JourneyCatalog? catalog, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var analysis = new EventLogAnalysis();
        LogImportMapper? mapper = null;
        LeadTimeProjection? projection = null;
        if (mapping is not null)
        {
            ArgumentNullException.ThrowIfNull(catalog);
            mapper = new LogImportMapper(catalog, mapping, await LogImportMapper.DigestAsync(path, cancellationToken));
            projection = new LeadTimeProjection(catalog);
        }
        ulong position = 0;
        foreach (var trace in EventLogFile.Read(path, csv))
        {
            cancellationToken.ThrowIfCancellationRequested();
            analysis.Add(trace);
            if (mapper is not null)
            {
                foreach (var e in mapper.Map(trace))
                {
                    projection!.Apply(++position, e.ToJourneyEvent());
                }
            }
        }
        return new Analysis(analysis.Result(), projection?.Report(new LeadTimeFilter(mapping!.JourneyType)));
    }

    /// <summary>
    /// Times parsing alone, the analysis alone (over the traces held in memory, for this measurement only)
    /// and both streaming, each the best of <paramref name="runs"/> runs after a warm-up run.
    /// </summary>
    public static Timings Measure(string path, CsvLogOptions? csv, int runs = 7)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var traces = EventLogFile.Read(path, csv).ToList();
        var events = traces.Sum(t => (long)t.Events.Count);
        Analyse(traces);
        var parse = Best(runs, () =>
        {
            foreach (var trace in EventLogFile.Read(path, csv))
            {
                GC.KeepAlive(trace);
            }
        });
        var analyse = Best(runs, () => Analyse(traces));
        var both = Best(runs, () => Analyse(EventLogFile.Read(path, csv)));
        return new Timings(events, runs, parse, analyse, both);

        static void Analyse(IEnumerable<LogTrace> traces)
        {
            var analysis = new EventLogAnalysis();
            foreach (var trace in traces)
            {
                analysis.Add(trace);
            }
            GC.KeepAlive(analysis.Result());
        }

        static TimeSpan Best(int runs, Action run)
        {
            var best = TimeSpan.MaxValue;
            for (var i = 0; i < runs; i++)
            {
                var watch = Stopwatch.StartNew();
                run();
                best = watch.Elapsed < best ? watch.Elapsed : best;
            }
            return best;
        }
    }

    /// <summary>
    /// The <c>--json</c> document: <see cref="EventLogAnalysisResult.ToJson"/>'s keys, then, with a journey
    /// type, <c>leadTimes</c>: the same document as <c>journey leadtimes --json</c> for the mapped log.
    /// </summary>
    public static string ToJson(Analysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var text = analysis.Log.ToJson();
        if (analysis.LeadTimes is null)
        {
            return text;
        }
        var document = JsonNode.Parse(text)!.AsObject();
        document["leadTimes"] = JsonNode.Parse(LeadTimesCommand.ToJson(LeadTimesMapping.ToContract(analysis.LeadTimes)));
        return document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    private static void WriteTables(Analysis analysis)
    {
        var log = analysis.Log;
        var d = log.CaseDuration;
        AnsiConsole.MarkupLine(string.Create(
            CultureInfo.InvariantCulture,
            $"[bold]{log.Cases:N0}[/] cases, [bold]{log.Events:N0}[/] events, {log.Activities} activities, {log.Variants:N0} variants"));
        AnsiConsole.MarkupLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Case duration: min {Days(d.MinSeconds)}, mean {Days(d.MeanSeconds)}, median {Days(d.MedianSeconds)}, p90 {Days(d.P90Seconds)}, max {Days(d.MaxSeconds)}"));
        var arcs = new Table().Border(TableBorder.Simple).Title("Directly-follows map (most frequent first)")
            .AddColumns("From", "To", "Count", "Mean", "Median");
        foreach (var arc in log.DirectlyFollows.OrderByDescending(a => a.Count).ThenBy(a => a.From, StringComparer.Ordinal).ThenBy(a => a.To, StringComparer.Ordinal).Take(40))
        {
            arcs.AddRow(
                Markup.Escape(arc.From), Markup.Escape(arc.To), arc.Count.ToString("N0", CultureInfo.InvariantCulture),
                Days(arc.MeanSeconds), Days(arc.MedianSeconds));
        }
        AnsiConsole.Write(arcs);
        if (analysis.LeadTimes is { } leadTimes)
        {
            foreach (var type in leadTimes.JourneyTypes)
            {
                AnsiConsole.MarkupLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"[bold]{Markup.Escape(type.JourneyType)}[/]: {type.JourneysSeen:N0} journeys, {type.Journeys:N0} completed, span median {Days(type.Span.MedianSeconds)}, {type.HandOvers.Sum(h => h.Times.Count):N0} hand-overs between agencies"));
            }
        }
        AnsiConsole.MarkupLine("[grey]Durations in days. `--json` prints every figure.[/]");
    }

    private static string Days(double seconds) => (seconds / 86_400.0).ToString("0.0 'd'", CultureInfo.InvariantCulture);
}
