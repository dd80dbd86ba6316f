namespace Journey.Domain.LeadTimes;

/// <summary>One event that matters to lead times: 16 bytes, the activity as an index into its journey type.</summary>
internal readonly record struct TimelineEntry(long UtcTicks, short OffsetMinutes, short Activity);

/// <summary>The figures of one delivered service instance, in ticks.</summary>
internal readonly record struct ServiceFigures(short Service, long WaitingTicks, long ProcessingTicks, long DeliveryTicks)
{
    public long TotalTicks => WaitingTicks + ProcessingTicks + DeliveryTicks;
}

/// <summary>
/// The state of one journey: its lead-time events in journey order, and its figures, recomputed lazily when
/// an event has changed them. The rules are those documented on <see cref="LeadTimeProjection"/>.
/// </summary>
internal sealed class JourneyTimeline
{
    /// <summary><see cref="LifeMonth"/> of a journey without its life event.</summary>
    public const int NoLifeEvent = -1;

    // Above this many services the scratch space goes to the heap rather than the stack.
    private const int StackServices = 64;

    private TimelineEntry[] entries = [];
    private int count;
    private bool dirty;

    /// <summary>Events in journey order: by instant, ties in arrival order.</summary>
    public ReadOnlySpan<TimelineEntry> Entries => entries.AsSpan(0, count);

    /// <summary>Month of the life event in its own offset as year·12 + month − 1, or <see cref="NoLifeEvent"/>.</summary>
    public int LifeMonth { get; private set; } = NoLifeEvent;

    public bool Completed { get; private set; }

    /// <summary>Life event → last delivery; meaningful only when <see cref="Completed"/>.</summary>
    public long EndToEndTicks { get; private set; }

    /// <summary>Delivered service instances, in service order; empty without a life event.</summary>
    public ServiceFigures[] Delivered { get; private set; } = [];

    /// <summary>
    /// Inserts an event after every event at or before its instant. Events arrive in position order, so this
    /// keeps ties in arrival order; a backfill lands in the middle and the figures are recomputed.
    /// </summary>
    public void Insert(TimelineEntry entry)
    {
        if (count == entries.Length)
        {
            // Small start and doubling: most journeys hold about ten lead-time events.
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
        dirty = true;
    }

    /// <summary>Replaces the events with ones already in journey order (restoring a snapshot).</summary>
    public void Load(TimelineEntry[] ordered)
    {
        entries = ordered;
        count = ordered.Length;
        dirty = true;
    }

    /// <summary>Brings the cached figures up to date with the events.</summary>
    public void EnsureFigures(CompiledJourneyType type)
    {
        if (dirty)
        {
            Recompute(type);
            dirty = false;
        }
    }

    private void Recompute(CompiledJourneyType type)
    {
        var services = type.Services.Length;
        Span<byte> stage = services <= StackServices ? stackalloc byte[services] : new byte[services];
        Span<bool> proactive = services <= StackServices ? stackalloc bool[services] : new bool[services];
        Span<long> trigger = services <= StackServices ? stackalloc long[services] : new long[services];
        Span<long> decision = services <= StackServices ? stackalloc long[services] : new long[services];
        Span<long> delivery = services <= StackServices ? stackalloc long[services] : new long[services];
        const byte started = 1, decided = 2, delivered = 3;

        var life = -1;
        var events = Entries;
        for (var i = 0; i < events.Length; i++)
        {
            var e = events[i];
            // Roles are ordered delivery, decision, trigger: a step only ever follows an earlier event.
            foreach (var role in type.Roles[e.Activity])
            {
                var s = role.Service;
                switch (role.Kind)
                {
                    case RoleKind.Delivery when stage[s] == decided:
                        stage[s] = delivered;
                        delivery[s] = e.UtcTicks;
                        break;
                    case RoleKind.Decision when stage[s] == started:
                        stage[s] = decided;
                        decision[s] = e.UtcTicks;
                        break;
                    case RoleKind.Application or RoleKind.Proactive when stage[s] == 0:
                        stage[s] = started;
                        trigger[s] = e.UtcTicks;
                        proactive[s] = role.Kind == RoleKind.Proactive;
                        break;
                    case RoleKind.LifeEvent when life < 0:
                        life = i;
                        break;
                }
            }
        }

        if (life < 0)
        {
            LifeMonth = NoLifeEvent;
            Completed = false;
            EndToEndTicks = 0;
            Delivered = [];
            return;
        }

        var lifeEvent = events[life];
        var local = new DateTime(lifeEvent.UtcTicks + lifeEvent.OffsetMinutes * TimeSpan.TicksPerMinute, DateTimeKind.Unspecified);
        LifeMonth = local.Year * 12 + local.Month - 1;

        int startedCount = 0, deliveredCount = 0;
        var lastDelivery = long.MinValue;
        for (var s = 0; s < services; s++)
        {
            if (stage[s] != 0)
            {
                startedCount++;
            }
            if (stage[s] == delivered)
            {
                deliveredCount++;
                lastDelivery = Math.Max(lastDelivery, delivery[s]);
            }
        }
        Completed = startedCount > 0 && deliveredCount == startedCount;
        EndToEndTicks = Completed ? lastDelivery - lifeEvent.UtcTicks : 0;

        var figures = Delivered.Length == deliveredCount ? Delivered : new ServiceFigures[deliveredCount];
        var next = 0;
        for (short s = 0; s < services; s++)
        {
            if (stage[s] == delivered)
            {
                figures[next++] = new ServiceFigures(
                    s,
                    WaitingTicks: proactive[s] ? 0 : trigger[s] - lifeEvent.UtcTicks,
                    ProcessingTicks: decision[s] - trigger[s],
                    DeliveryTicks: delivery[s] - decision[s]);
            }
        }
        Delivered = figures;
    }
}
