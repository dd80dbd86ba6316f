using Journey.Cli;
using Spectre.Console;

namespace Journey.Server.Tests.Infrastructure;

/// <summary>Runs the <c>journey</c> tool in process as a user would, capturing what it prints.</summary>
/// <remarks>Console output is process-wide: tests that use this belong to <see cref="ConsoleCollection"/>.</remarks>
public static class CommandLine
{
    public static async Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        var (stdout, stderr, ansi) = (Console.Out, Console.Error, AnsiConsole.Console);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        // Spectre keeps the writer it was created with; give it this one for the run, then the old one back.
        // Plain text, as when the output goes to a file, and wide enough that a table title stays on one line.
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 200;
        AnsiConsole.Console = console;
        try
        {
            var exit = await JourneyCli.RunAsync(args);
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            AnsiConsole.Console = ansi;
        }
    }
}
