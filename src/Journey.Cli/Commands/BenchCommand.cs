using System.CommandLine;
using Journey.Cli.Benchmarks;
using Journey.Domain.Catalog;
using Spectre.Console;

namespace Journey.Cli.Commands;

/// <summary>
/// <c>journey bench</c>: the store alone, then a server of its own (a child process on a temp data
/// directory) fed by streams and unary callers while a process owner queries, a rebuild, and memory.
/// </summary>
public static class BenchCommand
{
    /// <summary>Exit status when the run completed but missed a target.</summary>
    public const int TargetMissed = 3;

    public static Command Create()
    {
        var defaults = new BenchmarkSettings();
        var events = new Option<int>("--events") { Description = "Events to stream (and to append to the store alone)", DefaultValueFactory = _ => defaults.Events }.AtLeast(1);
        var journeys = new Option<int?>("--journeys") { Description = "Journeys they belong to (default: one per ten events)" }.AtLeast(1);
        var unaryEvents = new Option<int?>("--unary-events") { Description = "Events sent one call each by 64 callers (default: a tenth of --events)" }.AtLeast(0);
        var batchSize = new Option<int>("--batch-size") { Description = "Events per streamed batch", DefaultValueFactory = _ => defaults.BatchSize }.AtLeast(1);
        var streams = new Option<int>("--streams") { Description = "Streams at once (each agency streams its own events)", DefaultValueFactory = _ => defaults.Streams }.AtLeast(1);
        var seed = new Option<int>("--seed") { Description = "Seed of the simulated journeys", DefaultValueFactory = _ => defaults.Seed };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures to this JSON file" };
        var keep = new Option<bool>("--keep") { Description = "Keep the temporary stores and the server's log" };
        var settle = new Option<int>("--settle-seconds") { Description = "Longest wait for the server's memory to settle before it is measured", DefaultValueFactory = _ => (int)defaults.MemorySettleLimit.TotalSeconds }.AtLeast(0);
        var storeOnly = new Option<bool>("--store-only") { Description = "Only grow one embedded store to --events, in steps, and show its speed and disk writes per event at each size" };
        var reportsOnly = new Option<bool>("--reports-only") { Description = "Only time the lead-time report over --journeys simulated journeys, in this process: made from scratch, and made again after steps of recent or of all months' journeys" };
        var step = new Option<int>("--step") { Description = "Events per step of --store-only", DefaultValueFactory = _ => 1_000_000 }.AtLeast(1);
        var rebuilds = new Option<int>("--rebuilds") { Description = "Rebuilds from position zero, one after another (the median is the figure)", DefaultValueFactory = _ => defaults.Rebuilds }.AtLeast(1);
        var liveRate = new Option<int>("--live-rate") { Description = "Events a second of the live phase (a tenth of --events, streamed at that pace)", DefaultValueFactory = _ => (int)defaults.LiveEventsPerSecond }.AtLeast(1);
        var command = new Command("bench", "Measure the store, streaming and unary ingest, queries during ingest, rebuild and memory on this machine")
        {
            events, journeys, unaryEvents, batchSize, streams, liveRate, seed, json, keep, settle, rebuilds, storeOnly, step, reportsOnly,
        };
        // Each mode measures one thing; given both, neither is what was asked for.
        command.Validators.Add(result =>
        {
            if (result.GetValue(storeOnly) && result.GetValue(reportsOnly))
            {
                result.AddError("--store-only and --reports-only are two different runs; give one of them.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var eventCount = parse.GetValue(events);
            var settings = defaults with
            {
                Events = eventCount,
                Journeys = parse.GetValue(journeys) ?? Math.Max(1, eventCount / 10),
                UnaryEvents = parse.GetValue(unaryEvents) ?? eventCount / 10,
                BatchSize = parse.GetValue(batchSize),
                Streams = parse.GetValue(streams),
                LiveEventsPerSecond = parse.GetValue(liveRate),
                Seed = parse.GetValue(seed),
                Keep = parse.GetValue(keep),
                MemorySettleLimit = TimeSpan.FromSeconds(parse.GetValue(settle)),
                Rebuilds = parse.GetValue(rebuilds),
            };
            var invocation = "journey " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
            // Into a file, each progress line stays one line: Spectre wraps at 80 columns when it sees no terminal.
            Action<string> progress = Console.IsOutputRedirected
                ? Console.Out.WriteLine
                : line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]");
            if (parse.GetValue(storeOnly))
            {
                await GrowStoreAsync(settings, parse.GetValue(step), parse.GetValue(json), invocation, progress, cancellationToken);
                return 0;
            }
            if (parse.GetValue(reportsOnly))
            {
                await TimeReportsAsync(settings, parse.GetValue(json), invocation, progress, cancellationToken);
                return 0;
            }
            var result = await new BenchmarkRunner(settings, progress).RunAsync(cancellationToken);

            AnsiConsole.Write(Table(result));
            WarnIfNotRelease(result.Machine);
            if (parse.GetValue(json) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, result.ToJson(invocation), cancellationToken);
                AnsiConsole.MarkupLine($"[grey]Figures written to {Markup.Escape(file.FullName)}[/]");
            }
            return result.AllTargetsMet ? 0 : TargetMissed;
        });
        return command;
    }

    /// <summary><c>--store-only</c>: one store grown to the events asked for; no server, no targets.</summary>
    private static async Task GrowStoreAsync(BenchmarkSettings settings, int step, FileInfo? json, string invocation, Action<string> progress, CancellationToken cancellationToken)
    {
        var machine = MachineInfo.Capture();
        IReadOnlyList<StoreBaseline.GrowthStep> steps;
        using (var work = new BenchWorkDirectory(settings, progress))
        {
            progress($"Growing one embedded store to {settings.Events:N0} events, {step:N0} at a time (each step's events made first, untimed)");
            steps = await StoreBaseline.GrowAsync(
                CatalogLoader.LoadDefault(), settings.Seed, settings.Events, step, work.Path, settings.BaselineAppenders,
                s => progress($"  {s.EventsInStore:N0} events: {s.EventsPerSecond:N0} events/s, {Written(s)} written to disk per event"),
                cancellationToken);
        }

        var table = new Table()
            .Title($"journey bench --store-only — {machine.Processors} cores, {machine.MemoryDescription}, .NET SDK {Markup.Escape(machine.DotnetSdk)}, {machine.BuildConfiguration}")
            .AddColumns("Events in the store", "Appended (events/s)", "Written to disk per event");
        foreach (var s in steps)
        {
            table.AddRow($"{s.EventsInStore:N0}", $"{s.EventsPerSecond:N0}", Written(s));
        }
        AnsiConsole.Write(table);
        WarnIfNotRelease(machine);
        if (json is not null)
        {
            await File.WriteAllTextAsync(json.FullName, new StoreGrowthResult(DateTimeOffset.Now, machine, step, steps).ToJson(invocation), cancellationToken);
            AnsiConsole.MarkupLine($"[grey]Figures written to {Markup.Escape(json.FullName)}[/]");
        }

        static string Written(StoreBaseline.GrowthStep s) => s.BytesWrittenPerEvent is { } bytes ? $"{bytes:N0} bytes" : "not known here";
    }

    /// <summary><c>--reports-only</c>: the projection's report over the simulated journeys, timed; no server, no targets.</summary>
    private static async Task TimeReportsAsync(BenchmarkSettings settings, FileInfo? json, string invocation, Action<string> progress, CancellationToken cancellationToken)
    {
        var machine = MachineInfo.Capture();
        var figures = ReportRefresh.Run(CatalogLoader.LoadDefault(), settings.Seed, settings.Journeys, progress);
        var table = new Table()
            .Title($"journey bench --reports-only — {figures.Journeys:N0} journeys, {figures.Events:N0} events over {figures.Months} months; {machine.Processors} cores, .NET SDK {Markup.Escape(machine.DotnetSdk)}, {machine.BuildConfiguration}")
            .AddColumns("A report made", "Reports", "Median", "Slowest");
        foreach (var (name, timing) in new[]
        {
            ("from scratch (as after a quiet spell)", figures.FromScratch),
            ($"after {ReportRefresh.StepsPerReport:N0} steps of the latest month's journeys", figures.AfterRecentSteps),
            ($"after {ReportRefresh.StepsPerReport:N0} steps spread over every month", figures.AfterSpreadSteps),
        })
        {
            table.AddRow(Markup.Escape(name), $"{timing.Reports}", $"{timing.MedianMilliseconds:0.0} ms", $"{timing.MaxMilliseconds:0.0} ms");
        }
        AnsiConsole.Write(table);
        WarnIfNotRelease(machine);
        if (json is not null)
        {
            await File.WriteAllTextAsync(json.FullName, ReportRefresh.ToJson(figures, DateTimeOffset.Now, machine, invocation), cancellationToken);
            AnsiConsole.MarkupLine($"[grey]Figures written to {Markup.Escape(json.FullName)}[/]");
        }
    }

    private static void WarnIfNotRelease(MachineInfo machine)
    {
        if (machine.BuildConfiguration != "Release")
        {
            AnsiConsole.MarkupLine("[yellow]This is a Debug build; figures for BENCHMARKS.md come from `dotnet run -c Release`.[/]");
        }
    }

    private static Table Table(BenchmarkResult result)
    {
        var m = result.Machine;
        var table = new Table()
            .Title($"journey bench — {m.Processors} cores, {m.MemoryDescription}, .NET SDK {Markup.Escape(m.DotnetSdk)}, {m.BuildConfiguration}, load {Markup.Escape(m.LoadAverageAtStart)}")
            .AddColumns("Figure", "Measured", "Target", "Met");
        foreach (var (figure, value, target, met) in result.Rows())
        {
            table.AddRow(
                Markup.Escape(figure),
                Markup.Escape(value),
                Markup.Escape(target),
                met switch { true => "[green]yes[/]", false => "[red]no[/]", null => "" });
        }
        return table;
    }
}
