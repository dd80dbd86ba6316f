using System.Net;
using System.Net.Sockets;
using Journey.Server.Tests.Infrastructure;

namespace Journey.Server.Tests;

/// <summary>
/// A count the tool cannot work with, or a value that is not what its option takes, is refused as the command line is
/// read, naming the option; a server that does not answer is given up on with a clear line.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class CommandLineInputTests
{
    [Theory]
    [InlineData(new[] { "bench", "--events", "0" }, "--events must be at least 1; it was 0.")]
    [InlineData(new[] { "bench", "--journeys", "-3" }, "--journeys must be at least 1; it was -3.")]
    [InlineData(new[] { "bench", "--unary-events", "-1" }, "--unary-events must be at least 0; it was -1.")]
    [InlineData(new[] { "bench", "--rebuilds", "0" }, "--rebuilds must be at least 1; it was 0.")]
    [InlineData(new[] { "bench", "--settle-seconds", "-5" }, "--settle-seconds must be at least 0; it was -5.")]
    [InlineData(new[] { "simulate", "--journeys", "0" }, "--journeys must be at least 1; it was 0.")]
    [InlineData(new[] { "simulate", "--batch-size", "0" }, "--batch-size must be at least 1; it was 0.")]
    [InlineData(new[] { "import", "log.xes", "--journey-type", "x", "--agency", "kommune", "--batch-size", "0" }, "--batch-size must be at least 1; it was 0.")]
    [InlineData(new[] { "replay", "--count", "0" }, "--count must be at least 1; it was 0.")]
    [InlineData(new[] { "replay", "--quiet", "--runs", "0" }, "--runs must be at least 1; it was 0.")]
    [InlineData(new[] { "leadtimes", "--timeout", "0" }, "--timeout must be at least 1; it was 0.")]
    [InlineData(new[] { "simulate", "--journeys", "many" }, "--journeys must be a whole number; it was 'many'.")]
    [InlineData(new[] { "simulate", "--seed", "x" }, "--seed must be a whole number; it was 'x'.")]
    [InlineData(new[] { "replay", "--count", "1e3" }, "--count must be a whole number; it was '1e3'.")]
    [InlineData(new[] { "leadtimes", "--timeout", "soon" }, "--timeout must be a whole number; it was 'soon'.")]
    [InlineData(new[] { "rebuild", "--to", "-5" }, "--to must be a position: a whole number, 0 or more; it was '-5'.")]
    [InlineData(new[] { "export", "--format", "csv", "--out", "refused.csv", "--after", "last" }, "--after must be a position: a whole number, 0 or more; it was 'last'.")]
    [InlineData(new[] { "token", "--role", "admin", "--lifetime", "1h" }, "--lifetime must be a duration such as 00:30:00 (hours:minutes:seconds) or 1.00:00:00 (a day); it was '1h'.")]
    [InlineData(new[] { "leadtimes", "--server", "127.0.0.1:5080" }, "--server must be an http:// or https:// address, such as http://127.0.0.1:5080; it was '127.0.0.1:5080'.")]
    [InlineData(new[] { "opportunities", "--server", "grpc://localhost" }, "--server must be an http:// or https:// address, such as http://127.0.0.1:5080; it was 'grpc://localhost'.")]
    public async Task a_value_the_tool_cannot_work_with_is_refused_as_the_command_line_is_read_naming_the_option(string[] args, string reason)
    {
        var (exit, output, error) = await CommandLine.RunAsync(args);

        Assert.Equal(1, exit);
        Assert.Contains(reason, output + error, StringComparison.Ordinal);
        // Refused as the command line is read, in the user's words: no .NET type name, no exception from inside the
        // command, and nothing done.
        Assert.DoesNotContain("System.", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("journey: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
        Assert.False(File.Exists("refused.csv"));
    }

    [Fact]
    public async Task two_bench_modes_given_together_are_refused_before_anything_runs()
    {
        // Nothing may start: without the check the store run would begin, and no report would be timed.
        var (exit, output, error) = await CommandLine.RunAsync("bench", "--store-only", "--reports-only", "--events", "1000");

        Assert.Equal(1, exit);
        Assert.Contains("--store-only and --reports-only are two different runs; give one of them.", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("Growing one embedded store", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("leadtimes")]
    [InlineData("opportunities")]
    public async Task a_server_that_takes_the_connection_but_never_answers_is_given_up_on_after_the_timeout(string command)
    {
        // A listener that accepts and then says nothing, as a stuck server or a wrong port behind a proxy does.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<TcpClient>();
        var accepting = Task.Run(async () =>
        {
            while (true)
            {
                var client = await silent.AcceptTcpClientAsync();
                lock (held)
                {
                    held.Add(client);
                }
            }
        });
        try
        {
            var address = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";

            var (exit, output, error) = await CommandLine.RunAsync(command, "--server", address, "--token", "not-needed", "--timeout", "1");

            Assert.Equal(5, exit);
            Assert.Contains("did not answer within the time allowed (--timeout", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
        }
        finally
        {
            // Also when an assertion fails: the accepting loop ends and the held connections close.
            silent.Stop();
            await accepting.ContinueWith(_ => { }, TaskScheduler.Default);
            lock (held)
            {
                held.ForEach(c => c.Dispose());
            }
        }
    }
}
