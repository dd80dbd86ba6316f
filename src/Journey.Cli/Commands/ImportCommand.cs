using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.ProcessMining;
using Contract = Journey.Contracts.V1;

namespace Journey.Cli.Commands;

/// <summary>
/// <c>journey import FILE --journey-type NAME</c>: sends an agency's exported log (XES or CSV) to a server as
/// the agency would, each trace one journey (<see cref="LogImportMapper"/> says how). The file is read twice:
/// first to check that every trace maps, so a bad file sends nothing; then to send. Event ids are derived
/// from the file, case and event, so a re-run (after a failure, or to resume) stores nothing twice: what
/// is stored already comes back as duplicates.
/// </summary>
public static class ImportCommand
{
    /// <summary>Exit status when the file cannot be read or mapped; nothing was sent.</summary>
    public const int BadInput = 2;

    /// <summary>Exit status when the server refused some events; the others are stored.</summary>
    public const int SomeRejected = 1;

    /// <summary>How far an import has come.</summary>
    public sealed record Progress(long Traces, long TotalTraces, long Events, long TotalEvents, long Accepted, long Duplicates, long Rejected);

    /// <summary>The outcome of an import.</summary>
    public sealed record Summary(long Traces, long Events, long Accepted, long Duplicates, long Rejected, IReadOnlyList<string> FirstRejections);

    public static Command Create()
    {
        var file = new LogFileOptions();
        var server = CommonOptions.Server();
        var journeyType = new Option<string>("--journey-type")
        {
            Description = "The catalog journey type each trace becomes a journey of",
            Required = true,
        };
        var agency = new Option<string?>("--agency")
        {
            Description = "Send every event as this agency (default: each activity's agency in the catalog; org:group picks one when a name is ambiguous)",
        };
        var initiator = new Option<string>("--initiator")
        {
            Description = "Initiator of the events that are not applications (citizen, agency or automatic)",
            DefaultValueFactory = _ => "agency",
        };
        initiator.AcceptOnlyFromAmong("citizen", "agency", "automatic");
        var batchSize = new Option<int>("--batch-size") { Description = "Events per streamed batch", DefaultValueFactory = _ => 500 }.AtLeast(1);
        var writeCatalog = new Option<string?>("--write-catalog")
        {
            Description = "Send nothing: write a draft catalog file for this log's journey type (kind process-log, one activity per log name, all of --agency) into this directory",
        };
        var token = CommonOptions.Token();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("import", "Send an agency's exported event log (XES or CSV) to the server, each trace as one journey; resumable, idempotent")
        {
            server, journeyType, agency, initiator, batchSize, writeCatalog, token, dataDir,
        };
        file.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file.File)!;
            var type = parse.GetValue(journeyType)!;
            try
            {
                if (parse.GetValue(writeCatalog) is { } directory)
                {
                    var written = WriteCatalogDraft(path, file.Csv(parse), type, parse.GetValue(agency)
                        ?? throw new LogMappingException("--write-catalog needs --agency: the agency whose process the log is"), directory);
                    Console.Out.WriteLine($"Wrote {written}. Review it, add it to the catalog the server loads (Journey:CatalogDir), restart the server, then import.");
                    return 0;
                }
                var options = new LogImportOptions(type, parse.GetValue(agency), Enum.Parse<Initiator>(parse.GetValue(initiator)!, ignoreCase: true));
                var lastReport = DateTime.MinValue;
                var progress = new Progress<Progress>(p =>
                {
                    if (DateTime.UtcNow - lastReport > TimeSpan.FromSeconds(1) || p.Traces == p.TotalTraces)
                    {
                        lastReport = DateTime.UtcNow;
                        Console.Error.WriteLine(string.Create(
                            CultureInfo.InvariantCulture,
                            $"{p.Traces:N0}/{p.TotalTraces:N0} traces, {p.Events:N0}/{p.TotalEvents:N0} events sent: {p.Accepted:N0} accepted, {p.Duplicates:N0} duplicates, {p.Rejected:N0} rejected"));
                    }
                });
                var summary = await RunAsync(
                    path, parse.GetValue(server)!, options, file.LoadCatalog(parse), file.Csv(parse), parse.GetValue(batchSize),
                    CommonOptions.Tokens(parse, token, dataDir), progress, cancellationToken);
                Console.Out.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{summary.Traces:N0} traces, {summary.Events:N0} events: {summary.Accepted:N0} accepted, {summary.Duplicates:N0} already stored, {summary.Rejected:N0} rejected"));
                if (summary.Rejected == 0)
                {
                    return 0;
                }
                foreach (var rejection in summary.FirstRejections)
                {
                    Console.Error.WriteLine("  " + rejection);
                }
                Console.Error.WriteLine("The other events are stored. Fix the cause and run the same import again: stored events come back as duplicates.");
                return SomeRejected;
            }
            catch (Exception e) when (e is EventLogFormatException or LogMappingException or CatalogException or FileNotFoundException)
            {
                Console.Error.WriteLine($"{path}: {e.Message}");
                Console.Error.WriteLine("Nothing was sent.");
                return BadInput;
            }
        });
        return command;
    }

    /// <summary>Drafts the journey type (<see cref="LogCatalogDraft"/>) into <paramref name="directory"/>; never overwrites a file.</summary>
    /// <returns>The path written.</returns>
    public static string WriteCatalogDraft(string path, CsvLogOptions? csv, string journeyType, string agency, string directory)
    {
        var target = Path.Combine(directory, $"{journeyType}.v1.json");
        if (File.Exists(target))
        {
            throw new LogMappingException($"{target} exists already; a draft never overwrites the catalog");
        }
        var draft = LogCatalogDraft.Create(EventLogFile.Read(path, csv), journeyType, agency, Path.GetFileName(path));
        Directory.CreateDirectory(directory);
        File.WriteAllText(target, draft);
        return target;
    }

    /// <summary>
    /// Checks that every trace maps (throwing before anything is sent when one does not), then streams the
    /// events of each agency over that agency's own stream, with that agency's token, in file order. A
    /// trace goes in one batch when it fits; a longer one is sent in parts, each after the previous is
    /// acknowledged, so the server stores its events in file order (ties in time keep that order).
    /// </summary>
    /// <exception cref="EventLogFormatException">The file is malformed.</exception>
    /// <exception cref="LogMappingException">A trace does not map onto the journey type.</exception>
    public static async Task<Summary> RunAsync(
        string path,
        string server,
        LogImportOptions options,
        JourneyCatalog catalog,
        CsvLogOptions? csv,
        int batchSize,
        TokenSource tokens,
        IProgress<Progress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        // Refuses a file that is not there before anything reads it.
        var counted = EventLogFile.Read(path, csv);
        var mapper = new LogImportMapper(catalog, options, await LogImportMapper.DigestAsync(path, cancellationToken));

        long totalTraces = 0, totalEvents = 0;
        foreach (var trace in counted)
        {
            cancellationToken.ThrowIfCancellationRequested();
            totalEvents += mapper.Map(trace).Count;
            totalTraces++;
        }

        var senders = new Dictionary<string, AgencySender>(StringComparer.Ordinal);
        long traces = 0, events = 0;
        void Report() => progress?.Report(new Progress(
            traces, totalTraces, events, totalEvents,
            senders.Values.Sum(s => s.Accepted), senders.Values.Sum(s => s.Duplicates), senders.Values.Sum(s => s.Rejected)));
        try
        {
            foreach (var trace in EventLogFile.Read(path, csv))
            {
                var mapped = mapper.Map(trace);
                foreach (var group in mapped.GroupBy(e => e.Agency, StringComparer.Ordinal))
                {
                    if (!senders.TryGetValue(group.Key, out var sender))
                    {
                        sender = new AgencySender(server, tokens, group.Key, batchSize, cancellationToken);
                        senders.Add(group.Key, sender);
                    }
                    await sender.AddTraceAsync([.. group.Select(ToContract)]);
                }
                traces++;
                events += mapped.Count;
                if (traces % 100 == 0)
                {
                    Report();
                }
            }
            foreach (var sender in senders.Values)
            {
                await sender.CompleteAsync();
            }
        }
        finally
        {
            foreach (var sender in senders.Values)
            {
                sender.Dispose();
            }
        }
        Report();
        return new Summary(
            traces,
            events,
            senders.Values.Sum(s => s.Accepted),
            senders.Values.Sum(s => s.Duplicates),
            senders.Values.Sum(s => s.Rejected),
            [.. senders.Values.SelectMany(s => s.FirstRejections).Take(10)]);
    }

    /// <summary>The journey.v1 message of an imported event.</summary>
    public static Contract.JourneyEvent ToContract(ImportedEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new Contract.JourneyEvent
        {
            EventId = e.EventId.ToString("D"),
            JourneyType = e.JourneyType,
            Agency = e.Agency,
            Activity = e.Activity,
            Subject = e.Subject,
            OccurredAt = e.OccurredAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture),
            Initiator = e.Initiator switch
            {
                Initiator.Citizen => Contract.Initiator.Citizen,
                Initiator.Agency => Contract.Initiator.Agency,
                _ => Contract.Initiator.Automatic,
            },
            Lifecycle = e.Lifecycle == Lifecycle.Start ? Contract.Lifecycle.Start : Contract.Lifecycle.Complete,
        };
    }

    /// <summary>One agency's stream: batches of whole traces, results read as they come.</summary>
    private sealed class AgencySender : IDisposable
    {
        private readonly Grpc.Net.Client.GrpcChannel channel;
        private readonly AsyncDuplexStreamingCall<Contract.AppendBatchRequest, Contract.AppendBatchResponse> call;
        private readonly Task reading;
        private readonly SemaphoreSlim acknowledged = new(0);
        private readonly int batchSize;
        private readonly CancellationToken cancellationToken;
        private readonly List<string> rejections = [];
        private Contract.AppendBatchRequest batch = new();
        private ulong written;
        private ulong waitedFor;
        private long accepted, duplicates, rejected;

        public AgencySender(string server, TokenSource tokens, string agency, int batchSize, CancellationToken cancellationToken)
        {
            channel = CommonOptions.Channel(server, tokens, Roles.Agency, agency);
            call = new Contract.Ingest.IngestClient(channel).AppendStream(cancellationToken: cancellationToken);
            this.batchSize = batchSize;
            this.cancellationToken = cancellationToken;
            reading = Task.Run(ReadAsync, cancellationToken);
        }

        public long Accepted => Interlocked.Read(ref accepted);

        public long Duplicates => Interlocked.Read(ref duplicates);

        public long Rejected => Interlocked.Read(ref rejected);

        public IReadOnlyList<string> FirstRejections
        {
            get
            {
                lock (rejections)
                {
                    return [.. rejections];
                }
            }
        }

        public async Task AddTraceAsync(IReadOnlyList<Contract.JourneyEvent> events)
        {
            if (batch.Events.Count + events.Count > batchSize)
            {
                await FlushAsync();
            }
            if (events.Count <= batchSize)
            {
                batch.Events.AddRange(events);
                return;
            }
            // Too long for one batch: the server runs batches of a stream side by side, so each part
            // waits for everything before it, and the journey's events are stored in file order.
            for (var offset = 0; offset < events.Count; offset += batchSize)
            {
                await WaitForAllAsync();
                batch.Events.AddRange(events.Skip(offset).Take(batchSize));
                await FlushAsync();
            }
            await WaitForAllAsync();
        }

        public async Task CompleteAsync()
        {
            await FlushAsync();
            await call.RequestStream.CompleteAsync();
            await reading;
        }

        public void Dispose()
        {
            call.Dispose();
            channel.Dispose();
            acknowledged.Dispose();
        }

        private async Task FlushAsync()
        {
            if (batch.Events.Count == 0)
            {
                return;
            }
            batch.BatchId = written++;
            await call.RequestStream.WriteAsync(batch, cancellationToken);
            batch = new Contract.AppendBatchRequest();
        }

        private async Task WaitForAllAsync()
        {
            while (waitedFor < written)
            {
                await acknowledged.WaitAsync(cancellationToken);
                waitedFor++;
            }
        }

        private async Task ReadAsync()
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                foreach (var result in response.Results)
                {
                    switch (result.OutcomeCase)
                    {
                        case Contract.EventResult.OutcomeOneofCase.Accepted:
                            Interlocked.Increment(ref accepted);
                            break;
                        case Contract.EventResult.OutcomeOneofCase.Duplicate:
                            Interlocked.Increment(ref duplicates);
                            break;
                        default:
                            Interlocked.Increment(ref rejected);
                            lock (rejections)
                            {
                                if (rejections.Count < 10)
                                {
                                    rejections.Add($"{result.EventId}: {result.Rejected?.Message} {string.Join("; ", result.Rejected?.Violations.Select(v => $"{v.Field} {v.Description}") ?? [])}");
                                }
                            }
                            break;
                    }
                }
                acknowledged.Release();
            }
        }
    }
}
