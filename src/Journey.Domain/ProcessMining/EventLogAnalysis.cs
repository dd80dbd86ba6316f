using System.Runtime.InteropServices;
using Journey.Domain.Statistics;

namespace Journey.Domain.ProcessMining;

/// <summary>
/// Offline analysis of an event log, fed one case at a time: counts, variants, case durations, start and
/// end activities and the directly-follows graph with times — the figures PM4Py computes on the same log.
/// </summary>
/// <remarks>
/// <para>Within a case, events are ordered by timestamp (the instant, so offsets and daylight saving are
/// honoured), ties kept in file order: a stable sort, like PM4Py's sort by case and timestamp. Then a
/// variant is the activity sequence, the case duration is last minus first timestamp, and each pair of
/// consecutive events is one directly-follows occurrence whose time is the later minus the earlier timestamp.
/// Every timestamp is the event's <c>time:timestamp</c>. One known difference: when PM4Py's data frame has
/// a column named <c>start_timestamp</c> (as interval_event_log.xes does), its DFG sorts by that column first
/// and times an arc from one event's completion to the next one's start; here such an attribute is just an
/// attribute.</para>
/// <para>Durations are kept by <see cref="DurationDistribution"/>: exact up to
/// <see cref="DurationDistribution.ExactLimit"/> values per figure (every log in <c>shared/data</c>), beyond
/// that within <see cref="DurationDistribution.RelativeAccuracy"/>; means are always exact. The
/// directly-follows graph is <see cref="DirectlyFollowsGraph"/>, the one the live projections use.</para>
/// <para>A case without events adds nothing (PM4Py's data frame has no row for it). Not thread-safe.</para>
/// </remarks>
public sealed class EventLogAnalysis
{
    private readonly Dictionary<string, int> activityIds = new(StringComparer.Ordinal);
    private readonly List<string> activityNames = [];
    private readonly List<long> startCounts = [];
    private readonly List<long> endCounts = [];
    private readonly HashSet<int[]> variants = new(ArrayContentComparer<int>.Instance);
    private readonly DurationDistribution caseDurations = new();
    private readonly DirectlyFollowsGraph graph = new();
    private Step[] steps = new Step[64];
    private int[] sequence = new int[64];
    private long events;

    /// <summary>Adds one case.</summary>
    public void Add(LogTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var count = trace.Events.Count;
        if (count == 0)
        {
            return;
        }
        if (steps.Length < count)
        {
            var size = Math.Max(count, steps.Length * 2);
            steps = new Step[size];
            sequence = new int[size];
        }
        var ordered = true;
        for (var i = 0; i < count; i++)
        {
            var e = trace.Events[i];
            var ticks = e.Timestamp.UtcTicks;
            steps[i] = new Step(ticks, ActivityId(e.Activity), i);
            if (i > 0 && ticks < steps[i - 1].UtcTicks)
            {
                ordered = false;
            }
        }
        var span = steps.AsSpan(0, count);
        if (!ordered)
        {
            // The file index breaks ties, so the unstable sort gives the stable order.
            span.Sort(static (a, b) => a.UtcTicks != b.UtcTicks ? a.UtcTicks.CompareTo(b.UtcTicks) : a.Index.CompareTo(b.Index));
        }

        events += count;
        startCounts[span[0].Activity]++;
        endCounts[span[^1].Activity]++;
        caseDurations.Add(span[^1].UtcTicks - span[0].UtcTicks);
        sequence[0] = span[0].Activity;
        graph.BeginCase();
        for (var i = 1; i < count; i++)
        {
            var from = span[i - 1];
            var to = span[i];
            sequence[i] = to.Activity;
            graph.Add(from.Activity, to.Activity, to.UtcTicks - from.UtcTicks);
        }
        // Looks the sequence up as a span; an array is allocated only for a new variant.
        variants.GetAlternateLookup<ReadOnlySpan<int>>().Add(sequence.AsSpan(0, count));
    }

    /// <summary>The figures for the cases added so far.</summary>
    public EventLogAnalysisResult Result()
    {
        var starts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var ends = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var id = 0; id < activityNames.Count; id++)
        {
            if (startCounts[id] > 0)
            {
                starts.Add(activityNames[id], startCounts[id]);
            }
            if (endCounts[id] > 0)
            {
                ends.Add(activityNames[id], endCounts[id]);
            }
        }
        var follows = new List<DirectlyFollowsEdge>(graph.Arcs.Count);
        foreach (var arc in graph.Ordered(activityNames))
        {
            var summary = arc.Times.Summarise();
            follows.Add(new DirectlyFollowsEdge(
                activityNames[arc.From], activityNames[arc.To], summary.Count, summary.MeanSeconds, summary.MedianSeconds));
        }
        return new EventLogAnalysisResult(
            caseDurations.Count,
            events,
            activityNames.Count,
            variants.Count,
            caseDurations.Summarise(),
            starts,
            ends,
            follows);
    }

    private int ActivityId(string activity)
    {
        ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(activityIds, activity, out var exists);
        if (!exists)
        {
            id = activityNames.Count;
            activityNames.Add(activity);
            startCounts.Add(0);
            endCounts.Add(0);
        }
        return id;
    }

    private readonly record struct Step(long UtcTicks, int Activity, int Index);
}
