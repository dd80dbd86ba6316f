using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Contract = Journey.Contracts.V1;

namespace Journey.Cli.Commands;

/// <summary>
/// <c>journey opportunities</c>: the proactive-potential ranking — for each service, the citizen-days spent
/// waiting to apply while the data it depends on was already recorded — as a table or one JSON document.
/// </summary>
public static class OpportunitiesCommand
{
    public static Command Create()
    {
        var server = CommonOptions.Server();
        var json = CommonOptions.Json();
        var journeyType = new Option<string?>("--journey-type") { Description = "Only this journey type" };
        var from = new Option<string?>("--from") { Description = "First month of the life event, YYYY-MM" };
        var to = new Option<string?>("--to") { Description = "Last month of the life event, YYYY-MM" };
        var agency = new Option<string?>("--agency") { Description = "Only this agency's services" };
        var token = CommonOptions.Token();
        var dataDir = CommonOptions.DataDir();
        var timeout = CommonOptions.Timeout();
        var command = new Command("opportunities", "Rank the services where the citizen waits to apply for what the public sector already knows")
        {
            server, json, journeyType, from, to, agency, token, dataDir, timeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var channel = CommonOptions.Channel(parse.GetValue(server)!, CommonOptions.Tokens(parse, token, dataDir), Roles.ProcessOwner);
            var query = new Contract.AnalyticsQuery
            {
                JourneyType = parse.GetValue(journeyType) ?? "",
                FromMonth = parse.GetValue(from) ?? "",
                ToMonth = parse.GetValue(to) ?? "",
                Agency = parse.GetValue(agency) ?? "",
            };
            var ranking = await new Contract.Analytics.AnalyticsClient(channel).GetProactiveOpportunitiesAsync(query, deadline: CommonOptions.Deadline(parse, timeout), cancellationToken: cancellationToken);
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(ToJson(ranking));
            }
            else
            {
                WriteTable(ranking);
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The document scripts read: <c>checkpoint</c>, <c>minGroupSize</c> and <c>opportunities</c>, each with
    /// <c>rank</c>, <c>journeyType</c>, <c>service</c>, <c>agency</c>, <c>citizenDays</c>,
    /// <c>journeysAffected</c>, <c>medianWaitSeconds</c>, <c>reactiveStarts</c> and <c>suppressed</c>.
    /// </summary>
    public static string ToJson(Contract.ProactiveOpportunities ranking)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("checkpoint", ranking.Scope?.Checkpoint ?? 0);
            w.WriteNumber("minGroupSize", ranking.Scope?.MinGroupSize ?? 0);
            w.WriteStartArray("opportunities");
            foreach (var o in ranking.Opportunities)
            {
                w.WriteStartObject();
                w.WriteNumber("rank", o.Rank);
                w.WriteString("journeyType", o.JourneyType);
                w.WriteString("service", o.Service);
                w.WriteString("agency", o.Agency);
                w.WriteNumber("citizenDays", Math.Round(o.CitizenDays, 3));
                w.WriteNumber("journeysAffected", o.JourneysAffected);
                w.WriteNumber("medianWaitSeconds", Math.Round(o.Wait?.MedianSeconds ?? 0, 3));
                w.WriteNumber("reactiveStarts", o.ReactiveStarts);
                w.WriteBoolean("suppressed", o.Suppressed);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteTable(Contract.ProactiveOpportunities ranking)
    {
        if (ranking.Opportunities.Count == 0)
        {
            AnsiConsole.MarkupLine("[grey]No service that citizens apply for names the data it depends on (dependsOn in the catalog).[/]");
            return;
        }
        var table = new Table()
            .Border(TableBorder.Simple)
            .Title("[bold]Proactive potential[/]: citizen-days spent waiting to apply while the data was already recorded")
            .AddColumns("#", "Journey type", "Service", "Agency", "Citizen-days", "Journeys", "Median wait", "Applications");
        foreach (var o in ranking.Opportunities)
        {
            if (o.Suppressed)
            {
                table.AddRow(
                    o.Rank.ToString(CultureInfo.InvariantCulture), Markup.Escape(o.JourneyType), Markup.Escape(o.Service), Markup.Escape(o.Agency),
                    "[grey]suppressed[/]", $"[grey]< {ranking.Scope?.MinGroupSize}[/]", "", "");
                continue;
            }
            table.AddRow(
                o.Rank.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(o.JourneyType),
                Markup.Escape(o.Service),
                Markup.Escape(o.Agency),
                o.CitizenDays.ToString("N1", CultureInfo.InvariantCulture),
                o.JourneysAffected.ToString("N0", CultureInfo.InvariantCulture),
                ((o.Wait?.MedianSeconds ?? 0) / 86_400).ToString("0.0 'd'", CultureInfo.InvariantCulture),
                o.ReactiveStarts.ToString("N0", CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(string.Create(
            CultureInfo.InvariantCulture,
            $"[grey]Journeys: those in which the citizen applied after the data was recorded. Applications: all started by an application. Groups under {ranking.Scope?.MinGroupSize} journeys are suppressed.[/]"));
    }
}
