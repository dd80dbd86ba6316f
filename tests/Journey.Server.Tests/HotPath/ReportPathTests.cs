using Google.Protobuf;
using Grpc.Core;
using Journey.Server.Projections;
using Journey.Server.Queries;
using Journey.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.HotPath;

/// <summary>A lead-time query is served from the last report, which crosses the grain call as it is, and is never much older than the fold.</summary>
public sealed class ReportPathTests
{
    [Fact]
    public async Task the_lead_time_report_crosses_a_grain_call_without_being_copied()
    {
        await using var server = await RunningServer.StartAsync();
        var grain = Projection(server);

        var first = await grain.GetReportAsync();
        var second = await grain.GetReportAsync();

        // Nothing was folded in between, so both calls hand out the one immutable report.
        Assert.Same(first, second);
    }

    [Fact]
    public async Task a_reports_contract_form_is_made_once_per_report_and_journey_type()
    {
        await using var server = await RunningServer.StartAsync();
        var grain = Projection(server);
        var appended = await server.AppendAsAgenciesAsync(Events.HandComputedJourney(Events.NewPerson()));
        var report = await ReportHoldingAsync(grain, appended.Max(a => a.Accepted.Position));
        var responses = server.Services.GetRequiredService<LeadTimesResponses>();

        var all = responses.For(report, null);
        var faBarn = responses.For(report, "fa-barn");
        var unknown = responses.For(report, "finnes-ikke");

        Assert.Same(all, responses.For(report, null));
        Assert.Same(faBarn, responses.For(report, "fa-barn"));
        // What process owners may see: the one journey is fewer than k = 5.
        Assert.Equal(LeadTimesMapping.ToContract(report.Suppress(5)), all);
        Assert.True(all.JourneyTypes.Single(t => t.JourneyType == "fa-barn").Suppressed);
        Assert.Equal(["fa-barn"], faBarn.JourneyTypes.Select(t => t.JourneyType));
        // What is not in the report is answered, empty, but not remembered.
        Assert.Empty(unknown.JourneyTypes);
        Assert.NotSame(unknown, responses.For(report, "finnes-ikke"));
        // Another report, even an equal one, is made again; the one before stays at hand for the queries that still hold it.
        var next = report with { };
        var nextAll = responses.For(next, null);
        Assert.NotSame(all, nextAll);
        Assert.Equal(all, nextAll);
        Assert.Same(all, responses.For(report, null));
        Assert.Same(nextAll, responses.For(next, null));
    }

    [Fact]
    public async Task an_answer_goes_out_as_bytes_made_once_for_its_message()
    {
        await using var server = await RunningServer.StartAsync();
        var grain = Projection(server);
        var last = await StoreFiveJourneysAsync(server);
        var report = await ReportHoldingAsync(grain, last);
        var made = server.Services.GetRequiredService<LeadTimesResponses>().For(report, null);

        // Over gRPC, what the client reads is the message the server made, figures and all.
        var answered = await server.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest());
        Assert.Equal(made, answered);
        Assert.Equal(5UL, answered.JourneyTypes.Single(t => t.JourneyType == "fa-barn").Journeys);

        // The method as bound writes the one array it made for the message, call after call: the message's own bytes.
        var method = BoundGetLeadTimes();
        var first = Serialise(method.ResponseMarshaller, made);
        var second = Serialise(method.ResponseMarshaller, made);
        Assert.Same(first, second);
        Assert.Equal(made.ToByteArray(), first);
        // Another message, even an equal one, has bytes of its own.
        Assert.NotSame(first, Serialise(method.ResponseMarshaller, made.Clone()));
    }

    private static Method<Contract.GetLeadTimesRequest, Contract.LeadTimesReport> BoundGetLeadTimes()
    {
        var binder = new MethodsBound();
        LeadTimesService.BindService(binder, null!);
        return (Method<Contract.GetLeadTimesRequest, Contract.LeadTimesReport>)binder.Methods.Single(m => m.Name == "GetLeadTimes");
    }

    private static byte[] Serialise<T>(Marshaller<T> marshaller, T message)
    {
        var context = new Written();
        marshaller.ContextualSerializer(message, context);
        return context.Payload!;
    }

    private sealed class MethodsBound : ServiceBinderBase
    {
        public List<IMethod> Methods { get; } = [];

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) => Methods.Add(method);
    }

    private sealed class Written : SerializationContext
    {
        public byte[]? Payload { get; private set; }

        public override void Complete(byte[] payload) => Payload = payload;
    }

    [Fact]
    public async Task one_query_after_a_quiet_spell_answers_with_what_was_folded_meanwhile()
    {
        await using var server = await RunningServer.StartAsync();
        var grain = Projection(server);
        var before = await server.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest());
        var last = await StoreFiveJourneysAsync(server);
        // Folded while nobody asked: the last report made is still the one before the journeys.
        await FoldedAsync(grain, last);
        // Older than two refresh intervals (a second each for a projection this small) by now.
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var after = await server.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest { JourneyType = "fa-barn" });

        Assert.True(before.Checkpoint < last);
        Assert.True(after.Checkpoint >= last, $"answered as of {after.Checkpoint}, the journeys end at {last}");
        Assert.Equal(5UL, after.JourneyTypes.Single().Journeys);
    }

    [Fact]
    public async Task a_refreshed_report_is_handed_out_with_its_answer_already_made()
    {
        await using var server = await RunningServer.StartAsync();
        var grain = Projection(server);
        var last = await StoreFiveJourneysAsync(server);

        // Asking makes the grain refresh its report off its turn; the one that holds the journeys comes from such a refresh.
        var report = await ReportHoldingAsync(grain, last);

        // Its answer for all journey types, in bytes, was made before any query met it.
        var answer = server.Services.GetRequiredService<LeadTimesResponses>().For(report, null);
        Assert.True(SerializedOnce.Holds(answer), "the answer's bytes were left for the first query to make");
        Assert.Equal(5UL, answer.JourneyTypes.Single(t => t.JourneyType == "fa-barn").Journeys);
    }

    [Fact]
    public async Task a_query_as_soon_as_a_short_import_is_stored_sees_the_import()
    {
        await using var server = await RunningServer.StartAsync();
        var grain = Projection(server);
        await grain.GetCurrentReportAsync();
        // The server has been up a while: its last report is older than two refresh intervals (a second each here).
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var last = await StoreFiveJourneysAsync(server);
        await FoldedAsync(grain, last);
        // The import is over and folded, within two refresh intervals of its start; the next command comes a moment later.
        await Task.Delay(TimeSpan.FromMilliseconds(300));

        var answered = await server.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest { JourneyType = "fa-barn" });

        Assert.True(answered.Checkpoint >= last, $"answered as of {answered.Checkpoint}, the journeys end at {last}");
        Assert.Equal(5UL, answered.JourneyTypes.Single().Journeys);
    }

    private static ILeadTimeProjectionGrain Projection(RunningServer server) =>
        server.Services.GetRequiredService<IGrainFactory>().GetGrain<ILeadTimeProjectionGrain>(LeadTimeProjectionGrain.Key);

    /// <summary>Five journeys of type fa-barn stored as their agencies; returns the last event's position.</summary>
    private static async Task<ulong> StoreFiveJourneysAsync(RunningServer server)
    {
        var appended = await server.AppendAsAgenciesAsync(Enumerable.Range(0, 5).SelectMany(_ => Events.HandComputedJourney(Events.NewPerson())));
        return appended.Max(a => a.Accepted.Position);
    }

    private static Task<Domain.LeadTimes.LeadTimeReport> ReportHoldingAsync(ILeadTimeProjectionGrain grain, ulong last) =>
        Wait.UntilAsync(grain.GetReportAsync, r => r.Checkpoint >= last, "the report to hold the journeys");

    private static Task<ProjectionStatus> FoldedAsync(ILeadTimeProjectionGrain grain, ulong last) =>
        Wait.UntilAsync(grain.EnsureRunningAsync, s => s.Checkpoint >= last, "the fold to reach the journeys");

    [Theory]
    [InlineData(5, 1_000)]      // small projections: at most once a second
    [InlineData(100, 1_000)]
    [InlineData(300, 3_000)]    // 100,000 journeys under load: a tenth of the time, not half
    [InlineData(2_000, 20_000)]
    public void a_report_that_took_long_is_refreshed_for_at_most_a_tenth_of_the_time(int tookMilliseconds, int nextAfterMilliseconds)
    {
        var next = LeadTimeProjectionGrain.RefreshIntervalAfter(TimeSpan.FromMilliseconds(tookMilliseconds));

        Assert.Equal(TimeSpan.FromMilliseconds(nextAfterMilliseconds), next);
    }
}
