using System.CommandLine;
using System.Globalization;
using Journey.Cli.Exchange;
using Journey.Storage;
using Spectre.Console;

namespace Journey.Cli.Commands;

/// <summary>
/// <c>journey export --format xes|ocel-json|ocel-sqlite|csv --out FILE [filters] (--server URL | --store PATH)</c>:
/// the selected, pseudonymised events in an open exchange format, streamed from a server's Replay or read
/// from a store file directly.
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var format = new Option<string>("--format") { Description = "xes, ocel-json, ocel-sqlite or csv", Required = true };
        format.AcceptOnlyFromAmong("xes", "ocel-json", "ocel-sqlite", "csv");
        var output = new Option<string>("--out") { Description = "The file to write (replaced only once the export is complete)", Required = true };
        var server = CommonOptions.Server();
        var token = CommonOptions.Token();
        var dataDir = CommonOptions.DataDir();
        var store = new Option<string?>("--store")
        {
            Description = "Read a store instead of a server: the server's journey.db (also while it runs), sqlite:PATH or esdb://…",
        };
        var selection = new SelectionOptions();
        var command = new Command("export", "Export the pseudonymised log to XES, OCEL 2.0 (JSON or SQLite) or CSV for process-mining tools")
        {
            format, output, server, store, token, dataDir,
        };
        foreach (var option in selection.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parse, cancellationToken) =>
        {
            Domain.Exchange.EventSelection selected;
            try
            {
                selected = selection.Selection(parse);
            }
            catch (ArgumentException ex)
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
                return 1;
            }
            var storeSpec = parse.GetValue(store);
            if (storeSpec is not null && parse.GetResult(server) is { Implicit: false })
            {
                AnsiConsole.MarkupLine("[red]Give --server or --store, not both.[/]");
                return 1;
            }
            var target = parse.GetValue(output)!;
            var exportFormat = Exporter.ParseFormat(parse.GetValue(format)!);
            ExportSummary summary;
            if (storeSpec is not null)
            {
                IEventStore opened;
                try
                {
                    opened = await EventStores.OpenExistingAsync(storeSpec, cancellationToken: cancellationToken);
                }
                catch (Exception ex) when (ex is FileNotFoundException or FormatException)
                {
                    AnsiConsole.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
                    return 1;
                }
                await using (opened)
                {
                    summary = await Exporter.ExportAsync(new StoreEventSource(opened), selected, exportFormat, target, cancellationToken);
                }
            }
            else
            {
                using var channel = CommonOptions.Channel(parse.GetValue(server)!, CommonOptions.Tokens(parse, token, dataDir), Roles.Researcher);
                summary = await Exporter.ExportAsync(new ServerEventSource(channel), selected, exportFormat, target, cancellationToken);
            }
            var rate = summary.Elapsed.TotalSeconds > 0 ? (summary.Events / summary.Elapsed.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture) : "-";
            var parts = exportFormat is ExportFormat.Xes or ExportFormat.Csv ? $"{summary.Journeys:N0} journeys" : $"{summary.Objects:N0} objects";
            AnsiConsole.MarkupLine(
                $"[green]Exported[/] {summary.Events:N0} events ({parts}) to {Markup.Escape(target)} in {summary.Elapsed.TotalSeconds:0.00} s ({rate} events/s)"
                + (summary.LastPosition is { } last ? $"; the next range starts with --after {last}." : "."));
            return 0;
        });
        return command;
    }
}
