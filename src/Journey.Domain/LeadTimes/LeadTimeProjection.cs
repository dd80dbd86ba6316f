using System.Globalization;
using System.Runtime.InteropServices;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.Statistics;

namespace Journey.Domain.LeadTimes;

/// <summary>
/// End-to-end and per-service lead times: a pure fold over the log. This is the one place that defines
/// what the figures mean.
/// </summary>
/// <remarks>
/// <para><b>Journey and its order.</b> A journey is all events of one journey type for one subject
/// (<see cref="JourneyEvent.JourneyId"/>). Its events are ordered by <see cref="JourneyEvent.OccurredAt"/>
/// as a true instant (UTC offsets honoured, so durations across a daylight-saving change are true elapsed
/// time), ties kept in arrival (position) order. Figures depend only on that order, so they are the same
/// whatever the arrival order of different journeys' events, and a late (backfilled) event that lands
/// earlier in a journey recomputes that journey's figures.</para>
/// <para><b>Life event.</b> The first occurrence of the journey type's
/// <see cref="JourneyTypeDefinition.LifeEventActivity"/>. A journey without it has no figures yet (it is
/// counted only in <see cref="Journeys"/>).</para>
/// <para><b>Service instance.</b> At most one per service and journey, found by walking the journey in
/// order: the <i>trigger</i> is the first application activity (reactive) or proactive activity (proactive),
/// whichever comes first; the <i>decision</i> is the first decision activity strictly after the trigger;
/// the <i>delivery</i> is the first delivery activity strictly after the decision. Triggers may precede the
/// life event (e.g. parental benefit applied for before the birth). An event counts whatever its
/// <see cref="JourneyEvent.Lifecycle"/>.</para>
/// <para><b>Out-of-order steps.</b> A decision or delivery that comes before the step it should follow (in
/// journey order) is not that step: it is skipped, and the service stays undecided or undelivered until a
/// later one arrives. So agency processing and delivery are never negative. Waiting for the citizen and
/// end-to-end are kept as true values and are negative when the application or the last delivery precedes
/// the life event.</para>
/// <para><b>Intervals of a delivered service.</b> Waiting for the citizen = life event → application (zero
/// when started proactively); agency processing = trigger → decision; delivery = decision → delivery;
/// total = the sum of the three.</para>
/// <para><b>Counting.</b> A service instance counts in <see cref="ServiceLeadTimes"/> when delivered (in a
/// journey with its life event), whether or not its journey is complete. A journey is <i>completed</i>
/// when it has its life event, at least one service started, and every started service delivered; only
/// completed journeys count in <see cref="JourneyTypeLeadTimes.Journeys"/> and
/// <see cref="JourneyTypeLeadTimes.EndToEnd"/> (life event → last delivery).</para>
/// <para><b>Months.</b> "yyyy-MM" of the life event in the life event's own UTC offset; a month's figures
/// are the same figures restricted to journeys whose life event fell in it. A month is listed when some
/// journey's life event fell in it, even if none is completed yet.</para>
/// <para><b>Statistics.</b> Seconds as double; mean, median and p90 by <see cref="Percentiles.OfSorted"/>
/// (linear interpolation between closest ranks); an empty group has count 0 and zeros. The report lists
/// every journey type of the catalog and every service of each type, ordered by id.</para>
/// <para><b>Ignored events.</b> Events of a journey type the catalog does not know, or of an activity the
/// journey type does not know, are counted in <see cref="EventsIgnored"/> and otherwise ignored. Known
/// activities that play no part in these rules make the journey seen but are not kept.</para>
/// <para>Not thread-safe: one writer, and <see cref="Report"/> (which refreshes cached figures) must not
/// run concurrently with anything else on the same instance.</para>
/// </remarks>
public sealed class LeadTimeProjection
{
    private readonly CompiledJourneyType[] journeyTypes;
    private readonly Dictionary<string, CompiledJourneyType> journeyTypesById;

    // Logs are dominated by a few journey types: comparing with the last one is cheaper than hashing.
    private CompiledJourneyType? lastType;

    public LeadTimeProjection(JourneyCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        // The catalog lists journey types by id, so the report comes out in id order.
        journeyTypes = [.. catalog.JourneyTypes.Select(t => new CompiledJourneyType(t))];
        journeyTypesById = journeyTypes.ToDictionary(t => t.Id, StringComparer.Ordinal);
    }

    /// <summary>Position of the last event applied (ignored ones included); null before any.</summary>
    public ulong? Checkpoint { get; private set; }

    /// <summary>Events applied, ignored ones included.</summary>
    public long EventsApplied { get; private set; }

    /// <summary>Events applied that were of an unknown journey type or activity.</summary>
    public long EventsIgnored { get; private set; }

    /// <summary>Journeys seen, in any state.</summary>
    public int Journeys { get; private set; }

    /// <summary>Folds a whole log (in position order) into a new projection.</summary>
    public static LeadTimeProjection Replay(JourneyCatalog catalog, IEnumerable<(ulong Position, JourneyEvent Event)> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var projection = new LeadTimeProjection(catalog);
        foreach (var (position, e) in log)
        {
            projection.Apply(position, e);
        }
        return projection;
    }

    /// <summary>
    /// Applies the event at <paramref name="position"/>. Positions must increase; an event at or before
    /// <see cref="Checkpoint"/> has been applied already (an at-least-once redelivery) and is skipped.
    /// Never throws for unknown journey types or activities: those are counted in <see cref="EventsIgnored"/>.
    /// </summary>
    public void Apply(ulong position, JourneyEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (position <= Checkpoint)
        {
            return;
        }
        Checkpoint = position;
        EventsApplied++;
        var type = lastType;
        if (type is null || !string.Equals(type.Id, e.JourneyType, StringComparison.Ordinal))
        {
            if (!journeyTypesById.TryGetValue(e.JourneyType, out type))
            {
                EventsIgnored++;
                return;
            }
            lastType = type;
        }
        if (!type.ActivityIndex.TryGetValue(e.Activity, out var activity))
        {
            EventsIgnored++;
            return;
        }
        ref var timeline = ref CollectionsMarshal.GetValueRefOrAddDefault(type.Journeys, e.Subject, out var exists);
        if (!exists)
        {
            timeline = new JourneyTimeline();
            Journeys++;
        }
        if (type.Roles[activity].Length > 0)
        {
            var at = e.OccurredAt;
            timeline!.Insert(new TimelineEntry(at.UtcTicks, (short)at.TotalOffsetMinutes, activity));
            type.Figures = null;
        }
    }

    /// <summary>The figures over every event applied so far; see the remarks on this class.</summary>
    public LeadTimeReport Report()
    {
        var result = new JourneyTypeLeadTimes[journeyTypes.Length];
        for (var t = 0; t < journeyTypes.Length; t++)
        {
            var type = journeyTypes[t];
            result[t] = type.Figures ??= ReportJourneyType(type);
        }
        return new LeadTimeReport(Checkpoint, Array.AsReadOnly(result));
    }

    /// <summary>A compact, versioned snapshot of the whole state, with <see cref="Checkpoint"/> and the counters.</summary>
    public byte[] ToSnapshot() => LeadTimeSnapshot.Write(this, journeyTypes);

    /// <summary>
    /// Restores a projection from <see cref="ToSnapshot"/>. Activities are stored by code, so a catalog that
    /// has gained definitions still reads it; journeys of journey types or activities the catalog no longer
    /// knows are dropped (rebuild from the log to have them counted as ignored).
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a lead-time snapshot of a known version.</exception>
    public static LeadTimeProjection FromSnapshot(JourneyCatalog catalog, ReadOnlySpan<byte> snapshot)
    {
        var projection = new LeadTimeProjection(catalog);
        var state = LeadTimeSnapshot.Read(snapshot, projection.journeyTypesById);
        projection.Checkpoint = state.Checkpoint;
        projection.EventsApplied = state.EventsApplied;
        projection.EventsIgnored = state.EventsIgnored;
        projection.Journeys = state.Journeys;
        return projection;
    }

    private static JourneyTypeLeadTimes ReportJourneyType(CompiledJourneyType type)
    {
        var all = new Sample(type.Services.Length);
        var months = new Dictionary<int, Sample>();
        foreach (var journey in type.Journeys.Values)
        {
            journey.EnsureFigures(type);
            if (journey.LifeMonth == JourneyTimeline.NoLifeEvent)
            {
                continue;
            }
            ref var month = ref CollectionsMarshal.GetValueRefOrAddDefault(months, journey.LifeMonth, out var exists);
            if (!exists)
            {
                month = new Sample(type.Services.Length);
            }
            all.Add(journey);
            month!.Add(journey);
        }

        var monthKeys = months.Keys.ToArray();
        Array.Sort(monthKeys);
        var monthFigures = new MonthLeadTimes[monthKeys.Length];
        for (var i = 0; i < monthKeys.Length; i++)
        {
            var sample = months[monthKeys[i]];
            var (year, month) = Math.DivRem(monthKeys[i], 12);
            monthFigures[i] = new MonthLeadTimes(
                string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month + 1:D2}"), sample.Journeys, Stats(sample.EndToEnd), Array.AsReadOnly(sample.Services(type)));
        }
        // Read-only views: reports share cached figures, so no caller may change them.
        return new JourneyTypeLeadTimes(
            type.Id, all.Journeys, Stats(all.EndToEnd), Array.AsReadOnly(all.Services(type)), Array.AsReadOnly(monthFigures));
    }

    private static DurationStats Stats(List<double> seconds)
    {
        if (seconds.Count == 0)
        {
            return DurationStats.Empty;
        }
        // Summed after sorting, so the mean does not depend on the order journeys were visited in.
        var summary = DurationSummary.Of(CollectionsMarshal.AsSpan(seconds));
        return new DurationStats(summary.Count, summary.MeanSeconds, summary.MedianSeconds, summary.P90Seconds);
    }

    private static double Seconds(long ticks) => (double)ticks / TimeSpan.TicksPerSecond;

    /// <summary>The durations of one group of journeys (a journey type, or one month of it).</summary>
    private sealed class Sample(int services)
    {
        private readonly List<double>[] total = NewLists(services);
        private readonly List<double>[] waiting = NewLists(services);
        private readonly List<double>[] processing = NewLists(services);
        private readonly List<double>[] delivery = NewLists(services);

        public long Journeys { get; private set; }

        public List<double> EndToEnd { get; } = [];

        public void Add(JourneyTimeline journey)
        {
            if (journey.Completed)
            {
                Journeys++;
                EndToEnd.Add(Seconds(journey.EndToEndTicks));
            }
            foreach (var f in journey.Delivered)
            {
                total[f.Service].Add(Seconds(f.TotalTicks));
                waiting[f.Service].Add(Seconds(f.WaitingTicks));
                processing[f.Service].Add(Seconds(f.ProcessingTicks));
                delivery[f.Service].Add(Seconds(f.DeliveryTicks));
            }
        }

        public ServiceLeadTimes[] Services(CompiledJourneyType type)
        {
            var result = new ServiceLeadTimes[services];
            for (var s = 0; s < services; s++)
            {
                var definition = type.Services[s];
                result[s] = new ServiceLeadTimes(
                    definition.Id,
                    definition.Agency,
                    total[s].Count,
                    Stats(total[s]),
                    Stats(waiting[s]),
                    Stats(processing[s]),
                    Stats(delivery[s]));
            }
            return result;
        }

        private static List<double>[] NewLists(int count)
        {
            var lists = new List<double>[count];
            for (var i = 0; i < count; i++)
            {
                lists[i] = [];
            }
            return lists;
        }
    }
}
