using Grpc.Core;
using Journey.Server.Tests.Infrastructure;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests;

/// <summary>From acknowledged events to a process owner's figures, through the live projection.</summary>
public sealed class LeadTimeTests
{
    /// <summary>As many journeys as a process owner must see together (k = 5): fewer are suppressed.</summary>
    private const int Journeys = 5;

    [Fact]
    public async Task hand_computed_journeys_give_exactly_the_expected_lead_times()
    {
        await using var server = await RunningServer.StartAsync();
        // Five persons through the same hand-computed journey: every figure is that journey's.
        var results = await server.AppendAsAgenciesAsync(
            Enumerable.Range(0, Journeys).SelectMany(_ => Events.HandComputedJourney(Events.NewPerson())));
        Assert.All(results, r => Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, r.OutcomeCase));

        var report = await Wait.UntilAsync(
            async () => await server.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest { JourneyType = "fa-barn" }),
            r => r.JourneyTypes.Count == 1 && r.JourneyTypes[0].Journeys == Journeys,
            "the journeys to appear in the lead times");

        var type = Assert.Single(report.JourneyTypes);
        Assert.Equal(Events.HandComputed.EndToEnd, type.EndToEnd.MedianSeconds);
        Assert.Equal(Events.HandComputed.EndToEnd, type.EndToEnd.MeanSeconds);
        Assert.Equal(Events.HandComputed.EndToEnd, type.EndToEnd.P90Seconds);

        var barnetrygd = Assert.Single(type.Services, s => s.Service == "barnetrygd");
        Assert.Equal("nav", barnetrygd.Agency);
        Assert.Equal((ulong)Journeys, barnetrygd.Count);
        Assert.Equal(Events.HandComputed.BarnetrygdWaiting, barnetrygd.WaitingForCitizen.MedianSeconds);
        Assert.Equal(Events.HandComputed.BarnetrygdProcessing, barnetrygd.AgencyProcessing.MedianSeconds);
        Assert.Equal(Events.HandComputed.BarnetrygdDelivery, barnetrygd.Delivery.MedianSeconds);
        Assert.Equal(Events.HandComputed.BarnetrygdTotal, barnetrygd.Total.MedianSeconds);

        var foreldrepenger = Assert.Single(type.Services, s => s.Service == "foreldrepenger");
        Assert.Equal(Events.HandComputed.ForeldrepengerWaiting, foreldrepenger.WaitingForCitizen.MedianSeconds);
        Assert.Equal(Events.HandComputed.ForeldrepengerProcessing, foreldrepenger.AgencyProcessing.MedianSeconds);
        Assert.Equal(Events.HandComputed.ForeldrepengerDelivery, foreldrepenger.Delivery.MedianSeconds);
        Assert.Equal(Events.HandComputed.ForeldrepengerTotal, foreldrepenger.Total.MedianSeconds);

        var month = Assert.Single(type.Months);
        Assert.Equal("2025-03", month.Month);
        Assert.Equal((ulong)Journeys, month.Journeys);
        Assert.False(type.Suppressed);
    }

    [Fact]
    public async Task live_figures_follow_an_acknowledged_event()
    {
        await using var server = await RunningServer.StartAsync();
        var journeys = Enumerable.Range(0, Journeys).Select(_ => Events.HandComputedJourney(Events.NewPerson())).ToList();
        // Everything but the last delivery of each: no journey is complete yet.
        var first = await server.AppendAsAgenciesAsync(journeys.SelectMany(j => j.Take(j.Count - 1)));
        var before = await server.LeadTimesAfterAsync(first);
        var faBarn = before.JourneyTypes.Single(t => t.JourneyType == "fa-barn");
        Assert.Equal(0ul, faBarn.Journeys);
        Assert.Equal((ulong)Journeys, faBarn.Services.Single(s => s.Service == "barnetrygd").Count);

        var last = await server.AppendAsAgenciesAsync(journeys.Select(j => j[^1]));

        var after = await server.LeadTimesAfterAsync(last, timeout: TimeSpan.FromSeconds(5));
        Assert.Equal((ulong)Journeys, after.JourneyTypes.Single(t => t.JourneyType == "fa-barn").Journeys);
    }

    [Fact]
    public async Task a_process_owner_sees_a_journey_type_of_fewer_than_k_journeys_suppressed_until_the_kth()
    {
        await using var server = await RunningServer.StartAsync();
        var four = await server.AppendAsAgenciesAsync(
            Enumerable.Range(0, Journeys - 1).SelectMany(_ => Events.HandComputedJourney(Events.NewPerson())));

        var shown = await server.LeadTimesAfterAsync(four, "fa-barn");

        // The projection holds all four; the answer names the type and hides every figure.
        Assert.Equal((ulong)Journeys - 1, Assert.Single((await server.ProjectionFiguresAsync("fa-barn")).JourneyTypes).Journeys);
        var type = Assert.Single(shown.JourneyTypes);
        Assert.True(type.Suppressed);
        Assert.Equal((0ul, 0ul, 0ul), (type.Journeys, type.JourneysSeen, type.EndToEnd.Count));
        Assert.Equal(0, type.EndToEnd.MedianSeconds);
        Assert.All(type.Services, s => Assert.Equal((true, 0ul, 0.0), (s.Suppressed, s.Count, s.Total.MedianSeconds)));
        Assert.All(type.Months, m => Assert.Equal((true, 0ul), (m.Suppressed, m.Journeys)));

        var fifth = await server.AppendAsAgenciesAsync(Events.HandComputedJourney(Events.NewPerson()));
        var five = await server.LeadTimesAfterAsync(fifth, "fa-barn");
        var shownType = Assert.Single(five.JourneyTypes);
        Assert.False(shownType.Suppressed);
        Assert.Equal((ulong)Journeys, shownType.Journeys);
        Assert.Equal(Events.HandComputed.EndToEnd, shownType.EndToEnd.MedianSeconds);
    }
}
