using System.CommandLine;
using Grpc.Core;
using Journey.Cli.Simulation;
using Journey.Domain.Catalog;
using Spectre.Console;
using Contract = Journey.Contracts.V1;

namespace Journey.Cli.Commands;

/// <summary><c>journey simulate</c>: realistic synthetic journeys, sent over gRPC as the several agencies.</summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var server = CommonOptions.Server();
        var journeys = new Option<int>("--journeys") { Description = "How many journeys to simulate", DefaultValueFactory = _ => 1_000 }.AtLeast(1);
        var seed = new Option<int>("--seed") { Description = "Same seed, same events (and the same event ids: a re-run stores nothing new)", DefaultValueFactory = _ => 1 };
        var batchSize = new Option<int>("--batch-size") { Description = "Events per streamed batch", DefaultValueFactory = _ => 500 }.AtLeast(1);
        var token = CommonOptions.Token();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("simulate", "Send realistic synthetic journeys for the catalog to a server, as the agencies would")
        {
            server, journeys, seed, batchSize, token, dataDir,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var summary = await RunAsync(
                parse.GetValue(server)!, parse.GetValue(journeys), parse.GetValue(seed), parse.GetValue(batchSize), cancellationToken,
                CommonOptions.Tokens(parse, token, dataDir));
            var table = new Table().AddColumns("Agency", "Sent", "Accepted", "Duplicates", "Rejected");
            foreach (var (agency, counts) in summary.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                table.AddRow(agency, counts.Sent.ToString(), counts.Accepted.ToString(), counts.Duplicates.ToString(), counts.Rejected.ToString());
            }
            AnsiConsole.Write(table);
            return summary.Values.Sum(c => c.Rejected) == 0 ? 0 : 1;
        });
        return command;
    }

    public sealed record AgencyCounts(long Sent, long Accepted, long Duplicates, long Rejected, IReadOnlyList<string> FirstRejections);

    /// <summary>
    /// Generates and sends; each agency streams its own events, all agencies at once, each with a token
    /// for that agency from <paramref name="tokens"/> (default: <c>JOURNEY_TOKEN</c>, else development
    /// tokens signed with the key in ./data).
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, AgencyCounts>> RunAsync(
        string server, int journeys, int seed, int batchSize, CancellationToken cancellationToken, TokenSource? tokens = null)
    {
        tokens ??= TokenSource.Resolve(null, CommonOptions.DefaultDataDir);
        var catalog = CatalogLoader.LoadDefault();
        var byAgency = new JourneySimulator(catalog, seed).Generate(journeys)
            .GroupBy(e => e.Agency, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        var sends = byAgency.Select(async pair =>
        {
            using var channel = CommonOptions.Channel(server, tokens, Roles.Agency, pair.Key);
            return (pair.Key, await SendAsync(new Contract.Ingest.IngestClient(channel), pair.Value, batchSize, cancellationToken));
        });
        return (await Task.WhenAll(sends)).ToDictionary(r => r.Key, r => r.Item2, StringComparer.Ordinal);
    }

    /// <summary>Streams events in batches and tallies the per-event results.</summary>
    public static async Task<AgencyCounts> SendAsync(Contract.Ingest.IngestClient client, IReadOnlyList<Contract.JourneyEvent> events, int batchSize, CancellationToken cancellationToken)
    {
        using var call = client.AppendStream(cancellationToken: cancellationToken);
        long accepted = 0, duplicates = 0, rejected = 0;
        var rejections = new List<string>();
        var reading = Task.Run(async () =>
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                foreach (var result in response.Results)
                {
                    switch (result.OutcomeCase)
                    {
                        case Contract.EventResult.OutcomeOneofCase.Accepted: accepted++; break;
                        case Contract.EventResult.OutcomeOneofCase.Duplicate: duplicates++; break;
                        default:
                            rejected++;
                            if (rejections.Count < 5)
                            {
                                rejections.Add($"{result.EventId}: {result.Rejected.Message} {string.Join("; ", result.Rejected.Violations.Select(v => $"{v.Field} {v.Description}"))}");
                            }
                            break;
                    }
                }
            }
        }, cancellationToken);

        ulong batchId = 0;
        for (var offset = 0; offset < events.Count; offset += batchSize)
        {
            var batch = new Contract.AppendBatchRequest { BatchId = batchId++ };
            for (var i = offset; i < Math.Min(events.Count, offset + batchSize); i++)
            {
                batch.Events.Add(events[i]);
            }
            await call.RequestStream.WriteAsync(batch, cancellationToken);
        }
        await call.RequestStream.CompleteAsync();
        await reading;
        return new AgencyCounts(events.Count, accepted, duplicates, rejected, rejections);
    }
}
