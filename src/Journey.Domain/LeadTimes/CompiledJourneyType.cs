using Journey.Domain.Catalog;

namespace Journey.Domain.LeadTimes;

/// <summary>
/// The part an activity plays in the lead-time rules. Values are ordered so that, for one event, the later
/// steps of a service are looked at before the earlier ones: a single event can then never be both a
/// service's trigger and its decision, which is what "the first decision after the trigger" requires.
/// </summary>
internal enum RoleKind : byte
{
    Delivery,
    Decision,
    Application,
    Proactive,
    LifeEvent,
}

internal readonly record struct ActivityRole(RoleKind Kind, short Service);

/// <summary>
/// One journey type of the catalog, compiled for the fold: activity codes mapped to small indices, each
/// with the roles it plays, and services in id order (so a service's index is also its report order).
/// </summary>
internal sealed class CompiledJourneyType
{
    private static readonly ActivityRole[] NoRoles = [];

    public CompiledJourneyType(JourneyTypeDefinition definition)
    {
        Definition = definition;
        Services = [.. definition.Services];
        Array.Sort(Services, static (a, b) => string.CompareOrdinal(a.Id, b.Id));

        var roles = new Dictionary<string, List<ActivityRole>>(StringComparer.Ordinal);
        var codes = new List<string>();
        void Add(string code, ActivityRole? role)
        {
            if (!roles.TryGetValue(code, out var list))
            {
                roles[code] = list = [];
                codes.Add(code);
            }
            if (role is { } r && !list.Contains(r))
            {
                list.Add(r);
            }
        }

        foreach (var activity in definition.Activities)
        {
            Add(activity.Code, null);
        }
        Add(definition.LifeEventActivity, new ActivityRole(RoleKind.LifeEvent, -1));
        for (short s = 0; s < Services.Length; s++)
        {
            var service = Services[s];
            foreach (var code in service.ApplicationActivities)
            {
                Add(code, new ActivityRole(RoleKind.Application, s));
            }
            foreach (var code in service.ProactiveActivities)
            {
                Add(code, new ActivityRole(RoleKind.Proactive, s));
            }
            Add(service.DecisionActivity, new ActivityRole(RoleKind.Decision, s));
            Add(service.DeliveryActivity, new ActivityRole(RoleKind.Delivery, s));
        }
        if (codes.Count > TimelineEntry.MaxActivities)
        {
            throw new ArgumentException($"Journey type {definition.Id} has more than {TimelineEntry.MaxActivities} activities.", nameof(definition));
        }

        ActivityCodes = [.. codes];
        Utf8Id = System.Text.Encoding.UTF8.GetBytes(definition.Id);
        Roles = new ActivityRole[codes.Count][];
        ActivityIndex = new Dictionary<string, short>(codes.Count, StringComparer.Ordinal);
        for (short i = 0; i < codes.Count; i++)
        {
            ActivityIndex[codes[i]] = i;
            var list = roles[codes[i]];
            list.Sort(static (a, b) => a.Kind.CompareTo(b.Kind));
            Roles[i] = list.Count == 0 ? NoRoles : [.. list];
        }

        // Agencies that take part, ordered by id: an activity's or a service's agency indexes this array.
        var agencyOf = definition.Activities.ToDictionary(a => a.Code, a => a.Agency, StringComparer.Ordinal);
        Agencies = [.. definition.Activities.Select(a => a.Agency).Concat(Services.Select(s => s.Agency)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        var agencyIndex = Agencies.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => (short)x.i, StringComparer.Ordinal);
        ActivityAgency = [.. ActivityCodes.Select(code => agencyOf.TryGetValue(code, out var agency) ? agencyIndex[agency] : (short)-1)];
        ServiceAgency = [.. Services.Select(s => agencyIndex[s.Agency])];

        // The activities some service depends on get a slot each, so a journey tracks when each was first recorded.
        var slots = new Dictionary<short, short>();
        DependencySlot = new short[codes.Count];
        Array.Fill(DependencySlot, (short)-1);
        DependsOn = new short[Services.Length][];
        for (var s = 0; s < Services.Length; s++)
        {
            DependsOn[s] = [.. Services[s].DependsOn.Select(code =>
            {
                var activity = ActivityIndex[code];
                if (!slots.TryGetValue(activity, out var slot))
                {
                    slot = (short)slots.Count;
                    slots.Add(activity, slot);
                    DependencySlot[activity] = slot;
                }
                return slot;
            })];
        }
        DependencySlots = slots.Count;
        var byUtf8 = new Dictionary<byte[], short>(codes.Count, ArrayContentComparer<byte>.Instance);
        foreach (var (code, index) in ActivityIndex)
        {
            byUtf8[System.Text.Encoding.UTF8.GetBytes(code)] = index;
        }
        ActivityIndexByUtf8 = byUtf8.GetAlternateLookup<ReadOnlySpan<byte>>();
        JourneysByUtf8 = Journeys.GetAlternateLookup<ReadOnlySpan<byte>>();
        LifeEventActivity = ActivityIndex[definition.LifeEventActivity];
    }

    public JourneyTypeDefinition Definition { get; }

    public string Id => Definition.Id;

    /// <summary>Services ordered by id; an <see cref="ActivityRole.Service"/> indexes this array.</summary>
    public ServiceDefinition[] Services { get; }

    /// <summary>Every activity the journey type knows, by code, to its index.</summary>
    public Dictionary<string, short> ActivityIndex { get; }

    /// <summary><see cref="ActivityIndex"/> by the code's UTF-8 bytes, for a fold that decodes no strings.</summary>
    public Dictionary<byte[], short>.AlternateLookup<ReadOnlySpan<byte>> ActivityIndexByUtf8 { get; }

    /// <summary>UTF-8 of <see cref="Id"/>, compared with each event's journey type when the fold decodes no strings.</summary>
    public byte[] Utf8Id { get; }

    /// <summary>Index of the life event's activity: the only one with the <see cref="RoleKind.LifeEvent"/> role.</summary>
    public short LifeEventActivity { get; }

    /// <summary>Index → activity code.</summary>
    public string[] ActivityCodes { get; }

    /// <summary>Index → the roles the activity plays, ordered by <see cref="RoleKind"/>; empty when it plays none.</summary>
    public ActivityRole[][] Roles { get; }

    /// <summary>Agency ids of the journey type's activities and services, ordered.</summary>
    public string[] Agencies { get; }

    /// <summary>Activity index → index into <see cref="Agencies"/> (-1 for the life event of another journey type's catalog).</summary>
    public short[] ActivityAgency { get; }

    /// <summary>Service index → index into <see cref="Agencies"/>.</summary>
    public short[] ServiceAgency { get; }

    /// <summary>Activity index → its dependency slot, or -1 when no service depends on it.</summary>
    public short[] DependencySlot { get; }

    /// <summary>How many activities some service depends on.</summary>
    public int DependencySlots { get; }

    /// <summary>Service index → the dependency slots of the activities it depends on.</summary>
    public short[][] DependsOn { get; }

    /// <summary>Every journey of this type seen, by the UTF-8 bytes of its subject (a pseudonym is ASCII: half its string's size).</summary>
    public Dictionary<byte[], JourneyTimeline> Journeys { get; } = new(ArrayContentComparer<byte>.Instance);

    /// <summary><see cref="Journeys"/> by the subject's bytes: a key is made only for a new journey.</summary>
    public Dictionary<byte[], JourneyTimeline>.AlternateLookup<ReadOnlySpan<byte>> JourneysByUtf8 { get; }

    /// <summary>The journeys folded into one cube per month, until an event of this type is applied.</summary>
    public JourneyTypeCubes? Cubes { get; private set; }

    /// <summary>Cubes an event has made outdated, kept to be made again in (<see cref="JourneyTypeCubes.Build"/>).</summary>
    private JourneyTypeCubes? outdatedCubes;

    /// <summary>
    /// The months (<see cref="JourneyTimeline.Month"/>) of the journeys that changed since the cubes were made, before and after the
    /// change: only their cubes are made again. Kept while there are cubes to make again, empty otherwise.
    /// </summary>
    private readonly HashSet<int> changedMonths = [];

    /// <summary>The cubes of every journey applied so far: those made last, or made now (from the outdated ones).</summary>
    public JourneyTypeCubes CurrentCubes()
    {
        if (Cubes is null)
        {
            Cubes = JourneyTypeCubes.Build(this, outdatedCubes, changedMonths);
            outdatedCubes = null;
            changedMonths.Clear();
        }
        return Cubes;
    }

    /// <summary>Journeys folded into cubes so far, by every <see cref="CurrentCubes"/> that made them: what a report cost.</summary>
    public long JourneysFolded { get; set; }

    /// <summary>
    /// Inserts <paramref name="entry"/> into <paramref name="journey"/> (<paramref name="isNew"/> when it had no event
    /// yet): the cubes and figures no longer hold. While there are cubes to make again, the journey's month before and
    /// after is remembered, so that only those months' cubes are made again; with none (a rebuild's fold, or after
    /// <see cref="ReleaseCubes"/>), nothing is remembered.
    /// </summary>
    public void Insert(ref JourneyTimeline journey, TimelineEntry entry, bool isNew)
    {
        var before = journey.Month;
        journey.Insert(entry, LifeEventActivity);
        Figures = null;
        if (Cubes is null && outdatedCubes is null)
        {
            return;
        }
        if (!isNew)
        {
            changedMonths.Add(before);
        }
        changedMonths.Add(journey.Month);
        outdatedCubes ??= Cubes;
        Cubes = null;
    }

    /// <summary>Lets go of the cubes, outdated or not; the next report builds them anew.</summary>
    public void ReleaseCubes()
    {
        Cubes = null;
        outdatedCubes = null;
        changedMonths.Clear();
        spareTotal = null;
    }

    /// <summary>The cube a report merged its months into, kept for the next report's (<see cref="TakeTotal"/>).</summary>
    private MonthCube? spareTotal;

    /// <summary>An empty cube to merge months into: the last report's, emptied, when there is one.</summary>
    public MonthCube TakeTotal()
    {
        var total = spareTotal;
        spareTotal = null;
        if (total is null)
        {
            return new MonthCube(this);
        }
        total.Reset();
        return total;
    }

    /// <summary>Keeps a cube from <see cref="TakeTotal"/> once its figures are taken.</summary>
    public void ReturnTotal(MonthCube total) => spareTotal = total;

    /// <summary>The unfiltered figures last reported, until an event of this type is applied.</summary>
    public JourneyTypeLeadTimes? Figures { get; set; }
}
