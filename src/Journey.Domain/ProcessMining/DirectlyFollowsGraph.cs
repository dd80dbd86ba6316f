using Journey.Domain.Statistics;

namespace Journey.Domain.ProcessMining;

/// <summary>
/// The directly-follows graph as process-mining tools draw it: for each pair of activities (as small
/// integer ids the owner assigns), how often the second directly followed the first in a case, in how many
/// cases, and after how long. The one implementation shared by the offline analysis
/// (<see cref="EventLogAnalysis"/>) and the live projections, so both give the same figures.
/// </summary>
/// <remarks>
/// The caller walks each case in its order (by instant, ties in file or arrival order), calls
/// <see cref="BeginCase"/>, then <see cref="Add"/> for every pair of consecutive events. Graphs of disjoint
/// sets of cases merge into the graph of their union. Not thread-safe.
/// </remarks>
public sealed class DirectlyFollowsGraph
{
    // Activity ids are small and dense: a row per from-activity, indexed by to-activity, finds an arc
    // without hashing (this is on the projection's hot path).
    private readonly List<Arc> arcs = [];
    private Arc?[]?[] rows = [];
    private int caseNumber;

    /// <summary>Arcs in the order they first occurred; see <see cref="Ordered"/>.</summary>
    public IReadOnlyCollection<Arc> Arcs => arcs;

    /// <summary>Marks the start of a new case, so each arc counts the cases it occurs in once.</summary>
    public void BeginCase() => caseNumber++;

    /// <summary>One occurrence of <paramref name="to"/> directly after <paramref name="from"/>, <paramref name="ticks"/> later.</summary>
    public void Add(int from, int to, long ticks)
    {
        var arc = Find(from, to);
        if (arc.LastCase != caseNumber)
        {
            arc.LastCase = caseNumber;
            arc.Cases++;
        }
        arc.Times.Add(ticks);
    }

    /// <summary>Adds the arcs of a graph over other cases; <paramref name="other"/> is left unchanged.</summary>
    public void Merge(DirectlyFollowsGraph other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var theirs in other.arcs)
        {
            var arc = Find(theirs.From, theirs.To);
            arc.Cases += theirs.Cases;
            arc.Times.Merge(theirs.Times);
        }
        // A case never spans two graphs: keep this graph's own numbering apart from any arc just merged.
        caseNumber++;
        foreach (var arc in arcs)
        {
            arc.LastCase = -1;
        }
    }

    /// <summary>
    /// Empties every arc and keeps it, with its arrays, for cases to be added again (<see cref="DurationDistribution.Reset"/>);
    /// <see cref="RemoveUnused"/> then drops the arcs none of them had.
    /// </summary>
    public void Reset()
    {
        foreach (var arc in arcs)
        {
            arc.Cases = 0;
            arc.Times.Reset();
            arc.LastCase = -1;
        }
    }

    /// <summary>Drops the arcs that occur in no case: what a graph made afresh from the same cases would not have.</summary>
    public void RemoveUnused()
    {
        foreach (var arc in arcs)
        {
            if (arc.Cases == 0)
            {
                rows[arc.From]![arc.To] = null;
            }
        }
        arcs.RemoveAll(static a => a.Cases == 0);
    }

    /// <summary>The arcs ordered by the names of their activities (from, then to; ordinal).</summary>
    public IReadOnlyList<Arc> Ordered(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var ordered = arcs.ToArray();
        Array.Sort(ordered, (a, b) =>
        {
            var byFrom = string.CompareOrdinal(names[a.From], names[b.From]);
            return byFrom != 0 ? byFrom : string.CompareOrdinal(names[a.To], names[b.To]);
        });
        return ordered;
    }

    private Arc Find(int from, int to)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfNegative(to);
        if (from >= rows.Length)
        {
            Array.Resize(ref rows, Math.Max(from + 1, rows.Length * 2));
        }
        ref var row = ref rows[from];
        row ??= new Arc?[Math.Max(to + 1, 8)];
        if (to >= row.Length)
        {
            Array.Resize(ref row, Math.Max(to + 1, row.Length * 2));
        }
        ref var arc = ref row[to];
        if (arc is null)
        {
            arc = new Arc(from, to);
            arcs.Add(arc);
        }
        return arc;
    }

    /// <summary>One arc: <see cref="To"/> directly after <see cref="From"/>.</summary>
    public sealed class Arc(int from, int to)
    {
        public int From { get; } = from;

        public int To { get; } = to;

        /// <summary>Cases in which the arc occurs at least once.</summary>
        public long Cases { get; internal set; }

        /// <summary>Time between the two events, once per occurrence; its count is the arc's frequency.</summary>
        public DurationDistribution Times { get; } = new();

        internal int LastCase { get; set; } = -1;
    }
}
