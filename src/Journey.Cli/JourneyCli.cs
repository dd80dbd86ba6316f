using System.CommandLine;
using Google.Rpc;
using Grpc.Core;
using Journey.Cli.Commands;
using Spectre.Console;

namespace Journey.Cli;

/// <summary>The <c>journey</c> command tree.</summary>
public static class JourneyCli
{
    public static RootCommand Create() => new RootCommand("journey — feed, query and rebuild Journey, the service-journey tracker")
    {
        SimulateCommand.Create(),
        LeadTimesCommand.Create(),
        AnalyzeCommand.Create(),
        ImportCommand.Create(),
        OpportunitiesCommand.Create(),
        RebuildCommand.Create(),
        ExportCommand.Create(),
        ReplayCommand.Create(),
        TokenCommand.Create(),
        MigrateCommand.Create(),
        BenchCommand.Create(),
    }.WithPlainParseErrors();

    /// <summary>
    /// Output to a file or a pipe has no width to wrap at, but Spectre.Console would wrap it at 80 columns: a lead-time
    /// table's service names split over lines and its headings cut short, a one-line verdict broken in two. There it is
    /// written at its own width instead. A terminal's width is kept.
    /// </summary>
    public static void FitOutputToItsDestination()
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = UnwrappedWidth;
        }
    }

    /// <summary>What the server said was wrong with each field of the call, when it said (google.rpc.BadRequest).</summary>
    private static string Violations(RpcException refused) =>
        refused.GetRpcStatus()?.GetDetail<BadRequest>() is { FieldViolations.Count: > 0 } bad
            ? " (" + string.Join("; ", bad.FieldViolations.Select(v => $"{v.Field} {v.Description}")) + ")"
            : "";

    // Wider than any table or line the tool prints; nothing it prints stretches to the width.
    private const int UnwrappedWidth = 1024;

    /// <summary>
    /// Runs the tool on <paramref name="args"/>: failures a person can act on get one clear line on standard error and
    /// a distinct exit status, not a stack trace.
    /// </summary>
    /// <returns>The command's exit status; 3 when the server cannot be reached, 4 when it refused the call, 5 when it did
    /// not answer within <c>--timeout</c>, 1 for input the tool cannot use.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return await Create().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
        {
            await Console.Error.WriteLineAsync("journey: the server cannot be reached. Is it running (dotnet run --project src/Journey.Server), and is --server right?");
            return 3;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded)
        {
            await Console.Error.WriteLineAsync(
                $"journey: the server did not answer within the time allowed (--timeout, {CommonOptions.DefaultTimeoutSeconds} s unless given). It may be busy or stuck: try again, or allow longer.");
            return 5;
        }
        catch (RpcException ex)
        {
            await Console.Error.WriteLineAsync($"journey: the server refused the call: {ex.StatusCode}: {ex.Status.Detail}{Violations(ex)}");
            return 4;
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"journey: {ex.Message}");
            return 1;
        }
    }
}
