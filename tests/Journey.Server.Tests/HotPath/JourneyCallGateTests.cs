using Grpc.Core;
using Journey.Server.Ingest;
using Journey.Server.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.HotPath;

/// <summary>The bound on ingest's outstanding journey-grain calls: never exceeded, never leaked, never a deadlock.</summary>
public sealed class JourneyCallGateTests
{
    [Fact]
    public async Task no_more_calls_than_the_limit_run_at_once_and_the_next_starts_when_one_ends()
    {
        var gate = new JourneyCallGate(2);
        var first = new TaskCompletionSource<int>();
        var second = new TaskCompletionSource<int>();
        var started = 0;

        var a = await gate.StartAsync(() => { started++; return first.Task; }, CancellationToken.None);
        var b = await gate.StartAsync(() => { started++; return second.Task; }, CancellationToken.None);
        var third = gate.StartAsync(() => { started++; return Task.FromResult(3); }, CancellationToken.None);

        Assert.Equal((2, 2), (started, gate.InFlight));
        Assert.False(third.IsCompleted);

        first.SetResult(1);
        var c = await third;

        Assert.Equal((1, 3), (await a, await c));
        Assert.Equal(3, started);
        second.SetResult(2);
        Assert.Equal(2, await b);
        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public async Task a_call_that_fails_frees_its_slot_whether_it_throws_at_once_or_later()
    {
        var gate = new JourneyCallGate(1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => gate.StartAsync<int>(() => throw new InvalidOperationException("at once"), CancellationToken.None));
        var failing = await gate.StartAsync<int>(() => Task.FromException<int>(new InvalidOperationException("later")), CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);

        Assert.Equal(0, gate.InFlight);
        Assert.Equal(7, await await gate.StartAsync(() => Task.FromResult(7), CancellationToken.None));
    }

    [Fact]
    public async Task cancelled_while_waiting_it_starts_nothing_and_holds_no_slot()
    {
        var gate = new JourneyCallGate(1);
        var running = new TaskCompletionSource<int>();
        var started = false;
        _ = await gate.StartAsync(() => running.Task, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = gate.StartAsync(() => { started = true; return Task.FromResult(0); }, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        running.SetResult(1);
        Assert.False(started);
        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public async Task a_server_with_room_for_one_call_stores_batches_of_many_journeys_from_several_streams()
    {
        await using var server = await RunningServer.StartAsync(settings: ["--Journey:Limits:JourneyCallsInFlight=1"]);
        var streams = Enumerable.Range(0, 3).Select(_ => server.IngestAs("folkeregisteret").AppendStream()).ToList();
        // Each journey its own birth date: the synthetic numbers of one date are few.
        var born = new DateOnly(1970, 1, 1);
        foreach (var call in streams)
        {
            for (ulong b = 0; b < 4; b++)
            {
                var batch = new Contract.AppendBatchRequest { BatchId = b };
                for (var i = 0; i < 25; i++)
                {
                    born = born.AddDays(1);
                    batch.Events.Add(Events.FaBarn(Events.NewPerson(born), "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00"));
                }
                await call.RequestStream.WriteAsync(batch);
            }
            await call.RequestStream.CompleteAsync();
        }

        foreach (var call in streams)
        {
            var responses = await call.ResponseStream.ReadAllAsync().ToListAsync();
            Assert.Equal([0ul, 1ul, 2ul, 3ul], responses.Select(r => r.BatchId));
            Assert.All(responses.SelectMany(r => r.Results), r => Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, r.OutcomeCase));
            call.Dispose();
        }
    }

    [Fact]
    public async Task a_bound_below_one_stops_the_server_at_start_up()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            RunningServer.StartAsync(settings: ["--Journey:Limits:JourneyCallsInFlight=0"]));

        Assert.Contains("JourneyCallsInFlight must be at least 1", error.Message, StringComparison.Ordinal);
    }
}
