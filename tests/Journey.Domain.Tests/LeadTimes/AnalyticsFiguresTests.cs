using Journey.Domain.Events;
using Journey.Domain.LeadTimes;
using static Journey.Domain.Tests.LeadTimes.AnalyticsTestData;

namespace Journey.Domain.Tests.LeadTimes;

/// <summary>Hand-overs, the directly-follows map, breakdowns, filters, proactive potential and suppression.</summary>
public sealed class AnalyticsFiguresTests
{
    [Fact]
    public void a_hand_computed_journey_gives_its_hand_overs_arcs_and_span_across_the_clock_change()
    {
        var type = Fold(JourneyA()).Report().Type();

        Assert.Equal(1, type.JourneysSeen);
        Assert.Equal(1, type.JourneysWithLifeEvent);
        // 03-27 09:00Z → 04-20 10:00Z; the wall clock would say 24 d 2 h.
        Assert.Equal(24 * Day + Hour, type.Span.MedianSeconds);
        Assert.Equal(24 * Day + Hour, type.EndToEnd.MedianSeconds);

        // folk → nav twice (2 h each: fødsel → automatisk, farskap → vedtak), nav → folk once (22 h).
        Assert.Equal(
            [("folk", "nav", 1L, 2L, 2 * Hour), ("nav", "folk", 1L, 1L, 22 * Hour)],
            type.HandOvers.Select(h => (h.FromAgency, h.ToAgency, h.Journeys, h.Times.Count, h.Times.MeanSeconds)));

        Assert.Equal(
            [
                (Farskap, BtVedtak, 2 * Hour),
                (Fodsel, BtAuto, 2 * Hour),
                (BtAuto, Farskap, 22 * Hour),
                (BtVedtak, FpSoknad, 45 * Hour),   // 03-28 11:00Z → 03-30 08:00Z, across the change
                (FpSoknad, FpVedtak, 3 * Day),
                (FpUtbetalt, BtUtbetalt, 10 * Day + 2 * Hour),
                (FpVedtak, FpUtbetalt, 8 * Day),
            ],
            type.DirectlyFollows.Select(a => (a.From, a.To, a.Times.MeanSeconds)));
        Assert.All(type.DirectlyFollows, a => Assert.Equal((1L, 1L), (a.Journeys, a.Times.Count)));

        var barnetrygd = type.Services.Single(s => s.Service == "barnetrygd");
        Assert.Equal(Day, barnetrygd.AgencyProcessing.MedianSeconds);
        Assert.Equal(22 * Day + 23 * Hour, barnetrygd.Delivery.MedianSeconds);
        var foreldrepenger = type.Services.Single(s => s.Service == "foreldrepenger");
        Assert.Equal(71 * Hour, foreldrepenger.WaitingForCitizen.MedianSeconds);
    }

    [Fact]
    public void the_share_started_proactively_and_the_initiators_count_started_instances()
    {
        var type = Fold([.. JourneyA(), .. JourneyB()]).Report().Type();

        // A: barnetrygd automatic (proactive), foreldrepenger by the citizen; B: both by the citizen.
        Assert.Equal(new StartShare(4, 1), type.Starts);
        Assert.Equal(0.25, type.Starts.Share);
        var barnetrygd = type.Services.Single(s => s.Service == "barnetrygd");
        Assert.Equal(new StartShare(2, 1), barnetrygd.Starts);
        Assert.Equal(2, barnetrygd.Count);
        Assert.Equal(
            [(Initiator.Citizen, 1L, 1L), (Initiator.Agency, 0L, 0L), (Initiator.Automatic, 1L, 1L)],
            barnetrygd.ByInitiator.Select(i => (i.Initiator, i.Started, i.Delivered)));
        // B's foreldrepenger is started but not decided: started, not delivered.
        Assert.Equal(
            [(Initiator.Citizen, 3L, 2L), (Initiator.Agency, 0L, 0L), (Initiator.Automatic, 1L, 1L)],
            type.Initiators.Select(i => (i.Initiator, i.Started, i.Delivered)));
        // Waiting for the citizen by initiator: B's barnetrygd waited 10 days, A's automatic one none.
        Assert.Equal(10 * Day, barnetrygd.ByInitiator[0].WaitingForCitizen.MedianSeconds);
        Assert.Equal(0, barnetrygd.ByInitiator[2].WaitingForCitizen.MedianSeconds);

        var nav = type.Agencies.Single(a => a.Agency == "nav");
        Assert.Equal((2L, 1L, 3L), (nav.JourneysSeen, nav.Journeys, nav.Delivered));
        Assert.Equal(new StartShare(4, 1), nav.Starts);
        var kommune = type.Agencies.Single(a => a.Agency == "kommune");
        Assert.Equal((0L, 0L), (kommune.JourneysSeen, kommune.Starts.Started));
    }

    [Fact]
    public void opportunities_rank_services_by_the_citizen_days_waited_while_the_data_was_recorded()
    {
        var type = Fold([.. JourneyA(), .. JourneyB()]).Report().Type();

        // Barnetrygd: B applied 10 days after the birth it depends on. Foreldrepenger: A applied 47 h after
        // paternity was registered (03-28 09:00Z → 03-30 08:00Z), though 71 h after the birth; B never had
        // paternity registered. Helsestasjon cannot be applied for, so it has no potential to rank.
        Assert.Equal(
            [("barnetrygd", 1L, 1L, 10.0), ("foreldrepenger", 2L, 1L, Math.Round(47 / 24.0, 9))],
            type.Opportunities.Select(o => (o.Service, o.ReactiveStarts, o.JourneysAffected, Math.Round(o.CitizenDays, 9))));
        Assert.Equal(47 * Hour, type.Opportunities[1].Wait.MedianSeconds);
        Assert.Equal(10 * Day, type.Opportunities[0].Wait.MedianSeconds);

        var april = type.Months.Single(m => m.Month == "2026-04");
        Assert.Equal((10.0, 1L), (april.PotentialCitizenDays, april.PotentialApplications));
    }

    [Fact]
    public void an_application_before_its_data_was_recorded_has_no_potential()
    {
        var late = Fold(
        [
            Event("late", Fodsel, "2026-03-02T08:00:00+01:00"),
            Event("late", FpSoknad, "2026-03-03T08:00:00+01:00", Initiator.Citizen),
            Event("late", Farskap, "2026-03-05T08:00:00+01:00"),
        ]).Report().Type();

        var foreldrepenger = late.Opportunities.Single(o => o.Service == "foreldrepenger");
        Assert.Equal((1L, 0L, 0.0), (foreldrepenger.ReactiveStarts, foreldrepenger.JourneysAffected, foreldrepenger.CitizenDays));
    }

    [Fact]
    public void a_period_keeps_the_journeys_whose_life_event_fell_in_it()
    {
        var projection = Fold([.. JourneyA(), .. JourneyB(), .. JourneyWithoutBirth()]);

        var march = projection.Report(new LeadTimeFilter(FromMonth: "2026-03", ToMonth: "2026-03")).Type();
        var april = projection.Report(new LeadTimeFilter(FromMonth: "2026-04")).Type();
        var all = projection.Report().Type();

        Assert.Equal(["2026-03"], march.Months.Select(m => m.Month));
        Assert.Equal(Fold(JourneyA()).Report().Type() with { }, march with { }, new FiguresComparer());
        Assert.Equal(1, april.JourneysSeen);
        Assert.Equal(["barnetrygd"], april.Opportunities.Where(o => o.JourneysAffected > 0).Select(o => o.Service));
        // Unfiltered, the journey without a birth counts in the process-mining figures, in no month.
        Assert.Equal((3L, 2L), (all.JourneysSeen, all.JourneysWithLifeEvent));
        Assert.Equal(2, all.Months.Count);
        Assert.Contains(all.DirectlyFollows, a => a.From == BtSoknad && a.To == BtVedtak && a.Journeys == 2);
        Assert.Single(april.DirectlyFollows, a => a.From == BtSoknad && a.To == BtVedtak && a.Journeys == 1);
    }

    [Fact]
    public void the_figures_of_a_period_equal_those_of_its_journeys_folded_alone()
    {
        // Random få barn journeys with their birth, so every journey has a month.
        var journeys = LeadTimeTestData.RandomJourneys(seed: 21, count: 400)
            .Where(j => j.Any(e => e.Activity == LeadTimeTestData.Birth) && j.All(e => e.JourneyType == LeadTimeTestData.FaBarn))
            .ToList();
        var everything = LeadTimeTestData.Fold(LeadTimeTestData.Interleave(journeys, seed: 4));
        static int Month(List<JourneyEvent> journey)
        {
            var birth = journey.First(e => e.Activity == LeadTimeTestData.Birth).OccurredAt;
            return birth.Month;
        }
        var spring = journeys.Where(j => Month(j) is >= 3 and <= 6).ToList();
        Assert.True(spring.Count > 50);

        var filtered = everything.Report(new LeadTimeFilter(LeadTimeTestData.FaBarn, "2026-03", "2026-06"));
        var alone = LeadTimeTestData.Fold(spring.SelectMany(j => j)).Report(new LeadTimeFilter(LeadTimeTestData.FaBarn));

        Assert.Empty(new LeadTimeReport(null, alone.JourneyTypes).DifferencesFrom(new LeadTimeReport(null, filtered.JourneyTypes)));
        // And the whole range is the unfiltered report.
        var whole = everything.Report(new LeadTimeFilter(FromMonth: "2000-01", ToMonth: "2099-12"));
        Assert.Empty(new LeadTimeReport(null, everything.Report().JourneyTypes).DifferencesFrom(new LeadTimeReport(null, whole.JourneyTypes)));
    }

    [Fact]
    public void released_caches_are_built_again_and_every_report_stays_the_same()
    {
        var journeys = LeadTimeTestData.RandomJourneys(seed: 22, count: 200);
        var projection = LeadTimeTestData.Fold(LeadTimeTestData.Interleave(journeys, seed: 5));
        var spring = new LeadTimeFilter(LeadTimeTestData.FaBarn, "2026-03", "2026-06");
        var byAgency = new LeadTimeFilter(Agency: "nav");
        var before = (All: projection.Report(), Spring: projection.Report(spring), Agency: projection.Report(byAgency));

        projection.ReleaseCaches();
        var after = (All: projection.Report(), Spring: projection.Report(spring), Agency: projection.Report(byAgency));

        Assert.Same(before.All.JourneyTypes[0], after.All.JourneyTypes[0]);
        Assert.Empty(before.Spring.DifferencesFrom(after.Spring));
        Assert.Empty(before.Agency.DifferencesFrom(after.Agency));
        Assert.Contains(before.Spring.JourneyTypes, t => t.JourneysSeen > 0);
    }

    [Fact]
    public void an_agency_filter_keeps_what_concerns_that_agency()
    {
        var projection = Fold([.. JourneyA(), .. JourneyB(), .. JourneyWithoutBirth()]);

        var folk = projection.Report(new LeadTimeFilter(Agency: "folk")).Type();

        // Folkeregisteret runs no service here, but took part in A and B (the births).
        Assert.Empty(folk.Services);
        Assert.Empty(folk.Opportunities);
        Assert.Equal((2L, 1L), (folk.JourneysSeen, folk.Journeys));
        Assert.Equal(["folk"], folk.Agencies.Select(a => a.Agency));
        Assert.All(folk.HandOvers, h => Assert.True(h.FromAgency == "folk" || h.ToAgency == "folk"));
        Assert.All(folk.DirectlyFollows, a => Assert.True(a.From.StartsWith("folk.", StringComparison.Ordinal) || a.To.StartsWith("folk.", StringComparison.Ordinal)));
        Assert.Contains(folk.DirectlyFollows, a => a.From == Fodsel && a.To == FpSoknad);

        var nav = projection.Report(new LeadTimeFilter(Agency: "nav")).Type();
        Assert.Equal(["barnetrygd", "foreldrepenger"], nav.Services.Select(s => s.Service));
        Assert.Equal(3, nav.JourneysSeen);

        var unknown = projection.Report(new LeadTimeFilter(Agency: "tingrett")).Type();
        Assert.Equal((0L, 0), (unknown.JourneysSeen, unknown.Services.Count));
    }

    [Fact]
    public void groups_smaller_than_k_are_marked_suppressed_and_emptied_not_dropped()
    {
        var events = Enumerable.Range(0, 6).SelectMany(i => JourneyA($"a{i}")).Concat(JourneyB()).ToList();
        var report = Fold(events).Report();

        var shown = report.Suppress(5).Type();
        var alone = Fold(JourneyB()).Report().Suppress(5).Type();

        Assert.False(shown.Suppressed);
        Assert.Equal(7, shown.JourneysSeen);
        // Only B has fp.soknad → bt.soknad: one journey, suppressed but listed.
        var rare = Assert.Single(shown.DirectlyFollows, a => a.From == FpSoknad && a.To == BtSoknad);
        Assert.True(rare.Suppressed);
        Assert.Equal((0L, 0L), (rare.Journeys, rare.Times.Count));
        Assert.False(shown.DirectlyFollows.Single(a => a.From == Fodsel && a.To == BtAuto).Suppressed);
        // Barnetrygd's potential is B's alone: suppressed and ranked last, after foreldrepenger's six.
        Assert.Equal([("foreldrepenger", false), ("barnetrygd", true)], shown.Opportunities.Select(o => (o.Service, o.Suppressed)));
        Assert.Equal(0, shown.Opportunities[1].CitizenDays);
        // April holds B only.
        var april = shown.Months.Single(m => m.Month == "2026-04");
        Assert.True(april.Suppressed);
        Assert.Equal((0L, 0.0), (april.JourneysSeen, april.PotentialCitizenDays));
        // The barnetrygd split by initiator: one citizen start (B) is suppressed, six automatic are shown.
        var barnetrygd = shown.Services.Single(s => s.Service == "barnetrygd");
        Assert.True(barnetrygd.ByInitiator.Single(i => i.Initiator == Initiator.Citizen).Suppressed);
        Assert.Equal(6, barnetrygd.ByInitiator.Single(i => i.Initiator == Initiator.Automatic).Started);
        // Seven started, six proactively: the reactive part is one journey, so the share is hidden.
        Assert.Equal(new StartShare(7, 0, Suppressed: true), barnetrygd.Starts);
        // An empty group describes nobody and is shown as it is.
        Assert.False(shown.Agencies.Single(a => a.Agency == "kommune").Suppressed);

        Assert.True(alone.Suppressed);
        Assert.Equal((0L, 0L), (alone.JourneysSeen, alone.EndToEnd.Count));
        Assert.All(alone.Services, s => Assert.True(s.Suppressed || s.Starts.Started == 0));
        Assert.All(alone.DirectlyFollows, a => Assert.True(a.Suppressed));
        Assert.Equal(report.Type().DirectlyFollows.Count, shown.DirectlyFollows.Count);
    }

    [Fact]
    public void a_snapshot_keeps_every_activity_and_each_events_initiator()
    {
        var projection = Fold([.. JourneyA(), .. JourneyB(), .. JourneyWithoutBirth()]);

        var restored = LeadTimeProjection.FromSnapshot(AnalyticsTestData.Catalog, projection.ToSnapshot());

        Assert.Empty(restored.Report().DifferencesFrom(projection.Report()));
        Assert.Equal(projection.Report(), restored.Report());
    }

    [Fact]
    public void a_snapshot_of_the_first_version_is_refused_so_the_projection_is_folded_again()
    {
        // Version 1 kept neither the events without a lead-time role nor initiators.
        var snapshot = Fold(JourneyA()).ToSnapshot();
        Assert.Equal(2, snapshot[4]);
        snapshot[4] = 1;

        var refused = Assert.Throws<InvalidDataException>(() => LeadTimeProjection.FromSnapshot(AnalyticsTestData.Catalog, snapshot));
        Assert.Contains("version 1", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Compares two journey types' figures by their differences, for readable failures.</summary>
    private sealed class FiguresComparer : IEqualityComparer<JourneyTypeLeadTimes>
    {
        public bool Equals(JourneyTypeLeadTimes? x, JourneyTypeLeadTimes? y)
        {
            var differences = new LeadTimeReport(null, [x!]).DifferencesFrom(new LeadTimeReport(null, [y!]));
            Assert.Empty(differences);
            return true;
        }

        public int GetHashCode(JourneyTypeLeadTimes obj) => 0;
    }
}
