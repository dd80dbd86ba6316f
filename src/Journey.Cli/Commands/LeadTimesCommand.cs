using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Contract = Journey.Contracts.V1;

namespace Journey.Cli.Commands;

/// <summary><c>journey leadtimes</c>: the lead-time figures as a table, or one JSON document.</summary>
public static class LeadTimesCommand
{
    public static Command Create()
    {
        var server = CommonOptions.Server();
        var json = CommonOptions.Json();
        var journeyType = new Option<string?>("--journey-type") { Description = "Only this journey type" };
        var command = new Command("leadtimes", "Show end-to-end and per-service lead times") { server, json, journeyType };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var channel = CommonOptions.Channel(parse.GetValue(server)!);
            var report = await new Contract.LeadTimes.LeadTimesClient(channel)
                .GetLeadTimesAsync(new Contract.GetLeadTimesRequest { JourneyType = parse.GetValue(journeyType) ?? "" }, cancellationToken: cancellationToken);
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(ToJson(report));
            }
            else
            {
                WriteTable(report);
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The document scripts read. Keys and their order are fixed, so the same state always prints the
    /// same bytes.
    /// </summary>
    public static string ToJson(Contract.LeadTimesReport report)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("checkpoint", report.Checkpoint);
            w.WriteStartArray("journeyTypes");
            foreach (var type in report.JourneyTypes)
            {
                w.WriteStartObject();
                w.WriteString("journeyType", type.JourneyType);
                w.WriteNumber("journeys", type.Journeys);
                WriteStats(w, "endToEnd", type.EndToEnd);
                w.WriteStartArray("services");
                foreach (var service in type.Services)
                {
                    w.WriteStartObject();
                    w.WriteString("service", service.Service);
                    w.WriteString("agency", service.Agency);
                    w.WriteNumber("count", service.Count);
                    // The service's own figures are its total, flat, beside their split.
                    WriteFigures(w, service.Total);
                    WriteStats(w, "waitingForCitizen", service.WaitingForCitizen);
                    WriteStats(w, "agencyProcessing", service.AgencyProcessing);
                    WriteStats(w, "delivery", service.Delivery);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("months");
                foreach (var month in type.Months)
                {
                    w.WriteStartObject();
                    w.WriteString("month", month.Month);
                    w.WriteNumber("journeys", month.Journeys);
                    WriteStats(w, "endToEnd", month.EndToEnd);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteStats(Utf8JsonWriter w, string name, Contract.DurationStats? stats)
    {
        w.WriteStartObject(name);
        w.WriteNumber("count", stats?.Count ?? 0);
        WriteFigures(w, stats);
        w.WriteEndObject();
    }

    private static void WriteFigures(Utf8JsonWriter w, Contract.DurationStats? stats)
    {
        w.WriteNumber("meanSeconds", Math.Round(stats?.MeanSeconds ?? 0, 3));
        w.WriteNumber("medianSeconds", Math.Round(stats?.MedianSeconds ?? 0, 3));
        w.WriteNumber("p90Seconds", Math.Round(stats?.P90Seconds ?? 0, 3));
    }

    private static void WriteTable(Contract.LeadTimesReport report)
    {
        if (report.JourneyTypes.Count == 0)
        {
            AnsiConsole.MarkupLine("[grey]No journeys yet. Feed the server with [bold]journey simulate[/].[/]");
            return;
        }
        foreach (var type in report.JourneyTypes)
        {
            var table = new Table()
                .Title($"[bold]{Markup.Escape(type.JourneyType)}[/] — {type.Journeys} completed journeys, end to end: median {Days(type.EndToEnd?.MedianSeconds)}, p90 {Days(type.EndToEnd?.P90Seconds)}")
                .AddColumns("Service", "Agency", "Delivered", "Median total", "P90 total", "Waiting for citizen", "Agency processing", "Delivery");
            foreach (var s in type.Services)
            {
                table.AddRow(
                    Markup.Escape(s.Service), Markup.Escape(s.Agency), s.Count.ToString(CultureInfo.InvariantCulture),
                    Days(s.Total?.MedianSeconds), Days(s.Total?.P90Seconds),
                    Days(s.WaitingForCitizen?.MedianSeconds), Days(s.AgencyProcessing?.MedianSeconds), Days(s.Delivery?.MedianSeconds));
            }
            AnsiConsole.Write(table);
        }
        AnsiConsole.MarkupLine("[grey]Durations are medians in days unless marked p90.[/]");
    }

    private static string Days(double? seconds) =>
        ((seconds ?? 0) / 86_400.0).ToString("0.0 'd'", CultureInfo.InvariantCulture);
}
