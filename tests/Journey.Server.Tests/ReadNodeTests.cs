using Grpc.Core;
using Journey.Domain.Events;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;
using Journey.Storage;
using Microsoft.Extensions.DependencyInjection;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests;

/// <summary>
/// A read node (<c>Journey:Role=Reader</c>) beside a server that stores events, on the same data directory: it
/// folds the same log into the same figures, records its reads in the same audit trail, and refuses events.
/// </summary>
public sealed class ReadNodeTests
{
    private const string ReaderRole = "--Journey:Role=Reader";

    [Fact]
    public async Task a_read_node_serves_the_figures_of_the_events_the_other_server_stored()
    {
        await using var writer = await RunningServer.StartAsync();
        await using var reader = await RunningServer.StartAsync(writer.DataDir, [ReaderRole]);
        // Five journeys: as many as a group needs to be shown to a process owner.
        var journeys = Enumerable.Range(0, 5).SelectMany(_ => Events.HandComputedJourney(Events.NewPerson())).ToList();

        var appended = await writer.AppendAsAgenciesAsync(journeys);

        Assert.All(appended, r => Assert.NotNull(r.Accepted));
        // Each server folds the log itself; the reader finds the other's commits by polling the file.
        var fromReader = await reader.LeadTimesAfterAsync(appended);
        var fromWriter = await writer.LeadTimesAfterAsync(appended);
        Assert.Equal(fromWriter, fromReader);
        var shown = Assert.Single(fromReader.JourneyTypes, t => t.JourneyType == "fa-barn");
        Assert.False(shown.Suppressed);
        Assert.Equal(5UL, shown.Journeys);
        Assert.Equal(Events.HandComputed.EndToEnd, shown.EndToEnd.MedianSeconds);
    }

    [Fact]
    public async Task a_read_node_refuses_events_by_either_call_and_stores_none()
    {
        await using var writer = await RunningServer.StartAsync();
        await using var reader = await RunningServer.StartAsync(writer.DataDir, [ReaderRole]);
        var journey = Events.HandComputedJourney(Events.NewPerson());
        var first = journey[0];

        var unary = await Assert.ThrowsAsync<RpcException>(async () =>
            await reader.IngestAs(first.Agency).AppendAsync(new Contract.AppendRequest { Event = first }));
        var streamed = await Assert.ThrowsAsync<RpcException>(() => reader.AppendAsAgenciesAsync(journey));

        foreach (var refused in new[] { unary, streamed })
        {
            Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
            Assert.Contains("read node (Journey:Role=Reader)", refused.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("Journey:Role=All", refused.Status.Detail, StringComparison.Ordinal);
        }
        var store = writer.Services.GetRequiredService<IEventStore>();
        Assert.Equal(0, await store.ReadAllAsync(ReadDirection.Forwards, filter: StreamFilter.Prefix(JourneyId.StreamCategory + "-")).LongCountAsync());
    }

    [Fact]
    public async Task a_read_on_a_read_node_is_recorded_in_the_trail_both_servers_keep()
    {
        await using var writer = await RunningServer.StartAsync();
        await using var reader = await RunningServer.StartAsync(writer.DataDir, [ReaderRole]);
        var trail = writer.Services.GetRequiredService<AuditTrail>().Store;
        var before = await AuditedMethodsAsync(trail);

        await reader.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest { JourneyType = "fa-barn" });
        await writer.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest { JourneyType = "dodsfall-og-arv" });

        // Read through the writer's own store: the reader's record is in the same file, beside the writer's.
        var added = (await AuditedMethodsAsync(trail)).Skip(before.Count).ToList();
        Assert.Equal(["fa-barn", "dodsfall-og-arv"], added);
    }

    private static async Task<List<string>> AuditedMethodsAsync(IEventStore trail)
    {
        var requests = new List<string>();
        await foreach (var e in trail.ReadAllAsync(ReadDirection.Forwards, filter: StreamFilter.Prefix(AuditTrail.StreamPrefix)))
        {
            using var record = System.Text.Json.JsonDocument.Parse(e.Data);
            var request = record.RootElement.GetProperty("what").GetProperty("request").GetString() ?? "";
            requests.Add(request.Contains("fa-barn", StringComparison.Ordinal) ? "fa-barn"
                : request.Contains("dodsfall-og-arv", StringComparison.Ordinal) ? "dodsfall-og-arv" : request);
        }
        return requests;
    }
}
