using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.ProcessMining;
using Journey.Domain.Statistics;

namespace Journey.Domain.LeadTimes;

/// <summary>
/// End-to-end and per-service lead times, hand-overs between agencies, the directly-follows map and the
/// proactive potential: a pure fold over the log. This is the one place that defines what the figures mean.
/// </summary>
/// <remarks>
/// <para><b>Journey and its order.</b> A journey is all events of one journey type for one subject
/// (<see cref="JourneyEvent.JourneyId"/>). Its events are ordered by <see cref="JourneyEvent.OccurredAt"/>
/// as a true instant (UTC offsets honoured, so durations across a daylight-saving change are true elapsed
/// time), ties kept in arrival (position) order. Figures depend only on that order, so they are the same
/// whatever the arrival order of different journeys' events, and a late (backfilled) event that lands
/// earlier in a journey recomputes that journey's figures.</para>
/// <para><b>Life event.</b> The first occurrence of the journey type's
/// <see cref="JourneyTypeDefinition.LifeEventActivity"/>. A journey without it has no lead times yet; it
/// has only the process-mining figures below.</para>
/// <para><b>Service instance.</b> At most one per service and journey, found by walking the journey in
/// order: the <i>trigger</i> is the first application activity (reactive) or proactive activity (proactive),
/// whichever comes first; the <i>decision</i> is the first decision activity strictly after the trigger;
/// the <i>delivery</i> is the first delivery activity strictly after the decision. Triggers may precede the
/// life event (e.g. parental benefit applied for before the birth). An event counts whatever its
/// <see cref="JourneyEvent.Lifecycle"/>. The instance's <i>initiator</i> is its trigger event's
/// <see cref="JourneyEvent.Initiator"/>; it is <i>started proactively</i> when its trigger is a proactive
/// activity.</para>
/// <para><b>Out-of-order steps.</b> A decision or delivery that comes before the step it should follow (in
/// journey order) is not that step: it is skipped, and the service stays undecided or undelivered until a
/// later one arrives. So agency processing and delivery are never negative. Waiting for the citizen and
/// end-to-end are kept as true values and are negative when the application or the last delivery precedes
/// the life event.</para>
/// <para><b>Intervals of a delivered service.</b> Waiting for the citizen = life event → application (zero
/// when started proactively); agency processing = trigger → decision; delivery = decision → delivery;
/// total = the sum of the three.</para>
/// <para><b>Counting.</b> A service instance counts in <see cref="ServiceLeadTimes.Starts"/> when started and
/// in its durations when delivered (in a journey with its life event), whether or not its journey is
/// complete. A journey is <i>completed</i> when it has its life event, at least one service started, and
/// every started service delivered; only completed journeys count in
/// <see cref="JourneyTypeLeadTimes.Journeys"/> and <see cref="JourneyTypeLeadTimes.EndToEnd"/> (life event →
/// last delivery).</para>
/// <para><b>Proactive potential.</b> For a service instance started by an application, when every activity
/// the service <see cref="ServiceDefinition.DependsOn"/> had occurred in the journey by the time of the
/// application: the citizen waited to apply, while the data the service needs was already recorded, from
/// the later of the life event and the last of those activities' first occurrences, to the application.
/// That wait counts when above zero; its sum in days is the service's citizen-days, the instances with one
/// are the journeys affected. A service without <c>dependsOn</c> or without application activities has no
/// potential to measure and is not ranked. Ranked by citizen-days, most first.</para>
/// <para><b>Process-mining figures</b> cover every journey seen, with or without its life event, as
/// process-mining tools cover every case: the <i>span</i> (first → last event), the <i>directly-follows
/// map</i> (each pair of consecutive events of a journey is one occurrence of an arc, timed later − earlier;
/// <see cref="DirectlyFollowsGraph"/>, shared with the offline analysis) and <i>hand-overs</i>: each time
/// two consecutive events belong to different agencies (by the catalog's agency of their activity), the
/// last event at one agency is followed by the first at the next, and the time between them is one hand-over
/// from the one to the other.</para>
/// <para><b>Months.</b> "yyyy-MM" of the life event in the life event's own UTC offset; a month's figures
/// are the same figures restricted to journeys whose life event fell in it. A month is listed when some
/// journey's life event fell in it, even if none is completed yet. A period filter
/// (<see cref="LeadTimeFilter"/>) merges its months; journeys without a life event have no month.</para>
/// <para><b>Breakdowns.</b> Per agency (the journeys it took part in and the services it runs), per
/// initiator, per month; <see cref="Report(LeadTimeFilter)"/> restricts any of them to one journey type,
/// period or agency.</para>
/// <para><b>Statistics.</b> Seconds as double; mean, median, p90, p95 and p99 by linear interpolation between
/// closest ranks, exact for groups of up to <see cref="DurationDistribution.ExactLimit"/> values and within
/// <see cref="DurationDistribution.RelativeAccuracy"/> beyond (<see cref="DurationDistribution"/>); count,
/// mean, minimum and maximum always exact. An empty group has count 0 and zeros. The report lists every
/// journey type of the catalog and every service of each type, ordered by id.</para>
/// <para><b>Ignored events.</b> Events of a journey type the catalog does not know, or of an activity the
/// journey type does not know, are counted in <see cref="EventsIgnored"/> and otherwise ignored.</para>
/// <para>Memory: 12 bytes per event kept (<see cref="TimelineEntry"/>) plus the subject's UTF-8; the figures are
/// derived when a report is made. Not thread-safe: one writer, and <see cref="Report()"/> (which refreshes
/// cached figures) must not run concurrently with anything else on the same instance.</para>
/// </remarks>
public sealed class LeadTimeProjection
{
    private readonly CompiledJourneyType[] journeyTypes;
    private readonly Dictionary<string, CompiledJourneyType> journeyTypesById;
    private readonly Dictionary<string, CompiledJourneyType>.AlternateLookup<ReadOnlySpan<char>> journeyTypesByChars;

    // Logs are dominated by a few journey types: comparing with the last one is cheaper than hashing.
    private CompiledJourneyType? lastType;

    public LeadTimeProjection(JourneyCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        // The catalog lists journey types by id, so the report comes out in id order.
        journeyTypes = [.. catalog.JourneyTypes.Select(t => new CompiledJourneyType(t))];
        journeyTypesById = journeyTypes.ToDictionary(t => t.Id, StringComparer.Ordinal);
        journeyTypesByChars = journeyTypesById.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Position of the last event applied (ignored ones included); null before any.</summary>
    public ulong? Checkpoint { get; private set; }

    /// <summary>Events applied, ignored ones included.</summary>
    public long EventsApplied { get; private set; }

    /// <summary>Events applied that were of an unknown journey type or activity.</summary>
    public long EventsIgnored { get; private set; }

    /// <summary>Journeys seen, in any state.</summary>
    public int Journeys { get; private set; }

    /// <summary>Journeys the reports so far have folded into their cubes (each report folds those of the months that changed).</summary>
    internal long JourneysFolded => journeyTypes.Sum(t => t.JourneysFolded);

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
        Insert(type, Utf8(e.Subject, subjectBytes), activity, e.OccurredAt, e.Initiator);
    }

    /// <summary>
    /// Applies the event at <paramref name="position"/> from its decoded fields
    /// (<see cref="JourneyEventJson.DecodeFields"/>): exactly what <see cref="Apply(ulong, JourneyEvent)"/> does
    /// with the same event, without a <see cref="JourneyEvent"/>, and with a string only for a new journey's subject.
    /// </summary>
    // Runs per event of a rebuild, from cold: optimised at once rather than after tiering up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(ulong position, JourneyEventFields e)
    {
        if (position <= Checkpoint)
        {
            return;
        }
        Checkpoint = position;
        EventsApplied++;
        var type = lastType;
        if (type is null || !e.JourneyType.SequenceEqual(type.Utf8Id))
        {
            // Journey type ids are short; a longer value is decoded into a string instead.
            Span<char> buffer = stackalloc char[MaxStackBytes];
            if (!journeyTypesByChars.TryGetValue(Chars(e.JourneyType, buffer), out type))
            {
                EventsIgnored++;
                return;
            }
            lastType = type;
        }
        if (!type.ActivityIndexByUtf8.TryGetValue(e.Activity, out var activity))
        {
            EventsIgnored++;
            return;
        }
        Insert(type, e.Subject, activity, e.OccurredAt, e.Initiator);
    }

    private const int MaxStackBytes = 256;

    // The subject's UTF-8 while its journey is looked up; one writer, so one buffer (a longer subject gets an array).
    private readonly byte[] subjectBytes = new byte[MaxStackBytes];

    // UTF-8 never takes fewer bytes than UTF-16 chars, so a value that fits the buffer in bytes fits in chars.
    private static ReadOnlySpan<char> Chars(ReadOnlySpan<byte> utf8, Span<char> buffer) =>
        utf8.Length <= buffer.Length ? buffer[..Encoding.UTF8.GetChars(utf8, buffer)] : Encoding.UTF8.GetString(utf8);

    private static ReadOnlySpan<byte> Utf8(string value, Span<byte> buffer) =>
        Encoding.UTF8.TryGetBytes(value, buffer, out var written) ? buffer[..written] : Encoding.UTF8.GetBytes(value);

    private void Insert(CompiledJourneyType type, ReadOnlySpan<byte> subject, short activity, DateTimeOffset at, Initiator initiator)
    {
        ref var timeline = ref CollectionsMarshal.GetValueRefOrAddDefault(type.JourneysByUtf8, subject, out var exists);
        if (!exists)
        {
            Journeys++;
        }
        // Every known activity is kept: the directly-follows map and hand-overs need them all.
        type.Insert(ref timeline, new TimelineEntry(at.UtcTicks, (short)at.TotalOffsetMinutes, activity, (byte)initiator), isNew: !exists);
    }

    /// <summary>The figures over every event applied so far; see the remarks on this class.</summary>
    public LeadTimeReport Report()
    {
        var result = new JourneyTypeLeadTimes[journeyTypes.Length];
        for (var t = 0; t < journeyTypes.Length; t++)
        {
            var type = journeyTypes[t];
            result[t] = type.Figures ??= LeadTimeFigures.Of(type, type.CurrentCubes(), LeadTimeFilter.All);
        }
        return new LeadTimeReport(Checkpoint, Array.AsReadOnly(result));
    }

    /// <summary>
    /// The figures restricted to <paramref name="filter"/>'s journey type, period and agency; the same as
    /// folding only the journeys (and, for an agency, only the services, hand-overs and arcs) it selects. An
    /// unknown journey type gives no journey types; an agency that takes no part in a journey type gives
    /// that type with empty figures.
    /// </summary>
    /// <exception cref="ArgumentException">A month of the filter is not "yyyy-MM".</exception>
    public LeadTimeReport Report(LeadTimeFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter == LeadTimeFilter.All)
        {
            return Report();
        }
        _ = filter.MonthRange();
        var result = new List<JourneyTypeLeadTimes>();
        foreach (var type in journeyTypes)
        {
            if (filter.JourneyType is null || string.Equals(filter.JourneyType, type.Id, StringComparison.Ordinal))
            {
                result.Add(LeadTimeFigures.Of(type, type.CurrentCubes(), filter));
            }
        }
        return new LeadTimeReport(Checkpoint, result.AsReadOnly());
    }

    /// <summary>
    /// Drops the month cubes that filtered reports are made from (the largest part of the projection's memory
    /// once it has reported: duration distributions per month, service and initiator). The next filtered
    /// report builds them again from the timelines, as a new event would have made it do; the unfiltered
    /// figures stay.
    /// </summary>
    public void ReleaseCaches()
    {
        foreach (var type in journeyTypes)
        {
            type.ReleaseCubes();
        }
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
}
