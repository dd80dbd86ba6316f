namespace Journey.Domain.Catalog;

/// <summary>A text in Norwegian bokmål and English.</summary>
public sealed record LocalizedText(string Nb, string En);

/// <summary>An agency that takes part in journeys, e.g. NAV or Skatteetaten.</summary>
public sealed record AgencyDefinition(string Id, LocalizedText Name)
{
    /// <summary>
    /// The agency that runs this one, when it is a distinct register or body run by another agency
    /// (Folkeregisteret by Skatteetaten, Helfo by Helsedirektoratet); null otherwise.
    /// </summary>
    public string? OperatedBy { get; init; }

    /// <summary>
    /// The organisation number (organisasjonsnummer, nine digits) of the legal entity that holds the
    /// agency's credentials, as Maskinporten names it in a token's <c>consumer</c> claim; null for roles
    /// that many organisations fill (each municipality) and for bodies that act through their operator.
    /// </summary>
    public string? OrganisationNumber { get; init; }
}

/// <summary>An activity an agency may emit in a journey, and the attributes it may carry.</summary>
public sealed record ActivityDefinition(
    string Code,
    string Agency,
    LocalizedText Name,
    IReadOnlyList<string> Attributes)
{
    /// <summary>
    /// Names under which case-system exports (XES <c>concept:name</c>, a CSV activity column) write this
    /// activity; <c>journey import</c> maps them to <see cref="Code"/>. Empty when the exports use the code.
    /// </summary>
    public IReadOnlyList<string> LogNames { get; init; } = [];
}

/// <summary>What a journey type describes.</summary>
public enum JourneyKind
{
    /// <summary>A citizen's life event and the public services in it (the default).</summary>
    LifeEvent,

    /// <summary>
    /// One agency's process as its case system logs it, imported for process mining: its start activity
    /// stands in for the life event and it may define no services.
    /// </summary>
    ProcessLog,
}

/// <summary>
/// A public service inside a journey, run by one agency. It starts either by the citizen's application
/// (reactive) or by the agency acting on data it already has (proactive), is decided, then delivered.
/// </summary>
public sealed record ServiceDefinition(
    string Id,
    LocalizedText Name,
    string Agency,
    /// <summary>Activities that start the service on the citizen's application.</summary>
    IReadOnlyList<string> ApplicationActivities,
    /// <summary>Activities that start the service without an application.</summary>
    IReadOnlyList<string> ProactiveActivities,
    string DecisionActivity,
    string DeliveryActivity,
    /// <summary>Activities whose occurrence means the data this service needs is recorded in the journey.</summary>
    IReadOnlyList<string> DependsOn,
    /// <summary>Target for life event → delivery, if the agency has set one.</summary>
    TimeSpan? Target);

/// <summary>A named lead-time interval between two activities, with an optional target.</summary>
public sealed record IntervalDefinition(string Id, LocalizedText Name, string FromActivity, string ToActivity, TimeSpan? Target);

/// <summary>A journey type: one life event, the services in it, and the intervals measured.</summary>
public sealed record JourneyTypeDefinition(
    string Id,
    int Version,
    LocalizedText Name,
    /// <summary>The activity that marks the life event itself (the start of every journey of this type).</summary>
    string LifeEventActivity,
    /// <summary>Roles a related person may have in this journey type.</summary>
    IReadOnlyList<string> RelatedRoles,
    IReadOnlyList<ActivityDefinition> Activities,
    IReadOnlyList<ServiceDefinition> Services,
    IReadOnlyList<IntervalDefinition> Intervals,
    /// <summary>The data file it was read from, for error messages.</summary>
    string SourceFile)
{
    /// <summary>Whether this is a life event (the default) or an imported process log.</summary>
    public JourneyKind Kind { get; init; } = JourneyKind.LifeEvent;

    private readonly Dictionary<string, ActivityDefinition> activitiesByCode =
        Activities.ToDictionary(a => a.Code, StringComparer.Ordinal);

    public ActivityDefinition? FindActivity(string code) =>
        activitiesByCode.GetValueOrDefault(code);

    /// <summary>The service with this id, or null.</summary>
    public ServiceDefinition? FindService(string id) =>
        Services.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.Ordinal));
}

/// <summary>The whole catalog: versioned data, not code.</summary>
public sealed class JourneyCatalog
{
    private readonly Dictionary<string, AgencyDefinition> agencies;
    private readonly Dictionary<string, JourneyTypeDefinition> journeyTypes;

    public JourneyCatalog(IEnumerable<AgencyDefinition> agencies, IEnumerable<JourneyTypeDefinition> journeyTypes)
    {
        this.agencies = agencies.ToDictionary(a => a.Id, StringComparer.Ordinal);
        this.journeyTypes = journeyTypes.ToDictionary(j => j.Id, StringComparer.Ordinal);
    }

    public IReadOnlyCollection<AgencyDefinition> Agencies => agencies.Values;

    /// <summary>Journey types ordered by id, so every listing is stable.</summary>
    public IEnumerable<JourneyTypeDefinition> JourneyTypes => journeyTypes.Values.OrderBy(j => j.Id, StringComparer.Ordinal);

    public AgencyDefinition? FindAgency(string id) => agencies.GetValueOrDefault(id);

    public JourneyTypeDefinition? FindJourneyType(string id) => journeyTypes.GetValueOrDefault(id);
}
