using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Journey.Cli.Exchange;
using Spectre.Console;
using Contract = Journey.Contracts.V1;

namespace Journey.Cli.Commands;

/// <summary>
/// <c>journey replay</c>: streams the pseudonymised log from a server's Replay as JSON lines, optionally
/// following it live; ends with the checkpoint to resume from and the rate. With <c>--quiet</c> it prints
/// only the rate: the replay throughput benchmark.
/// </summary>
public static class ReplayCommand
{
    /// <summary>What one replay delivered, and how fast.</summary>
    /// <param name="Events">Events received.</param>
    /// <param name="Messages">Stream messages received.</param>
    /// <param name="Checkpoint">The resume token: pass it as <c>after_position</c> to continue without gaps or repeats.</param>
    /// <param name="Seconds">From the call's start to its last message.</param>
    /// <param name="EventsPerSecond">Events over seconds.</param>
    public sealed record ReplayMeasurement(long Events, long Messages, ulong? Checkpoint, double Seconds, double EventsPerSecond);

    public static Command Create()
    {
        var server = CommonOptions.Server();
        var token = CommonOptions.Token();
        var dataDir = CommonOptions.DataDir();
        var follow = new Option<bool>("--follow") { Description = "Keep streaming new events once the past is delivered (Ctrl+C to stop)" };
        var count = new Option<long?>("--count") { Description = "Stop after this many events" }.AtLeast(1);
        var output = new Option<string?>("--out") { Description = "Write the JSON lines to this file instead of the console" };
        var quiet = new Option<bool>("--quiet") { Description = "Do not print events, only the summary (to measure throughput)" };
        var runs = new Option<int>("--runs")
        {
            Description = "With --quiet: replay this many times after one warm-up replay and print each rate and the best (the benchmark)",
            DefaultValueFactory = _ => 1,
        }.AtLeast(1);
        var selection = new SelectionOptions();
        var command = new Command("replay", "Stream the pseudonymised log from a server as JSON lines, and measure the replay rate")
        {
            server, token, dataDir, follow, count, output, quiet, runs,
        };
        foreach (var option in selection.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parse, cancellationToken) =>
        {
            Contract.ReplayRequest request;
            try
            {
                request = ServerEventSource.Request(selection.Selection(parse));
            }
            catch (ArgumentException ex)
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
                return 1;
            }
            request.Follow = parse.GetValue(follow);
            using var channel = CommonOptions.Channel(parse.GetValue(server)!, CommonOptions.Tokens(parse, token, dataDir), Roles.Researcher);
            var path = parse.GetValue(output);
            await using var file = path is null ? null : new StreamWriter(path, append: false) { NewLine = "\n" };
            var lines = parse.GetValue(quiet) ? null : file ?? Console.Out;
            var formatter = new JsonFormatter(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));
            Action<Contract.ReplayedEvent>? print = lines is null ? null : e => lines.WriteLine(formatter.Format(e));

            if (parse.GetValue(quiet) && parse.GetValue(runs) > 1 && !request.Follow)
            {
                var measured = await BenchmarkAsync(channel, request, parse.GetValue(runs), parse.GetValue(count), cancellationToken);
                foreach (var run in measured)
                {
                    Console.Error.WriteLine($"{run.Events:N0} events in {run.Seconds:0.000} s: {run.EventsPerSecond.ToString("N0", CultureInfo.InvariantCulture)} events/s");
                }
                Console.Error.WriteLine($"best of {measured.Count}: {measured.Max(r => r.EventsPerSecond).ToString("N0", CultureInfo.InvariantCulture)} events/s");
                return 0;
            }
            ReplayMeasurement result;
            try
            {
                result = await MeasureAsync(channel, request, parse.GetValue(count), print, cancellationToken);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                return 130;
            }
            var rate = result.EventsPerSecond.ToString("N0", CultureInfo.InvariantCulture);
            var resume = result.Checkpoint is { } checkpoint ? $"; resume with --after {checkpoint}" : "";
            Console.Error.WriteLine($"{result.Events:N0} events in {result.Messages:N0} messages, {result.Seconds:0.000} s: {rate} events/s{resume}");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The replay throughput benchmark: one warm-up replay (the first pays for compiling the client's and
    /// the server's code paths), then <paramref name="runs"/> measured replays of the same request.
    /// </summary>
    public static async Task<IReadOnlyList<ReplayMeasurement>> BenchmarkAsync(
        ChannelBase channel,
        Contract.ReplayRequest request,
        int runs,
        long? maxEvents = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        await MeasureAsync(channel, request, maxEvents, cancellationToken: cancellationToken);
        var measured = new List<ReplayMeasurement>(runs);
        for (var i = 0; i < runs; i++)
        {
            measured.Add(await MeasureAsync(channel, request, maxEvents, cancellationToken: cancellationToken));
        }
        return measured;
    }

    /// <summary>
    /// Replays and counts; the benchmark of the Replay path (server read, encode, loopback, client decode).
    /// Stops after <paramref name="maxEvents"/> events when given, else when the server ends the stream.
    /// </summary>
    public static async Task<ReplayMeasurement> MeasureAsync(
        ChannelBase channel,
        Contract.ReplayRequest request,
        long? maxEvents = null,
        Action<Contract.ReplayedEvent>? onEvent = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(request);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = Stopwatch.StartNew();
        long events = 0, messages = 0;
        ulong? checkpoint = request.HasAfterPosition ? request.AfterPosition : null;
        using var call = new Contract.Replay.ReplayClient(channel).Read(request, cancellationToken: stop.Token);
        try
        {
            while (await call.ResponseStream.MoveNext(stop.Token))
            {
                var response = call.ResponseStream.Current;
                messages++;
                foreach (var e in response.Events)
                {
                    onEvent?.Invoke(e);
                    events++;
                    checkpoint = e.Position;
                    if (events == maxEvents)
                    {
                        // Cut mid-message: the last event taken, not the message's checkpoint, is where to resume.
                        await stop.CancelAsync();
                        return Measured();
                    }
                }
                if (response.HasCheckpoint)
                {
                    checkpoint = response.Checkpoint;
                }
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Our own stop after maxEvents.
        }
        return Measured();

        ReplayMeasurement Measured()
        {
            var seconds = watch.Elapsed.TotalSeconds;
            return new ReplayMeasurement(events, messages, checkpoint, seconds, seconds > 0 ? events / seconds : 0);
        }
    }
}
