using System.Buffers;
using System.Text;
using System.Text.Json;
using Journey.Domain.Statistics;

namespace Journey.Domain.ProcessMining;

/// <summary>One arc of the directly-follows graph: how often <see cref="To"/> directly followed <see cref="From"/> in a case, and after how long.</summary>
public sealed record DirectlyFollowsEdge(string From, string To, long Count, double MeanSeconds, double MedianSeconds);

/// <summary>The figures of <see cref="EventLogAnalysis"/>, as <c>journey analyze --json</c> prints them.</summary>
/// <param name="Cases">Cases with at least one event.</param>
/// <param name="Events">Events in those cases.</param>
/// <param name="Activities">Distinct activity names.</param>
/// <param name="Variants">Distinct activity sequences of the cases, events ordered by timestamp.</param>
/// <param name="CaseDuration">Last minus first timestamp of each case, in seconds.</param>
/// <param name="StartActivities">Cases per first activity, in ordinal order of the name.</param>
/// <param name="EndActivities">Cases per last activity, in ordinal order of the name.</param>
/// <param name="DirectlyFollows">The directly-follows arcs, ordered by from and then to (ordinal).</param>
public sealed record EventLogAnalysisResult(
    long Cases,
    long Events,
    int Activities,
    int Variants,
    DurationSummary CaseDuration,
    IReadOnlyDictionary<string, long> StartActivities,
    IReadOnlyDictionary<string, long> EndActivities,
    IReadOnlyList<DirectlyFollowsEdge> DirectlyFollows)
{
    /// <summary>
    /// The result as indented JSON with a fixed key order: <c>cases</c>, <c>events</c>, <c>activities</c>,
    /// <c>variants</c>, <c>caseDuration</c> {<c>minSeconds</c>, <c>meanSeconds</c>, <c>medianSeconds</c>,
    /// <c>p90Seconds</c>, <c>maxSeconds</c>}, <c>startActivities</c> and <c>endActivities</c> (name → count),
    /// <c>directlyFollows</c> [{<c>from</c>, <c>to</c>, <c>count</c>, <c>meanSeconds</c>, <c>medianSeconds</c>}].
    /// The same result always gives the same text.
    /// </summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("cases", Cases);
            w.WriteNumber("events", Events);
            w.WriteNumber("activities", Activities);
            w.WriteNumber("variants", Variants);
            w.WriteStartObject("caseDuration");
            w.WriteNumber("minSeconds", CaseDuration.MinSeconds);
            w.WriteNumber("meanSeconds", CaseDuration.MeanSeconds);
            w.WriteNumber("medianSeconds", CaseDuration.MedianSeconds);
            w.WriteNumber("p90Seconds", CaseDuration.P90Seconds);
            w.WriteNumber("maxSeconds", CaseDuration.MaxSeconds);
            w.WriteEndObject();
            WriteCounts(w, "startActivities", StartActivities);
            WriteCounts(w, "endActivities", EndActivities);
            w.WriteStartArray("directlyFollows");
            foreach (var edge in DirectlyFollows)
            {
                w.WriteStartObject();
                w.WriteString("from", edge.From);
                w.WriteString("to", edge.To);
                w.WriteNumber("count", edge.Count);
                w.WriteNumber("meanSeconds", edge.MeanSeconds);
                w.WriteNumber("medianSeconds", edge.MedianSeconds);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteCounts(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, long> counts)
    {
        w.WriteStartObject(name);
        // Sorted here too, so the text is deterministic whatever dictionary a caller built the record with.
        var names = new string[counts.Count];
        var i = 0;
        foreach (var key in counts.Keys)
        {
            names[i++] = key;
        }
        Array.Sort(names, StringComparer.Ordinal);
        foreach (var key in names)
        {
            w.WriteNumber(key, counts[key]);
        }
        w.WriteEndObject();
    }
}
