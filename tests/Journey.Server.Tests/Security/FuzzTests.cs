using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Server.Ingest;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;
using Journey.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Security;

/// <summary>
/// Thousands of random, mutated and noisy messages at a running server on loopback: it stays up,
/// answers every call with a status that is not INTERNAL (nor UNKNOWN, a handler's crash), and the
/// store then holds exactly the valid events, each once.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const string Caller = "nav";
    private const int UnaryMessages = 3_000;
    private const int Batches = 60;
    private const int EventsPerBatch = 25;
    private const int Seed = 20_260_406;

    private static readonly StatusCode[] Answers =
        [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.PermissionDenied, StatusCode.AlreadyExists, StatusCode.ResourceExhausted];

    [Fact]
    public async Task random_and_mutated_messages_never_break_the_server_and_only_valid_events_are_stored()
    {
        await using var server = await RunningServer.StartAsync();
        var catalog = server.Services.GetRequiredService<JourneyCatalog>();
        var validator = server.Services.GetRequiredService<EventValidator>();
        var random = new Random(Seed);
        var events = new RandomEvents(catalog, random);
        var messages = Enumerable.Range(0, UnaryMessages).Select(i => (i % 4) switch
        {
            0 => events.Garbage(),
            1 => events.Mutated(new Contract.AppendRequest { Event = events.Valid(Caller) }),
            _ => new Contract.AppendRequest { Event = events.Any(Caller) }.ToByteArray(),
        }).ToList();
        var batches = Enumerable.Range(0, Batches).Select(b =>
        {
            var batch = new Contract.AppendBatchRequest { BatchId = (ulong)b };
            batch.Events.AddRange(Enumerable.Range(0, EventsPerBatch).Select(_ => events.Any(Caller)));
            return batch;
        }).ToList();

        var statuses = new ConcurrentDictionary<StatusCode, int>();
        var accepted = new ConcurrentDictionary<Guid, byte>();
        var mismatches = new ConcurrentQueue<string>();
        var channel = server.ChannelFor(JourneyRoles.Agency, Caller);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = deadline.Token }, async (message, ct) =>
        {
            var (status, response) = await SendAsync(channel, message, ct);
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            var expected = Expect(message, validator);
            if (!Consistent(expected, status))
            {
                mismatches.Enqueue($"{status} for a message the door should answer with {string.Join(" or ", expected)}");
            }
            if (response?.Result?.Accepted is not null)
            {
                accepted[Guid.Parse(response.Result.EventId)] = 0;
            }
        });

        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = deadline.Token }, async (batch, ct) =>
        {
            using var call = new Contract.Ingest.IngestClient(channel).AppendStream(cancellationToken: ct);
            await call.RequestStream.WriteAsync(batch, ct);
            await call.RequestStream.CompleteAsync();
            var response = Assert.Single(await call.ResponseStream.ReadAllAsync(ct).ToListAsync(ct));
            for (var i = 0; i < batch.Events.Count; i++)
            {
                var result = response.Results[i];
                var status = result.Rejected is { } rejected ? (StatusCode)rejected.Code : StatusCode.OK;
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (!Consistent(Expect(batch.Events[i], validator), status))
                {
                    mismatches.Enqueue($"{status} in a batch for an event the door should answer otherwise");
                }
                if (result.Accepted is not null)
                {
                    accepted[Guid.Parse(result.EventId)] = 0;
                }
            }
        });

        var health = await new Grpc.Health.V1.Health.HealthClient(server.Channel).CheckAsync(new Grpc.Health.V1.HealthCheckRequest());
        var stored = await server.Services.GetRequiredService<IEventStore>()
            .ReadAllAsync(ReadDirection.Forwards, filter: StreamFilter.Prefix(JourneyId.StreamCategory + "-"))
            .Select(e => e.EventId)
            .ToListAsync();

        output.WriteLine($"{UnaryMessages} unary messages and {Batches * EventsPerBatch} streamed events: " +
            string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}")) + $"; {accepted.Count} events stored");
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.All(statuses.Keys, status => Assert.Contains(status, Answers));
        Assert.Empty(mismatches);
        Assert.True(accepted.Count > 200, $"only {accepted.Count} valid events were generated; the fuzzer barely reaches the store");
        Assert.Equal(stored.Count, stored.Distinct().Count());
        Assert.Equal(accepted.Keys.Order(), stored.Order());
    }

    private static async Task<(StatusCode Status, Contract.AppendResponse? Response)> SendAsync(Grpc.Net.Client.GrpcChannel channel, byte[] message, CancellationToken ct)
    {
        try
        {
            var bytes = await channel.CreateCallInvoker().AsyncUnaryCall(
                RawGrpc.Append, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct), message);
            return (StatusCode.OK, Contract.AppendResponse.Parser.ParseFrom(bytes));
        }
        catch (RpcException e)
        {
            return (e.StatusCode, null);
        }
    }

    /// <summary>What the door may answer, worked out from the message on this side.</summary>
    private static StatusCode[] Expect(byte[] message, EventValidator validator)
    {
        Contract.AppendRequest request;
        try
        {
            request = Contract.AppendRequest.Parser.ParseFrom(message);
        }
        catch (InvalidProtocolBufferException)
        {
            return [StatusCode.InvalidArgument];
        }
        return request.Event is null ? [StatusCode.InvalidArgument] : Expect(request.Event, validator);
    }

    private static StatusCode[] Expect(Contract.JourneyEvent e, EventValidator validator)
    {
        if (!string.IsNullOrEmpty(e.Agency) && e.Agency != Caller)
        {
            return [StatusCode.PermissionDenied];
        }
        // A valid event is stored, or found stored before (the same id, other content, is refused).
        return validator.TryValidate(e, out _, out _) ? [StatusCode.OK, StatusCode.AlreadyExists] : [StatusCode.InvalidArgument];
    }

    private static bool Consistent(StatusCode[] expected, StatusCode actual) => expected.Contains(actual);
}
