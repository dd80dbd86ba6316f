using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using Spectre.Console;
using Contract = Journey.Contracts.V1;

namespace Journey.Cli.Commands;

/// <summary>
/// <c>journey rebuild [--from N] [--to M]</c>: recompute the projections from a position range (by default
/// the whole log) into a separate state on the server, compare with live, and report time and rate.
/// </summary>
public static class RebuildCommand
{
    /// <summary>Exit status when the rebuilt state differs from the live state.</summary>
    public const int Differs = 2;

    public static Command Create()
    {
        var server = CommonOptions.Server();
        var token = CommonOptions.Token();
        var dataDir = CommonOptions.DataDir();
        var from = new Option<ulong?>("--from") { Description = "Fold the events after this position (default: from the start)" };
        var to = new Option<ulong?>("--to") { Description = "Fold the events up to and including this position (default: the live state's checkpoint)" };
        var command = new Command("rebuild", "Recompute the projections from the log (or a position range of it) and report whether they equal the live state")
        {
            server, token, dataDir, from, to,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var channel = CommonOptions.Channel(parse.GetValue(server)!, CommonOptions.Tokens(parse, token, dataDir), Roles.Admin);
            var request = new Contract.RebuildRequest();
            if (parse.GetValue(from) is { } first)
            {
                request.FromPosition = first;
            }
            if (parse.GetValue(to) is { } last)
            {
                request.ToPosition = last;
            }
            using var call = new Contract.Admin.AdminClient(channel).Rebuild(request, cancellationToken: cancellationToken);
            Contract.RebuildVerdict? verdict = null;
            await foreach (var progress in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (progress.Verdict is not null)
                {
                    verdict = progress.Verdict;
                }
                else
                {
                    AnsiConsole.MarkupLine($"[grey]{progress.Events:N0} events read, at position {progress.Position}[/]");
                }
            }
            if (verdict is null)
            {
                AnsiConsole.MarkupLine("[red]The server ended the rebuild without a verdict.[/]");
                return 1;
            }
            var rate = verdict.EventsPerSecond.ToString("N0", CultureInfo.InvariantCulture);
            if (!verdict.CoversLive)
            {
                AnsiConsole.MarkupLine(
                    $"[grey]Folded positions {verdict.FromPosition + 1} to {verdict.Checkpoint}: {verdict.Events:N0} events in {verdict.Seconds:0.00} s ({rate} events/s). "
                    + $"The live state covers the log up to {verdict.LiveCheckpoint}, so a partial range is expected to differ.[/]");
            }
            if (verdict.Equal)
            {
                AnsiConsole.MarkupLine($"[green]Rebuilt state equals the live state[/] at position {verdict.Checkpoint}: {verdict.Events:N0} events in {verdict.Seconds:0.00} s ({rate} events/s).");
                return 0;
            }
            AnsiConsole.MarkupLine($"[red]Rebuilt state differs from the live state[/] at position {verdict.Checkpoint} ({verdict.Differences.Count} differences):");
            foreach (var difference in verdict.Differences)
            {
                AnsiConsole.WriteLine("  " + difference);
            }
            return Differs;
        });
        return command;
    }
}
