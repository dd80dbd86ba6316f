using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using Spectre.Console;
using Contract = Journey.Contracts.V1;

namespace Journey.Cli.Commands;

/// <summary><c>journey rebuild</c>: recompute the projections from position zero and compare with live.</summary>
public static class RebuildCommand
{
    /// <summary>Exit status when the rebuilt state differs from the live state.</summary>
    public const int Differs = 2;

    public static Command Create()
    {
        var server = CommonOptions.Server();
        var command = new Command("rebuild", "Recompute the projections from position zero and report whether they equal the live state") { server };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var channel = CommonOptions.Channel(parse.GetValue(server)!);
            using var call = new Contract.Admin.AdminClient(channel).Rebuild(new Contract.RebuildRequest(), cancellationToken: cancellationToken);
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
