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
        if (codes.Count > short.MaxValue)
        {
            throw new ArgumentException($"Journey type {definition.Id} has more than {short.MaxValue} activities.", nameof(definition));
        }

        ActivityCodes = [.. codes];
        Roles = new ActivityRole[codes.Count][];
        ActivityIndex = new Dictionary<string, short>(codes.Count, StringComparer.Ordinal);
        for (short i = 0; i < codes.Count; i++)
        {
            ActivityIndex[codes[i]] = i;
            var list = roles[codes[i]];
            list.Sort(static (a, b) => a.Kind.CompareTo(b.Kind));
            Roles[i] = list.Count == 0 ? NoRoles : [.. list];
        }
    }

    public JourneyTypeDefinition Definition { get; }

    public string Id => Definition.Id;

    /// <summary>Services ordered by id; an <see cref="ActivityRole.Service"/> indexes this array.</summary>
    public ServiceDefinition[] Services { get; }

    /// <summary>Every activity the journey type knows, by code, to its index.</summary>
    public Dictionary<string, short> ActivityIndex { get; }

    /// <summary>Index → activity code.</summary>
    public string[] ActivityCodes { get; }

    /// <summary>Index → the roles the activity plays, ordered by <see cref="RoleKind"/>; empty when it plays none.</summary>
    public ActivityRole[][] Roles { get; }

    /// <summary>Every journey of this type seen, by subject (the string instance of the first event).</summary>
    public Dictionary<string, JourneyTimeline> Journeys { get; } = new(StringComparer.Ordinal);

    /// <summary>The figures last reported, until an event that matters to them is applied.</summary>
    public JourneyTypeLeadTimes? Figures { get; set; }
}
