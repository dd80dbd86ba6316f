namespace Journey.Domain.LeadTimes;

/// <summary>
/// One event of a journey as the projection keeps it: 16 bytes, the activity as an index into its journey
/// type and the initiator as its <see cref="Events.Initiator"/> value.
/// </summary>
internal readonly record struct TimelineEntry(long UtcTicks, short OffsetMinutes, short Activity, byte Initiator);

/// <summary>
/// The state of one journey: its events in journey order (by instant, ties in arrival order). The figures
/// are derived from it when a report is made (<see cref="JourneyTypeCubes"/>), by the rules documented on
/// <see cref="LeadTimeProjection"/>; nothing else is kept per journey, so memory is about 16 bytes an event.
/// </summary>
internal sealed class JourneyTimeline
{
    /// <summary>Month of a journey without its life event.</summary>
    public const int NoLifeEvent = -1;

    private TimelineEntry[] entries = [];
    private int count;

    /// <summary>Events in journey order: by instant, ties in arrival order.</summary>
    public ReadOnlySpan<TimelineEntry> Entries => entries.AsSpan(0, count);

    /// <summary>
    /// Inserts an event after every event at or before its instant. Events arrive in position order, so this
    /// keeps ties in arrival order; a backfill lands in the middle.
    /// </summary>
    public void Insert(TimelineEntry entry)
    {
        if (count == entries.Length)
        {
            // Small start and doubling: most journeys hold about ten events.
            Array.Resize(ref entries, count == 0 ? 4 : count * 2);
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
    }

    /// <summary>Replaces the events with ones already in journey order (restoring a snapshot).</summary>
    public void Load(TimelineEntry[] ordered)
    {
        entries = ordered;
        count = ordered.Length;
    }
}
