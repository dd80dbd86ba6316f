using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.LeadTimes;
using static Journey.Domain.Tests.LeadTimes.LeadTimeTestData;

namespace Journey.Domain.Tests.LeadTimes;

public sealed class LeadTimeProjectionTests
{
    private const double Hour = 3600;
    private const double Day = 86400;

    /// <summary>
    /// Birth 2 March 08:00 (+01:00). Barnetrygd starts proactively, so the citizen's later application does
    /// not change its trigger. Foreldrepenger is applied for (given in UTC), decided twice (the first
    /// decision counts) and paid last.
    /// </summary>
    private static List<JourneyEvent> FaBarnJourney(string subject = "child-1") =>
    [
        Event(subject, Birth, "2026-03-02T08:00:00+01:00"),
        Event(subject, BtAutomatisk, "2026-03-03T10:00:00+01:00"),
        Event(subject, BtVedtak, "2026-03-05T10:00:00+01:00"),
        Event(subject, BtSoknad, "2026-03-06T09:00:00+01:00"),
        Event(subject, FpSoknad, "2026-03-09T08:30:00Z"),
        Event(subject, FpDokumentasjon, "2026-03-10T12:00:00+01:00"),
        Event(subject, FpVedtak, "2026-03-16T14:00:00+01:00"),
        Event(subject, FpVedtak, "2026-03-18T09:00:00+01:00"),
        Event(subject, BtUtbetaling, "2026-03-20T12:00:00+01:00"),
        Event(subject, FpUtbetaling, "2026-03-25T08:00:00+01:00"),
    ];

    [Fact]
    public void a_journey_with_a_reactive_and_a_proactive_service_gives_the_hand_computed_figures()
    {
        var projection = Fold(FaBarnJourney());
        var report = projection.Report();

        Assert.Equal(10ul, report.Checkpoint);
        Assert.Equal(10, projection.EventsApplied);
        Assert.Equal(0, projection.EventsIgnored);
        Assert.Equal(1, projection.Journeys);

        var faBarn = report.Type(FaBarn);
        Assert.Equal(1, faBarn.Journeys);
        // 2 March 08:00 → 25 March 08:00.
        var endToEnd = 23 * Day;
        Assert.Equal(One(endToEnd), faBarn.EndToEnd);

        // Proactive: no waiting; 3 March 10:00 → 5 March 10:00 → 20 March 12:00.
        var barnetrygd = faBarn.Service("barnetrygd");
        Assert.Equal("nav", barnetrygd.Agency);
        Assert.Equal(1, barnetrygd.Count);
        Assert.Equal(One(0), barnetrygd.WaitingForCitizen);
        Assert.Equal(One(2 * Day), barnetrygd.AgencyProcessing);
        Assert.Equal(One(15 * Day + 2 * Hour), barnetrygd.Delivery);
        Assert.Equal(One(17 * Day + 2 * Hour), barnetrygd.Total);

        // Reactive: 2 March 08:00 → 9 March 09:30 (+01:00) → 16 March 14:00 → 25 March 08:00.
        var foreldrepenger = faBarn.Service("foreldrepenger");
        Assert.Equal(1, foreldrepenger.Count);
        Assert.Equal(One(7 * Day + 1.5 * Hour), foreldrepenger.WaitingForCitizen);
        Assert.Equal(One(7 * Day + 4.5 * Hour), foreldrepenger.AgencyProcessing);
        Assert.Equal(One(8 * Day + 18 * Hour), foreldrepenger.Delivery);
        Assert.Equal(One(23 * Day), foreldrepenger.Total);

        var kontantstotte = faBarn.Service("kontantstotte");
        Assert.Equal(0, kontantstotte.Count);
        Assert.Equal(DurationStats.Empty, kontantstotte.Total);

        var month = Assert.Single(faBarn.Months);
        Assert.Equal("2026-03", month.Month);
        Assert.Equal(1, month.Journeys);
        Assert.Equal(faBarn.EndToEnd, month.EndToEnd);
        Assert.Equal(faBarn.Services, month.Services);
    }

    [Fact]
    public void the_report_lists_every_journey_type_and_service_of_the_catalog_ordered_by_id()
    {
        var report = new LeadTimeProjection(TestCatalog).Report();

        Assert.Null(report.Checkpoint);
        Assert.Equal([Dodsfall, FaBarn], report.JourneyTypes.Select(t => t.JourneyType));
        Assert.Equal(["barnetrygd", "foreldrepenger", "kontantstotte"], report.Type(FaBarn).Services.Select(s => s.Service));
        Assert.All(report.JourneyTypes, t => Assert.Equal(DurationStats.Empty, t.EndToEnd));
        Assert.All(report.JourneyTypes, t => Assert.Empty(t.Months));
    }

    [Fact]
    public void durations_across_a_daylight_saving_change_are_true_elapsed_time()
    {
        // Norway moves from +01:00 to +02:00 at 02:00 on 29 March 2026: the wall clock gains an hour.
        var report = Fold(
        [
            Event("dst", Birth, "2026-03-28T12:00:00+01:00"),
            Event("dst", FpSoknad, "2026-03-29T12:00:00+02:00"),
            Event("dst", FpVedtak, "2026-03-30T12:00:00+02:00"),
            Event("dst", FpUtbetaling, "2026-03-31T12:00:00+02:00"),
        ]).Report();

        var foreldrepenger = report.Type(FaBarn).Service("foreldrepenger");
        Assert.Equal(One(23 * Hour), foreldrepenger.WaitingForCitizen);
        Assert.Equal(One(Day), foreldrepenger.AgencyProcessing);
        Assert.Equal(One(Day), foreldrepenger.Delivery);
        Assert.Equal(One(71 * Hour), foreldrepenger.Total);
        Assert.Equal(One(71 * Hour), report.Type(FaBarn).EndToEnd);
    }

    [Fact]
    public void the_month_is_that_of_the_life_event_in_its_own_offset()
    {
        var report = Fold(
        [
            // 31 March 22:30 UTC, but 1 April where it happened.
            Event("april", Birth, "2026-04-01T00:30:00+02:00"),
            Event("march", Birth, "2026-03-31T23:30:00+02:00"),
            Event("april", FpSoknad, "2026-04-02T00:30:00+02:00"),
            Event("april", FpVedtak, "2026-04-03T00:30:00+02:00"),
            Event("april", FpUtbetaling, "2026-04-04T00:30:00+02:00"),
        ]).Report();

        var months = report.Type(FaBarn).Months;
        Assert.Equal(["2026-03", "2026-04"], months.Select(m => m.Month));
        // March has a journey in progress only; April a completed one.
        Assert.Equal(0, months[0].Journeys);
        Assert.Equal(0, months[0].Service("foreldrepenger").Count);
        Assert.Equal(1, months[1].Journeys);
        Assert.Equal(One(3 * Day), months[1].EndToEnd);
        Assert.Equal(One(Day), months[1].Service("foreldrepenger").WaitingForCitizen);
    }

    [Fact]
    public void a_service_started_proactively_by_the_life_event_itself_waits_nothing_and_is_processed_from_it()
    {
        // Child benefit as it is now: registering the birth starts it.
        var catalog = new JourneyCatalog(
            [new AgencyDefinition("nav", Text("NAV")), new AgencyDefinition("skatteetaten", Text("Skatteetaten"))],
            [
                new JourneyTypeDefinition(
                    FaBarn, 2, Text("Få barn"), Birth, [],
                    [Activity(Birth), Activity(BtVedtak), Activity(BtUtbetaling)],
                    [Service("barnetrygd", [], [Birth], BtVedtak, BtUtbetaling)],
                    [],
                    "inline"),
            ]);
        var projection = new LeadTimeProjection(catalog);
        ApplyAll(projection,
        [
            Event("auto", Birth, "2026-03-02T08:00:00+01:00"),
            Event("auto", BtVedtak, "2026-03-02T08:00:05+01:00"),
            Event("auto", BtUtbetaling, "2026-03-20T08:00:05+01:00"),
        ], firstPosition: 1);

        var faBarn = projection.Report().Type(FaBarn);

        Assert.Equal(1, faBarn.Journeys);
        Assert.Equal(One(18 * Day + 5), faBarn.EndToEnd);
        Assert.Equal(One(0), faBarn.Service("barnetrygd").WaitingForCitizen);
        Assert.Equal(One(5), faBarn.Service("barnetrygd").AgencyProcessing);
        Assert.Equal(One(18 * Day), faBarn.Service("barnetrygd").Delivery);
    }

    [Fact]
    public void events_arriving_out_of_occurred_at_order_give_the_same_report_as_in_order()
    {
        var inOrder = Fold(FaBarnJourney()).Report();
        var reversed = FaBarnJourney();
        reversed.Reverse();

        var outOfOrder = Fold(reversed).Report();

        Assert.Empty(outOfOrder.DifferencesFrom(inOrder));
        Assert.Equal(inOrder, outOfOrder);
    }

    [Fact]
    public void a_late_event_that_changes_a_journey_recomputes_its_figures()
    {
        var projection = Fold(FaBarnJourney());
        Assert.Equal(One(2 * Day), projection.Report().Type(FaBarn).Service("barnetrygd").AgencyProcessing);

        // Backfilled: the citizen had applied before the proactive start, so barnetrygd became reactive.
        projection.Apply(11, Event("child-1", BtSoknad, "2026-03-02T20:00:00+01:00"));

        var barnetrygd = projection.Report().Type(FaBarn).Service("barnetrygd");
        Assert.Equal(One(12 * Hour), barnetrygd.WaitingForCitizen);
        Assert.Equal(One(2 * Day + 14 * Hour), barnetrygd.AgencyProcessing);
        Assert.Equal(One(15 * Day + 2 * Hour), barnetrygd.Delivery);
        Assert.Equal(One(18 * Day + 4 * Hour), barnetrygd.Total);
    }

    [Fact]
    public void events_at_the_same_instant_are_kept_in_arrival_order()
    {
        List<JourneyEvent> Journey(string subject, bool decisionArrivesFirst)
        {
            var application = Event(subject, FpSoknad, "2026-05-04T10:00:00+02:00");
            var decision = Event(subject, FpVedtak, "2026-05-04T10:00:00+02:00");
            return
            [
                Event(subject, Birth, "2026-05-01T10:00:00+02:00"),
                decisionArrivesFirst ? decision : application,
                decisionArrivesFirst ? application : decision,
                Event(subject, FpUtbetaling, "2026-05-05T10:00:00+02:00"),
            ];
        }

        var applicationFirst = Fold(Journey("a", decisionArrivesFirst: false)).Report().Type(FaBarn);
        var decisionFirst = Fold(Journey("d", decisionArrivesFirst: true)).Report().Type(FaBarn);

        // Application, then decision at the same instant: decided at once.
        Assert.Equal(1, applicationFirst.Journeys);
        Assert.Equal(One(0), applicationFirst.Service("foreldrepenger").AgencyProcessing);
        Assert.Equal(One(Day), applicationFirst.Service("foreldrepenger").Delivery);
        // Decision, then application: the decision precedes the trigger, so the service is not decided.
        Assert.Equal(0, decisionFirst.Journeys);
        Assert.Equal(0, decisionFirst.Service("foreldrepenger").Count);
    }

    [Fact]
    public void a_decision_before_the_trigger_is_skipped_until_a_decision_after_it_arrives()
    {
        var projection = Fold(
        [
            Event("early", Birth, "2026-06-01T08:00:00+02:00"),
            Event("early", FpVedtak, "2026-06-05T08:00:00+02:00"),
            Event("early", FpSoknad, "2026-06-06T08:00:00+02:00"),
            Event("early", FpUtbetaling, "2026-06-10T08:00:00+02:00"),
        ]);
        var before = projection.Report().Type(FaBarn);
        Assert.Equal(0, before.Journeys);
        Assert.Equal(0, before.Service("foreldrepenger").Count);

        projection.Apply(5, Event("early", FpVedtak, "2026-06-08T08:00:00+02:00"));

        var after = projection.Report().Type(FaBarn);
        Assert.Equal(1, after.Journeys);
        Assert.Equal(One(2 * Day), after.Service("foreldrepenger").AgencyProcessing);
        Assert.Equal(One(2 * Day), after.Service("foreldrepenger").Delivery);
        Assert.Equal(One(9 * Day), after.EndToEnd);
    }

    [Fact]
    public void an_application_before_the_life_event_keeps_its_true_negative_wait()
    {
        var report = Fold(
        [
            Event("planned", FpSoknad, "2026-02-20T10:00:00+01:00"),
            Event("planned", Birth, "2026-03-02T08:00:00+01:00"),
            Event("planned", FpVedtak, "2026-03-03T08:00:00+01:00"),
            Event("planned", FpUtbetaling, "2026-03-04T08:00:00+01:00"),
        ]).Report().Type(FaBarn);

        var foreldrepenger = report.Service("foreldrepenger");
        Assert.Equal(One(-(9 * Day + 22 * Hour)), foreldrepenger.WaitingForCitizen);
        Assert.Equal(One(10 * Day + 22 * Hour), foreldrepenger.AgencyProcessing);
        Assert.Equal(One(2 * Day), foreldrepenger.Total);
        Assert.Equal(One(2 * Day), report.EndToEnd);
    }

    [Fact]
    public void incomplete_journeys_are_not_counted_as_journeys_but_their_delivered_services_are()
    {
        var projection = Fold(
        [
            Event("open", Birth, "2026-03-02T08:00:00+01:00"),
            Event("open", BtAutomatisk, "2026-03-02T09:00:00+01:00"),
            Event("open", BtVedtak, "2026-03-02T10:00:00+01:00"),
            Event("open", BtUtbetaling, "2026-03-02T12:00:00+01:00"),
            Event("open", FpSoknad, "2026-03-05T08:00:00+01:00"),
            // No life event: no figures at all, though barnetrygd was delivered.
            Event("unborn", BtAutomatisk, "2026-03-02T09:00:00+01:00"),
            Event("unborn", BtVedtak, "2026-03-02T10:00:00+01:00"),
            Event("unborn", BtUtbetaling, "2026-03-02T12:00:00+01:00"),
            // A life event and nothing started yet.
            Event("newborn", Birth, "2026-03-02T08:00:00+01:00"),
        ]);
        var faBarn = projection.Report().Type(FaBarn);

        Assert.Equal(3, projection.Journeys);
        Assert.Equal(0, faBarn.Journeys);
        Assert.Equal(DurationStats.Empty, faBarn.EndToEnd);
        Assert.Equal(1, faBarn.Service("barnetrygd").Count);
        Assert.Equal(One(3 * Hour), faBarn.Service("barnetrygd").Total);
        Assert.Equal(0, faBarn.Service("foreldrepenger").Count);
        Assert.Equal(0, Assert.Single(faBarn.Months).Journeys);
    }

    [Fact]
    public void events_of_unknown_journey_types_or_activities_are_counted_as_ignored()
    {
        var journey = FaBarnJourney();
        var withUnknown = new List<JourneyEvent>(journey);
        withUnknown.Insert(3, Event("child-1", "ukjent.aktivitet", "2026-03-01T08:00:00+01:00", "ukjent-reise"));
        withUnknown.Insert(5, Event("child-1", "nav.ukjent.vedtak", "2026-03-04T08:00:00+01:00"));
        withUnknown.Insert(7, Event("child-2", "nav.ukjent.vedtak", "2026-03-04T08:00:00+01:00"));

        var projection = Fold(withUnknown);

        Assert.Equal(13, projection.EventsApplied);
        Assert.Equal(3, projection.EventsIgnored);
        Assert.Equal(1, projection.Journeys);
        Assert.Equal(Fold(journey).Report().JourneyTypes, projection.Report().JourneyTypes);
    }

    [Fact]
    public void an_event_at_or_before_the_checkpoint_is_a_redelivery_and_is_skipped()
    {
        var projection = Fold(FaBarnJourney());
        var before = projection.Report();

        projection.Apply(10, Event("child-1", FpSoknad, "2026-03-02T09:00:00+01:00"));
        projection.Apply(3, Event("other", Birth, "2026-03-02T09:00:00+01:00"));

        Assert.Equal(10, projection.EventsApplied);
        Assert.Equal(1, projection.Journeys);
        Assert.Equal(before, projection.Report());
    }

    [Fact]
    public void the_median_of_an_even_count_is_the_mean_of_the_two_middle_values()
    {
        var events = new List<JourneyEvent>();
        foreach (var hours in new[] { 4, 1, 10, 2 })
        {
            var subject = $"wait-{hours}";
            var applied = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.FromHours(1)).AddHours(hours);
            events.Add(Event(subject, Birth, "2026-03-02T08:00:00+01:00"));
            events.Add(Event(subject, FpSoknad, applied.ToString("O")));
            events.Add(Event(subject, FpVedtak, applied.AddDays(1).ToString("O")));
            events.Add(Event(subject, FpUtbetaling, applied.AddDays(2).ToString("O")));
        }

        var foreldrepenger = Fold(events).Report().Type(FaBarn).Service("foreldrepenger");

        // 1, 2, 4, 10 hours: median (2 + 4) / 2 = 3 h; p90 at rank 2.7 = 4 + 0.7 · 6 = 8.2 h.
        AssertStats(count: 4, mean: 15_300, median: 10_800, p90: 29_520, foreldrepenger.WaitingForCitizen);
        Assert.Equal(3 * Hour + 2 * Day, foreldrepenger.Total.MedianSeconds);
        Assert.Equal(One(Day).MedianSeconds, foreldrepenger.Delivery.MedianSeconds);
    }

    [Fact]
    public void p90_interpolates_between_closest_ranks()
    {
        var events = new List<JourneyEvent>();
        for (var hours = 10; hours >= 1; hours--)
        {
            var subject = $"p90-{hours}";
            var birth = new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.FromHours(2));
            events.Add(Event(subject, Birth, birth.ToString("O")));
            events.Add(Event(subject, BtSoknad, birth.AddHours(hours).ToString("O")));
            events.Add(Event(subject, BtVedtak, birth.AddHours(hours).ToString("O")));
            events.Add(Event(subject, BtUtbetaling, birth.AddHours(hours).ToString("O")));
        }

        var faBarn = Fold(events).Report().Type(FaBarn);

        // 1..10 hours: rank 0.9 · 9 = 8.1, so 9 h + 0.1 h; median at rank 4.5 = 5.5 h.
        AssertStats(count: 10, mean: 19_800, median: 19_800, p90: 32_760, faBarn.Service("barnetrygd").WaitingForCitizen);
        AssertStats(count: 10, mean: 19_800, median: 19_800, p90: 32_760, faBarn.EndToEnd);
        Assert.Equal(10, faBarn.Journeys);
    }

    [Fact]
    public void a_report_made_again_in_its_outdated_cubes_equals_one_made_afresh()
    {
        // Each journey's events arrive shuffled, so later events fall between earlier ones: arcs and hand-overs a
        // report held vanish, and a journey whose life event comes late moves from no month into its month.
        var events = ShuffledJourneysInterleaved(new Random(11), seed: 11, count: 400, interleaveSeed: 3);
        var live = new LeadTimeProjection(TestCatalog);
        var applied = 0;
        var checkedReports = 0;
        foreach (var chunk in events.Chunk(events.Count / 9 + 1))
        {
            ApplyAll(live, chunk, firstPosition: (ulong)applied + 1);
            applied += chunk.Length;
            var afresh = Fold(events.Take(applied));
            var expected = afresh.Report();
            var agency = expected.Type(FaBarn).Agencies[0].Agency;
            var months = expected.Type(FaBarn).Months;
            var filters = new[]
            {
                new LeadTimeFilter(FaBarn, months[0].Month, months[^1].Month),
                new LeadTimeFilter(Agency: agency),
                new LeadTimeFilter(FaBarn, months[months.Count / 2].Month, months[months.Count / 2].Month, agency),
            };

            // The unfiltered report and filtered ones, one after another, as queries come: each makes its figures in
            // what the report before it used.
            Assert.Empty(live.Report().DifferencesFrom(expected));
            Assert.Equal(expected, live.Report());
            foreach (var filter in filters)
            {
                Assert.Equal(afresh.Report(filter), live.Report(filter));
            }
            Assert.Equal(expected, live.Report());
            checkedReports++;
        }
        Assert.True(checkedReports >= 9, $"{checkedReports} rounds");
    }

    [Fact]
    public void reports_after_events_of_some_months_journeys_fold_only_those_months_journeys_again()
    {
        // Journeys born over the whole year. The last steps of those born in March arrive after the first report, in
        // two parts, then those of the journeys born in January: each report equals one made afresh.
        var journeys = RandomJourneys(seed: 5, count: 600);
        static Func<List<JourneyEvent>, bool> BornIn(int month) =>
            journey => journey.Find(e => e.Activity == Birth) is { } birth && birth.OccurredAt.Month == month;
        List<JourneyEvent> LastSteps(int month) => [.. journeys.Where(j => BornIn(month)(j) && j.Count > 1).Select(j => j[^1])];
        var march = LastSteps(3);
        var january = LastSteps(1);
        var early = journeys.SelectMany(j => j).Except(march).Except(january).ToList();
        var live = Fold(early);
        _ = live.Report();
        var arrived = early;

        foreach (var (steps, month) in new[] { (march[..(march.Count / 2)], 3), (march[(march.Count / 2)..], 3), (january, 1) })
        {
            var folded = live.JourneysFolded;
            ApplyAll(live, steps, firstPosition: (ulong)arrived.Count + 1);
            arrived = [.. arrived, .. steps];
            var report = live.Report();

            var afresh = Fold(arrived).Report();
            Assert.Empty(report.DifferencesFrom(afresh));
            Assert.Equal(afresh, report);
            Assert.True(steps.Count > 10, $"{steps.Count} late steps");
            Assert.Equal(journeys.Count(BornIn(month)), live.JourneysFolded - folded);
        }
        Assert.True(journeys.Count(BornIn(3)) < journeys.Count / 8);
    }

    [Fact]
    public void reports_made_in_any_sequence_of_small_chunks_filtered_reports_and_releases_equal_ones_made_afresh()
    {
        // Small chunks of shuffled journeys, each followed by what a server does in between, chosen at random: the
        // report, a filtered query, a quiet spell's release, or nothing. Kept merges, kept month figures and
        // released cubes meet in every order.
        var random = new Random(23);
        var events = ShuffledJourneysInterleaved(random, seed: 23, count: 250, interleaveSeed: 4);
        var live = new LeadTimeProjection(TestCatalog);
        var applied = 0;
        foreach (var chunk in events.Chunk(40))
        {
            ApplyAll(live, chunk, firstPosition: (ulong)applied + 1);
            applied += chunk.Length;
            switch (random.Next(4))
            {
                case 0:
                    Assert.Equal(Fold(events.Take(applied)).Report(), live.Report());
                    break;
                case 1:
                    var filter = new LeadTimeFilter(FaBarn, "2026-01", $"2026-{random.Next(1, 13):00}");
                    Assert.Equal(Fold(events.Take(applied)).Report(filter), live.Report(filter));
                    break;
                case 2:
                    live.ReleaseCaches();
                    break;
            }
        }
        Assert.Equal(Fold(events).Report(), live.Report());
    }

    [Fact]
    public void a_report_made_again_drops_the_arcs_hand_overs_and_months_its_journeys_no_longer_have()
    {
        // One journey, its first event, then the others from the last back: each lands between the first and the one
        // before it, so the arc (and any hand-over) between those two goes. Last, a birth a month earlier than the one
        // recorded: the journey's month moves and its old month has no journey left.
        var journey = FaBarnJourney();
        var arrivals = new List<JourneyEvent> { journey[0] };
        arrivals.AddRange(journey.Skip(1).Reverse());
        arrivals.Add(Event("child-1", Birth, "2026-02-02T08:00:00+01:00"));
        var live = new LeadTimeProjection(TestCatalog);
        for (var i = 0; i < arrivals.Count; i++)
        {
            live.Apply((ulong)i + 1, arrivals[i]);
            var afresh = Fold(arrivals.Take(i + 1));

            Assert.Empty(live.Report().DifferencesFrom(afresh.Report()));
            Assert.Equal(afresh.Report(), live.Report());
            Assert.Equal(afresh.Report(new LeadTimeFilter(FaBarn, "2026-01", "2026-12")), live.Report(new LeadTimeFilter(FaBarn, "2026-01", "2026-12")));
        }
        Assert.Equal(["2026-02"], live.Report().Type(FaBarn).Months.Select(m => m.Month));
    }

    [Fact]
    public void projections_fed_the_same_journeys_in_different_arrival_orders_report_equally()
    {
        var journeys = RandomJourneys(seed: 7, count: 300);
        var oneAfterAnother = Fold(journeys.SelectMany(j => j));
        var interleaved = Fold(Interleave(journeys, seed: 1));
        var otherwiseInterleaved = Fold(Interleave(journeys, seed: 2));

        var expected = oneAfterAnother.Report();
        Assert.Empty(interleaved.Report().DifferencesFrom(expected));
        Assert.Empty(otherwiseInterleaved.Report().DifferencesFrom(expected));
        Assert.Equal(expected, interleaved.Report());
        Assert.Equal(oneAfterAnother.Journeys, interleaved.Journeys);
        Assert.Equal(oneAfterAnother.EventsIgnored, interleaved.EventsIgnored);
        // The generated journeys really exercise the figures.
        Assert.True(expected.Type(FaBarn).Journeys > 50);
        Assert.True(expected.Type(FaBarn).Months.Count > 6);
    }

    [Fact]
    public void replay_folds_a_log_like_applying_its_events_one_by_one()
    {
        var events = FaBarnJourney();
        var log = events.Select((e, i) => ((ulong)(i + 1) * 10, e));

        var replayed = LeadTimeProjection.Replay(TestCatalog, log);

        Assert.Equal(100ul, replayed.Checkpoint);
        Assert.Equal(Fold(events).Report().JourneyTypes, replayed.Report().JourneyTypes);
    }

    private static DurationStats One(double seconds) => new(1, seconds, seconds, seconds, seconds, seconds, seconds, seconds, Exact: true);

    /// <summary>Interpolated percentiles are exact in seconds up to floating-point rounding of the rank.</summary>
    private static void AssertStats(long count, double mean, double median, double p90, DurationStats actual)
    {
        Assert.Equal(count, actual.Count);
        Assert.Equal(mean, actual.MeanSeconds, 6);
        Assert.Equal(median, actual.MedianSeconds, 6);
        Assert.Equal(p90, actual.P90Seconds, 6);
    }
}
