using Grpc.Core;
using Journey.Server.Tests.Infrastructure;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests;

/// <summary>From acknowledged events to a process owner's figures, through the live projection.</summary>
public sealed class LeadTimeTests
{
    [Fact]
    public async Task a_hand_computed_journey_gives_exactly_the_expected_lead_times()
    {
        await using var server = await RunningServer.StartAsync();
        var results = await server.AppendAsAgenciesAsync(Events.HandComputedJourney(Events.NewPerson()));
        Assert.All(results, r => Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, r.OutcomeCase));

        var report = await Wait.UntilAsync(
            async () => await server.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest { JourneyType = "fa-barn" }),
            r => r.JourneyTypes.Count == 1 && r.JourneyTypes[0].Journeys == 1,
            "the journey to appear in the lead times");

        var type = Assert.Single(report.JourneyTypes);
        Assert.Equal(Events.HandComputed.EndToEnd, type.EndToEnd.MedianSeconds);
        Assert.Equal(Events.HandComputed.EndToEnd, type.EndToEnd.MeanSeconds);
        Assert.Equal(Events.HandComputed.EndToEnd, type.EndToEnd.P90Seconds);

        var barnetrygd = Assert.Single(type.Services, s => s.Service == "barnetrygd");
        Assert.Equal("nav", barnetrygd.Agency);
        Assert.Equal(1ul, barnetrygd.Count);
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
        Assert.Equal(1ul, month.Journeys);
    }

    [Fact]
    public async Task live_figures_follow_an_acknowledged_event()
    {
        await using var server = await RunningServer.StartAsync();
        var journey = Events.HandComputedJourney(Events.NewPerson());
        // Everything but the last delivery: the journey is not complete yet.
        ulong position = 0;
        foreach (var e in journey.Take(journey.Count - 1))
        {
            position = (await server.IngestAs(e.Agency).AppendAsync(new Contract.AppendRequest { Event = e })).Result.Accepted.Position;
        }
        var before = await Wait.UntilAsync(
            async () => await server.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest()),
            r => r.Checkpoint >= position,
            "the projection to reach the first events");
        var faBarn = before.JourneyTypes.Single(t => t.JourneyType == "fa-barn");
        Assert.Equal(0ul, faBarn.Journeys);
        Assert.Equal(1ul, faBarn.Services.Single(s => s.Service == "barnetrygd").Count);

        var last = await server.IngestAs(journey[^1].Agency).AppendAsync(new Contract.AppendRequest { Event = journey[^1] });

        var after = await Wait.UntilAsync(
            async () => await server.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest()),
            r => r.Checkpoint >= last.Result.Accepted.Position,
            "the projection to reach the acknowledged event",
            TimeSpan.FromSeconds(5));
        Assert.Equal(1ul, after.JourneyTypes.Single(t => t.JourneyType == "fa-barn").Journeys);
    }
}
