using System.Diagnostics;
using Journey.Cli.Benchmarks;

namespace Journey.Server.Tests.Infrastructure;

/// <summary>
/// A program of this repository run as its user runs it: a process of its own on the host that runs the tests, its
/// output piped, given a minute to end.
/// </summary>
public static class ChildProcess
{
    /// <param name="assembly">The program's assembly (<c>journey.dll</c>, <c>Journey.Server.dll</c>).</param>
    public static async Task<(int Exit, string Out, string Error)> RunAsync(
        string assembly, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(ServerProcess.DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(assembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
        return (process.ExitCode, await output, await error);
    }
}
