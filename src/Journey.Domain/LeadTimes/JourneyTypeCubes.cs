using System.Runtime.InteropServices;
using Journey.Domain.ProcessMining;
using Journey.Domain.Statistics;

namespace Journey.Domain.LeadTimes;

/// <summary>
/// Every journey of one journey type folded into one <see cref="MonthCube"/> per month of the life event
/// (plus one for journeys without a life event). Cubes hold mergeable distributions, so the figures of any
/// period are the merge of its months, equal to folding those journeys directly.
/// </summary>
internal sealed class JourneyTypeCubes
{
    public const int Initiators = 3;

    private JourneyTypeCubes(CompiledJourneyType type)
    {
        NoMonth = new MonthCube(type);
    }

    /// <summary>Month (year·12 + month − 1, in the life event's own offset) → its journeys.</summary>
    public SortedDictionary<int, MonthCube> Months { get; } = [];

    /// <summary>Journeys without their life event: they have process-mining figures only.</summary>
    public MonthCube NoMonth { get; }

    /// <summary>
    /// The months before <see cref="prefixEnd"/> merged into one cube, once a report has made it, until one of them is
    /// folded again: the whole history's figures are then this and the months after it (<see cref="MergeAll"/>).
    /// </summary>
    private MonthCube? prefix;

    /// <summary>The first month not in <see cref="prefix"/>: the earliest month folded again by the last partial build.</summary>
    private int prefixEnd = int.MinValue;

    /// <summary>
    /// Merges every month and the journeys without a month into <paramref name="total"/> (emptied), in an order whose
    /// result is the same as any other's (see <see cref="DurationDistribution"/>'s remarks on determinism): the months
    /// before the earliest one folded again come from a merge kept from the report before, so that while events arrive
    /// for recent months a report merges those, not the whole history.
    /// </summary>
    public void MergeAll(CompiledJourneyType type, MonthCube total)
    {
        if (prefix is null && Months.Count > 0 && Months.First().Key < prefixEnd)
        {
            prefix = new MonthCube(type);
            foreach (var (month, cube) in Months)
            {
                if (month >= prefixEnd)
                {
                    break;
                }
                prefix.Merge(cube);
            }
        }
        if (prefix is not null)
        {
            total.Merge(prefix);
        }
        foreach (var (month, cube) in Months)
        {
            if (month >= prefixEnd)
            {
                total.Merge(cube);
            }
        }
        total.Merge(NoMonth);
    }

    /// <summary>
    /// The cubes of every journey of <paramref name="type"/>. Given the <paramref name="outdated"/> cubes (those of the
    /// last report) and the <paramref name="changed"/> months (of every journey that changed since, before and after),
    /// only those months' cubes are emptied and folded again, in their own arrays: the other months' journeys are as
    /// they were. Live traffic is mostly about recent months, so a report made once a second while it arrives folds
    /// the journeys of those months, not every journey of the type's history.
    /// </summary>
    public static JourneyTypeCubes Build(CompiledJourneyType type, JourneyTypeCubes? outdated, IReadOnlySet<int> changed)
    {
        if (outdated is null)
        {
            var cubes = new JourneyTypeCubes(type);
            var folder = new JourneyFolder(type);
            foreach (var journey in type.Journeys.Values)
            {
                folder.Fold(journey.Entries, cubes);
            }
            type.JourneysFolded += type.Journeys.Count;
            return cubes;
        }
        var again = new List<MonthCube>(changed.Count);
        foreach (var month in changed)
        {
            if (month == JourneyTimeline.NoLifeEvent)
            {
                again.Add(outdated.NoMonth);
            }
            else if (outdated.Months.TryGetValue(month, out var cube))
            {
                again.Add(cube);
            }
        }
        foreach (var cube in again)
        {
            cube.Reset();
        }
        // The merge of the months before the earliest folded again holds; one that takes in a month folded again is
        // made again, up to that month.
        var earliest = changed.Where(m => m != JourneyTimeline.NoLifeEvent).DefaultIfEmpty(int.MaxValue).Min();
        if (earliest < outdated.prefixEnd || outdated.prefix is null)
        {
            outdated.prefix = null;
            outdated.prefixEnd = earliest;
        }
        var refolder = new JourneyFolder(type);
        foreach (var journey in type.Journeys.Values)
        {
            if (changed.Contains(journey.Month))
            {
                refolder.Fold(journey.Entries, outdated);
                type.JourneysFolded++;
            }
        }
        // Only what a fresh build would hold: months that kept a journey, and in each the hand-overs and arcs it has.
        foreach (var month in changed)
        {
            if (outdated.Months.TryGetValue(month, out var cube) && cube.JourneysSeen == 0)
            {
                outdated.Months.Remove(month);
            }
        }
        foreach (var cube in again)
        {
            cube.RemoveUnused();
        }
        return outdated;
    }

    /// <summary>The month of a journey whose first life event is <paramref name="lifeEvent"/>: year·12 + month − 1 in its own UTC offset.</summary>
    public static int MonthOf(in TimelineEntry lifeEvent)
    {
        var local = new DateTime(lifeEvent.UtcTicks + lifeEvent.OffsetMinutes * TimeSpan.TicksPerMinute, DateTimeKind.Unspecified);
        return local.Year * 12 + local.Month - 1;
    }

    public MonthCube Month(CompiledJourneyType type, int month)
    {
        if (!Months.TryGetValue(month, out var cube))
        {
            cube = new MonthCube(type);
            Months.Add(month, cube);
        }
        return cube;
    }
}

/// <summary>The figures of a set of journeys of one type, kept mergeable.</summary>
internal sealed class MonthCube
{
    private int journeyNumber;

    public MonthCube(CompiledJourneyType type)
    {
        Cells = new ServiceCell[type.Services.Length * JourneyTypeCubes.Initiators];
        for (var i = 0; i < Cells.Length; i++)
        {
            Cells[i] = new ServiceCell();
        }
        Agencies = new AgencyCell[type.Agencies.Length];
        for (var i = 0; i < Agencies.Length; i++)
        {
            Agencies[i] = new AgencyCell();
        }
    }

    /// <summary>Journeys with at least one event.</summary>
    public long JourneysSeen { get; set; }

    /// <summary>Journeys with their life event.</summary>
    public long JourneysWithLifeEvent { get; set; }

    /// <summary>Completed journeys (life event, every started service delivered).</summary>
    public long Completed { get; set; }

    /// <summary>Life event → last delivery, completed journeys.</summary>
    public DurationDistribution EndToEnd { get; } = new();

    /// <summary>First → last event of every journey.</summary>
    public DurationDistribution Span { get; } = new();

    /// <summary>Service index · 3 + initiator → the service instances started by that initiator.</summary>
    public ServiceCell[] Cells { get; }

    /// <summary>Agency index → the journeys that agency took part in.</summary>
    public AgencyCell[] Agencies { get; }

    /// <summary>From agency · agencies + to agency → hand-overs.</summary>
    public Dictionary<int, HandOverCell> HandOvers { get; } = [];

    /// <summary>Over activity indices of the journey type.</summary>
    public DirectlyFollowsGraph Graph { get; } = new();

    public ServiceCell Cell(int service, int initiator) => Cells[service * JourneyTypeCubes.Initiators + initiator];

    /// <summary>The month's unfiltered figures, once a report has made them, until the cube is emptied.</summary>
    public MonthLeadTimes? Figures { get; set; }

    /// <summary>Empties the cube and keeps its parts for journeys to be folded in again; see <see cref="JourneyTypeCubes.Build"/>.</summary>
    public void Reset()
    {
        Figures = null;
        JourneysSeen = 0;
        JourneysWithLifeEvent = 0;
        Completed = 0;
        EndToEnd.Reset();
        Span.Reset();
        foreach (var cell in Cells)
        {
            cell.Reset();
        }
        foreach (var agency in Agencies)
        {
            agency.Reset();
        }
        foreach (var handOver in HandOvers.Values)
        {
            handOver.Journeys = 0;
            handOver.Times.Reset();
            handOver.LastJourney = -1;
        }
        Graph.Reset();
    }

    /// <summary>After <see cref="Reset"/> and a fold: drops the hand-overs and arcs no journey had.</summary>
    public void RemoveUnused()
    {
        foreach (var (key, handOver) in HandOvers)
        {
            if (handOver.Journeys == 0)
            {
                HandOvers.Remove(key);
            }
        }
        Graph.RemoveUnused();
    }

    /// <summary>A new journey begins: each hand-over pair counts it once.</summary>
    public int BeginJourney()
    {
        JourneysSeen++;
        Graph.BeginCase();
        return ++journeyNumber;
    }

    public void HandOver(int agencies, int from, int to, long ticks, int journey)
    {
        ref var cell = ref CollectionsMarshal.GetValueRefOrAddDefault(HandOvers, from * agencies + to, out var exists);
        if (!exists)
        {
            cell = new HandOverCell();
        }
        if (cell!.LastJourney != journey)
        {
            cell.LastJourney = journey;
            cell.Journeys++;
        }
        cell.Times.Add(ticks);
    }

    /// <summary>Adds the journeys of <paramref name="other"/> (a disjoint set); it is left unchanged.</summary>
    public void Merge(MonthCube other)
    {
        JourneysSeen += other.JourneysSeen;
        JourneysWithLifeEvent += other.JourneysWithLifeEvent;
        Completed += other.Completed;
        EndToEnd.Merge(other.EndToEnd);
        Span.Merge(other.Span);
        for (var i = 0; i < Cells.Length; i++)
        {
            Cells[i].Merge(other.Cells[i]);
        }
        for (var i = 0; i < Agencies.Length; i++)
        {
            Agencies[i].Merge(other.Agencies[i]);
        }
        foreach (var (key, theirs) in other.HandOvers)
        {
            ref var cell = ref CollectionsMarshal.GetValueRefOrAddDefault(HandOvers, key, out var exists);
            if (!exists)
            {
                cell = new HandOverCell();
            }
            cell!.Journeys += theirs.Journeys;
            cell.Times.Merge(theirs.Times);
            cell.LastJourney = -1;
        }
        Graph.Merge(other.Graph);
        journeyNumber++;
    }
}

/// <summary>The instances of one service started by one initiator.</summary>
internal sealed class ServiceCell
{
    public ServiceCell()
        : this(new(), new(), new(), new(), new())
    {
    }

    private ServiceCell(DurationDistribution total, DurationDistribution waiting, DurationDistribution processing, DurationDistribution delivery, DurationDistribution potential)
    {
        Total = total;
        Waiting = waiting;
        Processing = processing;
        Delivery = delivery;
        Potential = potential;
    }

    public long Started { get; set; }

    public long StartedProactively { get; set; }

    /// <summary>Started by an application (reactive).</summary>
    public long StartedReactively => Started - StartedProactively;

    public DurationDistribution Total { get; }

    public DurationDistribution Waiting { get; }

    public DurationDistribution Processing { get; }

    public DurationDistribution Delivery { get; }

    /// <summary>Waits to apply while the data the service depends on was already recorded; only waits above zero.</summary>
    public DurationDistribution Potential { get; }

    /// <summary>A new cell holding the service instances of all of <paramref name="cells"/> (see <see cref="DurationDistribution.Combine"/>).</summary>
    public static ServiceCell Combine(IReadOnlyList<ServiceCell> cells)
    {
        var combined = new ServiceCell(
            DurationDistribution.Combine(cells.Select(c => c.Total)),
            DurationDistribution.Combine(cells.Select(c => c.Waiting)),
            DurationDistribution.Combine(cells.Select(c => c.Processing)),
            DurationDistribution.Combine(cells.Select(c => c.Delivery)),
            DurationDistribution.Combine(cells.Select(c => c.Potential)));
        foreach (var cell in cells)
        {
            combined.Started += cell.Started;
            combined.StartedProactively += cell.StartedProactively;
        }
        return combined;
    }

    public void Reset()
    {
        Started = 0;
        StartedProactively = 0;
        Total.Reset();
        Waiting.Reset();
        Processing.Reset();
        Delivery.Reset();
        Potential.Reset();
    }

    public void Merge(ServiceCell other)
    {
        Started += other.Started;
        StartedProactively += other.StartedProactively;
        Total.Merge(other.Total);
        Waiting.Merge(other.Waiting);
        Processing.Merge(other.Processing);
        Delivery.Merge(other.Delivery);
        Potential.Merge(other.Potential);
    }
}

/// <summary>The journeys an agency took part in (had at least one event in).</summary>
internal sealed class AgencyCell
{
    public long JourneysSeen { get; set; }

    public long JourneysWithLifeEvent { get; set; }

    public long Completed { get; set; }

    public DurationDistribution EndToEnd { get; } = new();

    public DurationDistribution Span { get; } = new();

    public void Reset()
    {
        JourneysSeen = 0;
        JourneysWithLifeEvent = 0;
        Completed = 0;
        EndToEnd.Reset();
        Span.Reset();
    }

    public void Merge(AgencyCell other)
    {
        JourneysSeen += other.JourneysSeen;
        JourneysWithLifeEvent += other.JourneysWithLifeEvent;
        Completed += other.Completed;
        EndToEnd.Merge(other.EndToEnd);
        Span.Merge(other.Span);
    }
}

/// <summary>Hand-overs from one agency to another.</summary>
internal sealed class HandOverCell
{
    public long Journeys { get; set; }

    public DurationDistribution Times { get; } = new();

    public int LastJourney { get; set; } = -1;
}

/// <summary>
/// Walks one journey's events once and adds its figures to the cube of its month, by the rules documented
/// on <see cref="LeadTimeProjection"/>. Scratch space is reused from journey to journey.
/// </summary>
internal sealed class JourneyFolder(CompiledJourneyType type)
{
    private const byte Started = 1, Decided = 2, Delivered = 3;

    private readonly byte[] stage = new byte[type.Services.Length];
    private readonly bool[] proactive = new bool[type.Services.Length];
    private readonly byte[] initiator = new byte[type.Services.Length];
    private readonly long[] trigger = new long[type.Services.Length];
    private readonly long[] decision = new long[type.Services.Length];
    private readonly long[] delivery = new long[type.Services.Length];
    private readonly long[] recorded = new long[type.DependencySlots];
    private readonly bool[] involved = new bool[type.Agencies.Length];

    public void Fold(ReadOnlySpan<TimelineEntry> events, JourneyTypeCubes cubes)
    {
        if (events.IsEmpty)
        {
            return;
        }
        Array.Clear(stage);
        Array.Fill(recorded, long.MaxValue);
        Array.Clear(involved);

        var life = -1;
        for (var i = 0; i < events.Length; i++)
        {
            var e = events[i];
            var slot = type.DependencySlot[e.Activity];
            if (slot >= 0 && recorded[slot] == long.MaxValue)
            {
                recorded[slot] = e.UtcTicks;
            }
            // Roles are ordered delivery, decision, trigger: a step only ever follows an earlier event.
            foreach (var role in type.Roles[e.Activity])
            {
                var s = role.Service;
                switch (role.Kind)
                {
                    case RoleKind.Delivery when stage[s] == Decided:
                        stage[s] = Delivered;
                        delivery[s] = e.UtcTicks;
                        break;
                    case RoleKind.Decision when stage[s] == Started:
                        stage[s] = Decided;
                        decision[s] = e.UtcTicks;
                        break;
                    case RoleKind.Application or RoleKind.Proactive when stage[s] == 0:
                        stage[s] = Started;
                        trigger[s] = e.UtcTicks;
                        proactive[s] = role.Kind == RoleKind.Proactive;
                        initiator[s] = e.Initiator;
                        break;
                    case RoleKind.LifeEvent when life < 0:
                        life = i;
                        break;
                }
            }
        }

        MonthCube cube;
        if (life < 0)
        {
            cube = cubes.NoMonth;
        }
        else
        {
            cube = cubes.Month(type, JourneyTypeCubes.MonthOf(events[life]));
        }

        // Process-mining figures: every journey, with or without its life event.
        var journey = cube.BeginJourney();
        var span = events[^1].UtcTicks - events[0].UtcTicks;
        cube.Span.Add(span);
        var agencies = type.Agencies.Length;
        var previousAgency = type.ActivityAgency[events[0].Activity];
        if (previousAgency >= 0)
        {
            involved[previousAgency] = true;
        }
        for (var i = 1; i < events.Length; i++)
        {
            var from = events[i - 1];
            var to = events[i];
            var ticks = to.UtcTicks - from.UtcTicks;
            cube.Graph.Add(from.Activity, to.Activity, ticks);
            var agency = type.ActivityAgency[to.Activity];
            if (agency < 0)
            {
                continue;
            }
            involved[agency] = true;
            // Last event at one agency → first event at the next: consecutive events whose agencies differ.
            if (previousAgency >= 0 && agency != previousAgency)
            {
                cube.HandOver(agencies, previousAgency, agency, ticks, journey);
            }
            previousAgency = agency;
        }

        var completed = false;
        long endToEnd = 0;
        if (life >= 0)
        {
            int startedCount = 0, deliveredCount = 0;
            var lastDelivery = long.MinValue;
            for (var s = 0; s < stage.Length; s++)
            {
                if (stage[s] != 0)
                {
                    startedCount++;
                }
                if (stage[s] == Delivered)
                {
                    deliveredCount++;
                    lastDelivery = Math.Max(lastDelivery, delivery[s]);
                }
            }
            cube.JourneysWithLifeEvent++;
            completed = startedCount > 0 && deliveredCount == startedCount;
            if (completed)
            {
                endToEnd = lastDelivery - events[life].UtcTicks;
                cube.Completed++;
                cube.EndToEnd.Add(endToEnd);
            }
        }
        for (var a = 0; a < involved.Length; a++)
        {
            if (involved[a])
            {
                var cell = cube.Agencies[a];
                cell.JourneysSeen++;
                cell.Span.Add(span);
                if (life >= 0)
                {
                    cell.JourneysWithLifeEvent++;
                }
                if (completed)
                {
                    cell.Completed++;
                    cell.EndToEnd.Add(endToEnd);
                }
            }
        }
        if (life < 0)
        {
            return;
        }

        var lifeTicks = events[life].UtcTicks;
        for (var s = 0; s < stage.Length; s++)
        {
            if (stage[s] == 0)
            {
                continue;
            }
            var cell = cube.Cell(s, initiator[s]);
            cell.Started++;
            if (proactive[s])
            {
                cell.StartedProactively++;
            }
            else if (Potential(s, lifeTicks) is > 0 and var wait)
            {
                cell.Potential.Add(wait);
            }
            if (stage[s] == Delivered)
            {
                var waiting = proactive[s] ? 0 : trigger[s] - lifeTicks;
                var processing = decision[s] - trigger[s];
                var delivering = delivery[s] - decision[s];
                cell.Waiting.Add(waiting);
                cell.Processing.Add(processing);
                cell.Delivery.Add(delivering);
                cell.Total.Add(waiting + processing + delivering);
            }
        }
    }

    /// <summary>
    /// How long the citizen waited to apply while everything the service depends on was recorded: from the
    /// later of the life event and the last dependency's first occurrence, to the application. Zero when a
    /// dependency was not recorded by then, or the service names none.
    /// </summary>
    private long Potential(int service, long lifeTicks)
    {
        var slots = type.DependsOn[service];
        if (slots.Length == 0)
        {
            return 0;
        }
        var available = lifeTicks;
        foreach (var slot in slots)
        {
            var at = recorded[slot];
            if (at == long.MaxValue)
            {
                return 0;
            }
            available = Math.Max(available, at);
        }
        var wait = trigger[service] - available;
        return wait > 0 ? wait : 0;
    }
}
