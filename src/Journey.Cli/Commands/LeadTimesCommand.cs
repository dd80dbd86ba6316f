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
        var token = CommonOptions.Token();
        var dataDir = CommonOptions.DataDir();
        var timeout = CommonOptions.Timeout();
        var command = new Command("leadtimes", "Show end-to-end and per-service lead times") { server, json, journeyType, token, dataDir, timeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var channel = CommonOptions.Channel(parse.GetValue(server)!, CommonOptions.Tokens(parse, token, dataDir), Roles.ProcessOwner);
            var report = await new Contract.LeadTimes.LeadTimesClient(channel)
                .GetLeadTimesAsync(new Contract.GetLeadTimesRequest { JourneyType = parse.GetValue(journeyType) ?? "" }, deadline: CommonOptions.Deadline(parse, timeout), cancellationToken: cancellationToken);
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
    /// same bytes. Every duration object has <c>count</c>, <c>meanSeconds</c>, <c>medianSeconds</c>,
    /// <c>p90Seconds</c>, <c>p95Seconds</c> and <c>p99Seconds</c>; per journey type, after the original keys
    /// (<c>journeyType</c>, <c>journeys</c>, <c>endToEnd</c>, <c>services</c>, <c>months</c>), come
    /// <c>journeysSeen</c>, <c>journeysWithLifeEvent</c>, <c>span</c>, <c>starts</c> (<c>started</c>,
    /// <c>proactively</c>, <c>share</c>), <c>agencies</c>, <c>initiators</c>, <c>handOvers</c>,
    /// <c>directlyFollows</c> and <c>opportunities</c>; services gain <c>starts</c> and <c>byInitiator</c>,
    /// months <c>journeysSeen</c>, <c>starts</c>, <c>potentialCitizenDays</c> and
    /// <c>potentialApplications</c>. A <c>suppressed</c> key appears only where something is suppressed.
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
                    WriteStarts(w, service.Starts);
                    w.WriteStartArray("byInitiator");
                    foreach (var initiator in service.ByInitiator)
                    {
                        WriteInitiator(w, initiator);
                    }
                    w.WriteEndArray();
                    WriteSuppressed(w, service.Suppressed);
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
                    w.WriteNumber("journeysSeen", month.JourneysSeen);
                    WriteStarts(w, month.Starts);
                    w.WriteNumber("potentialCitizenDays", Math.Round(month.PotentialCitizenDays, 3));
                    w.WriteNumber("potentialApplications", month.PotentialApplications);
                    WriteSuppressed(w, month.Suppressed);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                WriteAnalytics(w, type);
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
        WriteSuppressed(w, stats?.Suppressed == true);
        w.WriteEndObject();
    }

    private static void WriteFigures(Utf8JsonWriter w, Contract.DurationStats? stats)
    {
        w.WriteNumber("meanSeconds", Math.Round(stats?.MeanSeconds ?? 0, 3));
        w.WriteNumber("medianSeconds", Math.Round(stats?.MedianSeconds ?? 0, 3));
        w.WriteNumber("p90Seconds", Math.Round(stats?.P90Seconds ?? 0, 3));
        w.WriteNumber("p95Seconds", Math.Round(stats?.P95Seconds ?? 0, 3));
        w.WriteNumber("p99Seconds", Math.Round(stats?.P99Seconds ?? 0, 3));
    }

    /// <summary>The figures added with the analytics: journeys seen, span, breakdowns, hand-overs, the map, the ranking.</summary>
    private static void WriteAnalytics(Utf8JsonWriter w, Contract.JourneyTypeLeadTimes type)
    {
        w.WriteNumber("journeysSeen", type.JourneysSeen);
        w.WriteNumber("journeysWithLifeEvent", type.JourneysWithLifeEvent);
        WriteStats(w, "span", type.Span);
        WriteStarts(w, type.Starts);
        w.WriteStartArray("agencies");
        foreach (var agency in type.Agencies)
        {
            w.WriteStartObject();
            w.WriteString("agency", agency.Agency);
            w.WriteNumber("journeysSeen", agency.JourneysSeen);
            w.WriteNumber("journeys", agency.Journeys);
            WriteStats(w, "endToEnd", agency.EndToEnd);
            WriteStarts(w, agency.Starts);
            w.WriteNumber("delivered", agency.Delivered);
            WriteStats(w, "total", agency.Total);
            WriteStats(w, "waitingForCitizen", agency.WaitingForCitizen);
            WriteStats(w, "agencyProcessing", agency.AgencyProcessing);
            WriteStats(w, "delivery", agency.Delivery);
            WriteSuppressed(w, agency.Suppressed);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("initiators");
        foreach (var initiator in type.Initiators)
        {
            WriteInitiator(w, initiator);
        }
        w.WriteEndArray();
        w.WriteStartArray("handOvers");
        foreach (var handOver in type.HandOvers)
        {
            w.WriteStartObject();
            w.WriteString("fromAgency", handOver.FromAgency);
            w.WriteString("toAgency", handOver.ToAgency);
            w.WriteNumber("journeys", handOver.Journeys);
            WriteStats(w, "times", handOver.Times);
            WriteSuppressed(w, handOver.Suppressed);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("directlyFollows");
        foreach (var arc in type.DirectlyFollows)
        {
            w.WriteStartObject();
            w.WriteString("from", arc.From);
            w.WriteString("to", arc.To);
            w.WriteNumber("journeys", arc.Journeys);
            WriteStats(w, "times", arc.Times);
            WriteSuppressed(w, arc.Suppressed);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("opportunities");
        foreach (var o in type.Opportunities)
        {
            w.WriteStartObject();
            w.WriteNumber("rank", o.Rank);
            w.WriteString("service", o.Service);
            w.WriteString("agency", o.Agency);
            w.WriteNumber("citizenDays", Math.Round(o.CitizenDays, 3));
            w.WriteNumber("journeysAffected", o.JourneysAffected);
            w.WriteNumber("reactiveStarts", o.ReactiveStarts);
            WriteStats(w, "wait", o.Wait);
            WriteSuppressed(w, o.Suppressed);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteSuppressed(w, type.Suppressed);
    }

    private static void WriteInitiator(Utf8JsonWriter w, Contract.InitiatorLeadTimes initiator)
    {
        w.WriteStartObject();
        w.WriteString("initiator", initiator.Initiator switch
        {
            Contract.Initiator.Citizen => "citizen",
            Contract.Initiator.Agency => "agency",
            _ => "automatic",
        });
        w.WriteNumber("started", initiator.Started);
        w.WriteNumber("delivered", initiator.Delivered);
        WriteStats(w, "total", initiator.Total);
        WriteStats(w, "waitingForCitizen", initiator.WaitingForCitizen);
        WriteStats(w, "agencyProcessing", initiator.AgencyProcessing);
        WriteStats(w, "delivery", initiator.Delivery);
        WriteSuppressed(w, initiator.Suppressed);
        w.WriteEndObject();
    }

    private static void WriteStarts(Utf8JsonWriter w, Contract.StartShare? starts)
    {
        w.WriteStartObject("starts");
        w.WriteNumber("started", starts?.Started ?? 0);
        w.WriteNumber("proactively", starts?.Proactively ?? 0);
        w.WriteNumber("share", Math.Round(starts?.Share ?? 0, 6));
        WriteSuppressed(w, starts?.Suppressed == true);
        w.WriteEndObject();
    }

    // Only where something is hidden, so unsuppressed documents (the offline analysis) stay lean.
    private static void WriteSuppressed(Utf8JsonWriter w, bool suppressed)
    {
        if (suppressed)
        {
            w.WriteBoolean("suppressed", true);
        }
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
            var title = type.Suppressed
                ? $"[bold]{Markup.Escape(type.JourneyType)}[/] — fewer journeys than process owners may see: {Hidden}"
                : $"[bold]{Markup.Escape(type.JourneyType)}[/] — {type.Journeys} completed journeys, end to end: median {Median(type.EndToEnd)}, p90 {P90(type.EndToEnd)}";
            var table = new Table()
                .Title(title)
                .Border(TableBorder.Simple)
                .AddColumns("Service", "Agency", "Delivered", "Total", "P90", "Waiting", "Processing", "Delivery");
            foreach (var s in type.Services)
            {
                table.AddRow(
                    Markup.Escape(s.Service), Markup.Escape(s.Agency), s.Suppressed ? Hidden : s.Count.ToString(CultureInfo.InvariantCulture),
                    Median(s.Total), P90(s.Total), Median(s.WaitingForCitizen), Median(s.AgencyProcessing), Median(s.Delivery));
            }
            AnsiConsole.Write(table);
        }
        AnsiConsole.MarkupLine($"[grey]Days. Total, waiting (for the citizen), processing (by the agency) and delivery are medians; P90 is the total's 90th percentile; '{None}': no journey yet. " +
            $"'{Hidden}': a group of fewer journeys than the server's minimum (Journey:Analytics:MinGroupSize), hidden from process owners.[/]");
    }

    // A suppressed figure is said to be hidden, and a figure of no journeys is a dash: neither is printed as
    // the zero the server sends in its place.
    private const string Hidden = "suppressed";
    private const string None = "–";

    private static string Median(Contract.DurationStats? stats) => Figure(stats, s => s.MedianSeconds);

    private static string P90(Contract.DurationStats? stats) => Figure(stats, s => s.P90Seconds);

    private static string Figure(Contract.DurationStats? stats, Func<Contract.DurationStats, double> seconds) => stats switch
    {
        { Suppressed: true } => Hidden,
        null or { Count: 0 } => None,
        _ => (seconds(stats) / 86_400.0).ToString("0.0 'd'", CultureInfo.InvariantCulture),
    };
}
