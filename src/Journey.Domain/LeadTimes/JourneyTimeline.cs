using System.Runtime.InteropServices;

namespace Journey.Domain.LeadTimes;

/// <summary>
/// One event of a journey as the projection keeps it, in 12 bytes: its instant, its UTC offset, and the
/// activity (an index into its journey type) packed with the initiator (its <see cref="Events.Initiator"/> value).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly record struct TimelineEntry
{
    /// <summary>Activities a journey type may have: the index takes the low 14 bits, the initiator the top two.</summary>
    public const int MaxActivities = 1 << ActivityBits;

    private const int ActivityBits = 14;
    private const int ActivityMask = MaxActivities - 1;

    // In this order, packed on four bytes: 8 + 2 + 2.
    private readonly long utcTicks;
    private readonly short offsetMinutes;
    private readonly ushort activityAndInitiator;

    public TimelineEntry(long utcTicks, short offsetMinutes, short activity, byte initiator)
    {
        this.utcTicks = utcTicks;
        this.offsetMinutes = offsetMinutes;
        activityAndInitiator = (ushort)((activity & ActivityMask) | (initiator << ActivityBits));
    }

    public long UtcTicks => utcTicks;

    public short OffsetMinutes => offsetMinutes;

    public short Activity => (short)(activityAndInitiator & ActivityMask);

    public byte Initiator => (byte)(activityAndInitiator >> ActivityBits);
}

/// <summary>
/// The state of one journey: its events in journey order (by instant, ties in arrival order). The figures
/// are derived from it when a report is made (<see cref="JourneyTypeCubes"/>), by the rules documented on
/// <see cref="LeadTimeProjection"/>; nothing else is kept per journey. A value kept inside its journey
/// type's dictionary and changed there by reference, so a journey costs no object of its own.
/// </summary>
internal struct JourneyTimeline
{
    /// <summary>Month of a journey without its life event.</summary>
    public const int NoLifeEvent = -1;

    private TimelineEntry[]? entries;
    private int count;
    // In the room the struct's alignment leaves after the count: a journey's month costs nothing to keep.
    private int month;

    /// <summary>A timeline of events already in journey order (restoring a snapshot), of a journey type whose life event is <paramref name="lifeEventActivity"/>.</summary>
    public JourneyTimeline(TimelineEntry[] ordered, short lifeEventActivity)
    {
        entries = ordered;
        count = ordered.Length;
        month = MonthOf(Entries, lifeEventActivity);
    }

    /// <summary>Events in journey order: by instant, ties in arrival order.</summary>
    public readonly ReadOnlySpan<TimelineEntry> Entries => entries.AsSpan(0, count);

    /// <summary>
    /// The month whose cube holds the journey, once it has an event: that of its first life event
    /// (<see cref="JourneyTypeCubes.MonthOf"/>), or <see cref="NoLifeEvent"/>.
    /// </summary>
    public readonly int Month => month;

    private static int MonthOf(ReadOnlySpan<TimelineEntry> events, short lifeEventActivity)
    {
        foreach (ref readonly var e in events)
        {
            if (e.Activity == lifeEventActivity)
            {
                return JourneyTypeCubes.MonthOf(e);
            }
        }
        return NoLifeEvent;
    }

    /// <summary>
    /// Inserts an event after every event at or before its instant. Events arrive in position order, so this
    /// keeps ties in arrival order; a backfill lands in the middle. Only a life event (<paramref name="lifeEventActivity"/>)
    /// can change the journey's <see cref="Month"/>.
    /// </summary>
    public void Insert(TimelineEntry entry, short lifeEventActivity)
    {
        if (entries is null || count == entries.Length)
        {
            // Most journeys hold about ten events: 4, 8, then half as much again each time (12, 18, …)
            // wastes less of the last array than doubling would.
            Array.Resize(ref entries, count == 0 ? 4 : count < 8 ? count * 2 : count + count / 2);
        }
        var at = count;
        while (at > 0 && entries[at - 1].UtcTicks > entry.UtcTicks)
        {
            at--;
        }
        if (at < count)
        {
            Array.Copy(entries, at, entries, at + 1, count - at);
        }
        entries[at] = entry;
        count++;
        if (count == 1 || entry.Activity == lifeEventActivity)
        {
            month = MonthOf(Entries, lifeEventActivity);
        }
    }
}
