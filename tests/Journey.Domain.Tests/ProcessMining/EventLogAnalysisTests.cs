using System.Text.Json;
using Journey.Domain.ProcessMining;

namespace Journey.Domain.Tests.ProcessMining;

public sealed class EventLogAnalysisTests
{
    [Fact]
    public void running_example_gives_the_figures_worked_out_by_hand()
    {
        var result = Analyse(XesReader.ReadFile(ProcessMiningData.Xes("running-example.xes")));

        // Cases 3, 2, 1, 6, 5, 4 with 9 + 5 + 5 + 5 + 13 + 5 = 42 events, each case already in time order.
        Assert.Equal(6, result.Cases);
        Assert.Equal(42, result.Events);
        // register request, examine casually, examine thoroughly, check ticket, decide,
        // reinitiate request, pay compensation, reject request.
        Assert.Equal(8, result.Activities);
        // No two cases share a sequence: 2 and 6 differ in the order of check ticket and examine casually,
        // 1 and 4 in check ticket and examine thoroughly; 3 and 5 are the only ones with reinitiate request
        // and have 9 and 13 events.
        Assert.Equal(6, result.Variants);
        Assert.Equal(new Dictionary<string, long> { ["register request"] = 6 }, result.StartActivities);
        // Cases 3, 2, 6 end with pay compensation; 1, 5, 4 with reject request.
        Assert.Equal(new Dictionary<string, long> { ["pay compensation"] = 3, ["reject request"] = 3 }, result.EndActivities);

        // Case durations (all +01:00), last minus first:
        //   3: 12-30 14:32 → 01-15 10:45 = 16 d − 3 h 47 m = 1,382,400 − 13,620 = 1,368,780 s
        //   2: 12-30 11:32 → 01-08 12:05 =  9 d + 33 m    =   777,600 +  1,980 =   779,580 s
        //   1: 12-30 11:02 → 01-07 14:24 =  8 d + 3 h 22 m =  691,200 + 12,120 =   703,320 s
        //   6: 01-06 15:02 → 01-16 11:47 = 10 d − 3 h 15 m =  864,000 − 11,700 =   852,300 s
        //   5: 01-06 09:02 → 01-24 14:56 = 18 d + 5 h 54 m = 1,555,200 + 21,240 = 1,576,440 s
        //   4: 01-06 15:02 → 01-12 15:44 =  6 d + 42 m    =   518,400 +  2,520 =   520,920 s
        // Sorted: 520,920  703,320  779,580  852,300  1,368,780  1,576,440 (sum 5,801,340).
        Assert.Equal(520_920, result.CaseDuration.MinSeconds);
        Assert.Equal(5_801_340 / 6.0, result.CaseDuration.MeanSeconds, 6); // 966,890
        Assert.Equal((779_580 + 852_300) / 2.0, result.CaseDuration.MedianSeconds); // 815,940
        // p90: rank 0.9 × 5 = 4.5 → 1,368,780 + 0.5 × (1,576,440 − 1,368,780) = 1,472,610.
        Assert.Equal(1_472_610, result.CaseDuration.P90Seconds);
        Assert.Equal(1_576_440, result.CaseDuration.MaxSeconds);

        // decide → pay compensation, once in each of cases 3, 2, 6:
        //   3: 01-09 09:55 → 01-15 10:45 = 6 d + 50 m       = 518,400 +  3,000 = 521,400 s
        //   2: 01-05 11:22 → 01-08 12:05 = 3 d + 43 m       = 259,200 +  2,580 = 261,780 s
        //   6: 01-07 16:52 → 01-16 11:47 = 8 d + 18 h 55 m  = 691,200 + 68,100 = 759,300 s
        // mean = 1,542,480 / 3 = 514,160; median = 521,400.
        var pay = Edge(result, "decide", "pay compensation");
        Assert.Equal(3, pay.Count);
        Assert.Equal(514_160, pay.MeanSeconds, 6);
        Assert.Equal(521_400, pay.MedianSeconds);
        // register request → examine casually in cases 3, 6, 5:
        //   3: 14:32 → 15:06 = 2,040 s;  6: 15:02 → 16:06 = 3,840 s;
        //   5: 01-06 09:02 → 01-07 10:16 = 1 d + 1 h 14 m = 86,400 + 4,440 = 90,840 s
        // mean = 96,720 / 3 = 32,240; median = 3,840.
        var examine = Edge(result, "register request", "examine casually");
        Assert.Equal(3, examine.Count);
        Assert.Equal(32_240, examine.MeanSeconds, 6);
        Assert.Equal(3_840, examine.MedianSeconds);
        // check ticket → decide: twice in case 3, twice in case 5, once in 1 and in 6; never in 2 or 4.
        Assert.Equal(6, Edge(result, "check ticket", "decide").Count);
        Assert.DoesNotContain(result.DirectlyFollows, e => e.From == "pay compensation" || e.From == "reject request");
    }

    [Fact]
    public void receipt_gives_its_published_counts()
    {
        var result = Analyse(XesReader.ReadFile(ProcessMiningData.Xes("receipt.xes")));

        Assert.Equal(1434, result.Cases);
        Assert.Equal(8577, result.Events);
        Assert.Equal(result.Cases, result.StartActivities.Values.Sum());
        Assert.Equal(result.Cases, result.EndActivities.Values.Sum());
        // Each case with n events gives n − 1 directly-follows occurrences.
        Assert.Equal(result.Events - result.Cases, result.DirectlyFollows.Sum(e => e.Count));
    }

    [Fact]
    public void a_receipt_case_across_the_autumn_clock_change_has_its_true_elapsed_duration()
    {
        var trace = XesReader.ReadFile(ProcessMiningData.Xes("receipt.xes")).First(t => t.CaseId == "case-10011");

        var result = Analyse([trace]);

        // First event 2011-10-11T13:45:40.276+02:00 = 11:45:40.276 UTC; last 2011-11-24T15:37:16.553+01:00
        // = 14:37:16.553 UTC; summer time ended on 2011-10-30 in between.
        // 10-11 → 11-24 is 20 + 24 = 44 days = 3,801,600 s, and 14:37:16.553 − 11:45:40.276 = 2 h 51 m
        // 36.277 s = 10,296.277 s: 3,811,896.277 s. Subtracting the wall-clock times would give 3,600 s less.
        Assert.Equal(3_811_896.277, result.CaseDuration.MaxSeconds, 6);
        // T02 Check confirmation of receipt (2011-10-12T08:26:25.398+02:00 = 06:26:25.398 UTC) →
        // T03 Adjust confirmation of receipt (2011-11-24T15:36:51.302+01:00 = 14:36:51.302 UTC):
        // 43 d = 3,715,200 s plus 8 h 10 m 25.904 s = 29,425.904 s → 3,744,625.904 s.
        var adjust = Edge(result, "T02 Check confirmation of receipt", "T03 Adjust confirmation of receipt");
        Assert.Equal(3_744_625.904, adjust.MeanSeconds, 6);
    }

    [Fact]
    public void interval_log_traces_out_of_time_order_in_the_file_are_ordered_by_timestamp()
    {
        var traces = XesReader.ReadFile(ProcessMiningData.Xes("interval_event_log.xes")).ToList();
        var c41 = traces.Single(t => t.CaseId == "C41");
        // In the file, make delivery (completed 2015-02-04T15:25:47) comes before confirm payment
        // (completed 15:15:00 the same day); the reader keeps file order, the analysis orders by time.
        Assert.Equal(["make delivery", "confirm payment"], c41.Events.TakeLast(2).Select(e => e.Activity));

        var result = Analyse([c41]);

        Assert.Equal(new Dictionary<string, long> { ["make delivery"] = 1 }, result.EndActivities);
        // prepare delivery (02-03 12:21:11) → confirm payment (02-04 15:15:00) = 1 d 2 h 53 m 49 s = 96,829 s
        Assert.Equal(96_829, Edge(result, "prepare delivery", "confirm payment").MeanSeconds);
        // confirm payment (15:15:00) → make delivery (15:25:47) = 647 s
        Assert.Equal(647, Edge(result, "confirm payment", "make delivery").MeanSeconds);
        Assert.DoesNotContain(result.DirectlyFollows, e => e.From == "make delivery");

        var whole = Analyse(traces);
        Assert.Equal(1266, whole.Cases);
        Assert.Equal(8109, whole.Events);
    }

    [Fact]
    public void events_with_the_same_timestamp_keep_their_file_order()
    {
        // The first BPIC 2020 trace starts with "Start trip" and "End trip", both at 2016-10-05T00:00:00+02:00.
        var first = XesReader.ReadFile(ProcessMiningData.Xes("15_bpic2020_permit_log_1t_per_variant.xes.gz")).First();
        Assert.Equal("travel permit 76455", first.CaseId);

        var result = Analyse([first]);

        Assert.Equal(new Dictionary<string, long> { ["Start trip"] = 1 }, result.StartActivities);
        var tie = Edge(result, "Start trip", "End trip");
        Assert.Equal(0, tie.MeanSeconds);
        Assert.DoesNotContain(result.DirectlyFollows, e => e.From == "End trip" && e.To == "Start trip");
    }

    [Fact]
    public void an_unordered_case_with_ties_sorts_stably()
    {
        var t0 = new DateTimeOffset(2024, 1, 1, 9, 0, 0, TimeSpan.Zero);
        // File order: c@+2h, a@0, b@0, d@+1h, e@0 → by time, ties in file order: a, b, e, d, c.
        var trace = Trace("X", ("c", t0.AddHours(2)), ("a", t0), ("b", t0), ("d", t0.AddHours(1)), ("e", t0));

        var result = Analyse([trace]);

        Assert.Equal(
            [("a", "b", 0.0), ("b", "e", 0.0), ("d", "c", 3600.0), ("e", "d", 3600.0)],
            result.DirectlyFollows.Select(e => (e.From, e.To, e.MeanSeconds)));
        Assert.Equal(7200, result.CaseDuration.MaxSeconds);
    }

    [Fact]
    public void variants_are_distinct_ordered_sequences_and_empty_cases_add_nothing()
    {
        var t0 = new DateTimeOffset(2024, 1, 1, 9, 0, 0, TimeSpan.Zero);
        var result = Analyse(
        [
            Trace("1", ("a", t0), ("b", t0.AddHours(1))),
            Trace("2", ("b", t0.AddHours(1)), ("a", t0)), // same variant once ordered
            Trace("3", ("a", t0), ("b", t0.AddHours(1)), ("b", t0.AddHours(2))),
            Trace("4", ("b", t0)),
            Trace("5"),
        ]);

        Assert.Equal(4, result.Cases);
        Assert.Equal(8, result.Events);
        Assert.Equal(3, result.Variants);
        Assert.Equal(2, result.Activities);
        // a→b after 1 h in cases 1, 2, 3; b→b after 1 h in case 3.
        Assert.Equal([("a", "b", 3L), ("b", "b", 1L)], result.DirectlyFollows.Select(e => (e.From, e.To, e.Count)));
    }

    [Fact]
    public void json_has_the_documented_keys_in_order_and_is_the_same_every_time()
    {
        var result = Analyse(XesReader.ReadFile(ProcessMiningData.Xes("running-example.xes")));

        var json = result.ToJson();

        Assert.Equal(json, Analyse(XesReader.ReadFile(ProcessMiningData.Xes("running-example.xes"))).ToJson());
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(
            ["cases", "events", "activities", "variants", "caseDuration", "startActivities", "endActivities", "directlyFollows"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(6, root.GetProperty("cases").GetInt64());
        Assert.Equal(42, root.GetProperty("events").GetInt64());
        Assert.Equal(
            ["minSeconds", "meanSeconds", "medianSeconds", "p90Seconds", "maxSeconds"],
            root.GetProperty("caseDuration").EnumerateObject().Select(p => p.Name));
        Assert.Equal(815_940, root.GetProperty("caseDuration").GetProperty("medianSeconds").GetDouble());
        Assert.Equal(["pay compensation", "reject request"], root.GetProperty("endActivities").EnumerateObject().Select(p => p.Name));
        var arcs = root.GetProperty("directlyFollows").EnumerateArray().ToList();
        Assert.Equal(result.DirectlyFollows.Count, arcs.Count);
        Assert.Equal(["from", "to", "count", "meanSeconds", "medianSeconds"], arcs[0].EnumerateObject().Select(p => p.Name));
        var pairs = arcs.Select(a => (a.GetProperty("from").GetString()!, a.GetProperty("to").GetString()!)).ToList();
        Assert.Equal(pairs.OrderBy(p => p.Item1, StringComparer.Ordinal).ThenBy(p => p.Item2, StringComparer.Ordinal), pairs);
        Assert.Contains(arcs, a => a.GetProperty("from").GetString() == "decide"
            && a.GetProperty("to").GetString() == "pay compensation"
            && a.GetProperty("count").GetInt64() == 3
            && a.GetProperty("meanSeconds").GetDouble() == 514_160);
    }

    private static EventLogAnalysisResult Analyse(IEnumerable<LogTrace> traces)
    {
        var analysis = new EventLogAnalysis();
        foreach (var trace in traces)
        {
            analysis.Add(trace);
        }
        return analysis.Result();
    }

    private static DirectlyFollowsEdge Edge(EventLogAnalysisResult result, string from, string to) =>
        Assert.Single(result.DirectlyFollows, e => e.From == from && e.To == to);

    private static LogTrace Trace(string caseId, params (string Activity, DateTimeOffset At)[] events) =>
        new(caseId, events.Select(e => new LogEvent(e.Activity, e.At, null, null, null, new Dictionary<string, object?>())).ToList(), new Dictionary<string, object?>());
}
