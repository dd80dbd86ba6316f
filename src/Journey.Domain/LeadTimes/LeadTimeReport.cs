using System.Globalization;
using Journey.Domain.Events;
using Journey.Domain.Statistics;

namespace Journey.Domain.LeadTimes;

/// <summary>
/// The lead-time figures of every journey type in the catalog, as computed by
/// <see cref="LeadTimeProjection"/> (which documents what each figure means). Journey types, services and
/// months are ordered by id (ordinal) and month, so the same applied log always gives an equal report.
/// Equality compares the lists element by element.
/// </summary>
/// <param name="Checkpoint">Global log position of the last event applied; null before any.</param>
/// <param name="JourneyTypes">One entry per journey type of the catalog (or of the filter), ordered by id.</param>
public sealed record LeadTimeReport(ulong? Checkpoint, IReadOnlyList<JourneyTypeLeadTimes> JourneyTypes)
{
    /// <summary>
    /// Readable differences between this report and <paramref name="other"/>, one per differing figure, as
    /// <c>path: this vs other</c>, e.g. <c>fa-barn/services/foreldrepenger/total/medianSeconds: 12 vs 13</c>.
    /// A list item (a service, a month, an arc, …) present in only one report is one difference. Empty when
    /// the reports are equal.
    /// </summary>
    public IReadOnlyList<string> DifferencesFrom(LeadTimeReport other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var differences = new List<string>();
        ReportTree.Of(this).Compare(ReportTree.Of(other), "", differences);
        return differences;
    }

    /// <summary>
    /// The same report as process owners may see it: every group of fewer than
    /// <paramref name="minGroupSize"/> journeys is marked suppressed and its figures are zeroed, rather than
    /// dropped. An empty group (no journeys) is shown as it is: it describes nobody.
    /// </summary>
    public LeadTimeReport Suppress(int minGroupSize) => SmallGroups.Suppress(this, minGroupSize);

    /// <summary>
    /// The proactive-potential ranking over every journey type: most citizen-days first (ties by journey
    /// type and service id); suppressed opportunities last, in journey type and service order, so their
    /// place reveals nothing.
    /// </summary>
    public IReadOnlyList<ProactiveOpportunity> RankedOpportunities() =>
    [
        .. JourneyTypes.SelectMany(t => t.Opportunities)
            .OrderBy(o => o.Suppressed)
            .ThenByDescending(o => o.Suppressed ? 0 : o.CitizenDays)
            .ThenBy(o => o.JourneyType, StringComparer.Ordinal)
            .ThenBy(o => o.Service, StringComparer.Ordinal),
    ];

    public bool Equals(LeadTimeReport? other) =>
        other is not null && Checkpoint == other.Checkpoint && JourneyTypes.SequenceEqual(other.JourneyTypes);

    public override int GetHashCode() => HashCode.Combine(Checkpoint, JourneyTypes.Count);
}

/// <summary>Lead times and process figures of one journey type.</summary>
/// <param name="JourneyType">Journey type id from the catalog.</param>
/// <param name="Journeys">Completed journeys (see <see cref="LeadTimeProjection"/>).</param>
/// <param name="EndToEnd">Life event → last delivery, over completed journeys.</param>
/// <param name="Services">Every service of the journey type (or of the filtered agency), ordered by id.</param>
/// <param name="Months">Months ("yyyy-MM", in the life event's own offset) in which some journey's life event fell, ordered.</param>
/// <param name="JourneysSeen">Journeys with at least one event, with or without their life event.</param>
/// <param name="JourneysWithLifeEvent">Journeys whose life event is recorded: those that have lead times.</param>
/// <param name="Span">First → last event of every journey seen (a process-mining tool's case duration).</param>
/// <param name="Starts">Service instances started, and how many proactively.</param>
/// <param name="Agencies">Per agency taking part, ordered by id.</param>
/// <param name="Initiators">Service instances by who started them (citizen, agency, automatic).</param>
/// <param name="HandOvers">Hand-overs between agencies, ordered by from and to agency.</param>
/// <param name="DirectlyFollows">The directly-follows map of activities, ordered by from and to activity code.</param>
/// <param name="Opportunities">The proactive potential of each service that can be applied for and names its data, ranked.</param>
/// <param name="Suppressed">True when the journey type has fewer journeys than the minimum group size: every figure is zero.</param>
public sealed record JourneyTypeLeadTimes(
    string JourneyType,
    long Journeys,
    DurationStats EndToEnd,
    IReadOnlyList<ServiceLeadTimes> Services,
    IReadOnlyList<MonthLeadTimes> Months,
    long JourneysSeen,
    long JourneysWithLifeEvent,
    DurationStats Span,
    StartShare Starts,
    IReadOnlyList<AgencyLeadTimes> Agencies,
    IReadOnlyList<InitiatorLeadTimes> Initiators,
    IReadOnlyList<HandOverTimes> HandOvers,
    IReadOnlyList<DirectlyFollowsTimes> DirectlyFollows,
    IReadOnlyList<ProactiveOpportunity> Opportunities,
    bool Suppressed = false)
{
    public bool Equals(JourneyTypeLeadTimes? other) =>
        other is not null
        && JourneyType == other.JourneyType
        && Journeys == other.Journeys
        && EndToEnd == other.EndToEnd
        && Services.SequenceEqual(other.Services)
        && Months.SequenceEqual(other.Months)
        && JourneysSeen == other.JourneysSeen
        && JourneysWithLifeEvent == other.JourneysWithLifeEvent
        && Span == other.Span
        && Starts == other.Starts
        && Agencies.SequenceEqual(other.Agencies)
        && Initiators.SequenceEqual(other.Initiators)
        && HandOvers.SequenceEqual(other.HandOvers)
        && DirectlyFollows.SequenceEqual(other.DirectlyFollows)
        && Opportunities.SequenceEqual(other.Opportunities)
        && Suppressed == other.Suppressed;

    public override int GetHashCode() => HashCode.Combine(JourneyType, Journeys, EndToEnd, Services.Count, Months.Count, JourneysSeen);
}

/// <summary>Lead times of one service of a journey type, over its delivered instances.</summary>
/// <param name="Service">Service id from the catalog.</param>
/// <param name="Agency">The agency that runs the service.</param>
/// <param name="Count">Delivered service instances counted.</param>
/// <param name="Total">Waiting for the citizen + agency processing + delivery.</param>
/// <param name="WaitingForCitizen">Life event → the citizen's application; zero when started proactively.</param>
/// <param name="AgencyProcessing">Trigger (application or proactive start) → decision.</param>
/// <param name="Delivery">Decision → delivery.</param>
/// <param name="Starts">Instances started (delivered or not), and how many proactively.</param>
/// <param name="ByInitiator">The same figures by who started the instance: citizen, agency, automatic.</param>
/// <param name="Suppressed">True when fewer journeys than the minimum group size started the service.</param>
public sealed record ServiceLeadTimes(
    string Service,
    string Agency,
    long Count,
    DurationStats Total,
    DurationStats WaitingForCitizen,
    DurationStats AgencyProcessing,
    DurationStats Delivery,
    StartShare Starts,
    IReadOnlyList<InitiatorLeadTimes> ByInitiator,
    bool Suppressed = false)
{
    public bool Equals(ServiceLeadTimes? other) =>
        other is not null
        && Service == other.Service
        && Agency == other.Agency
        && Count == other.Count
        && Total == other.Total
        && WaitingForCitizen == other.WaitingForCitizen
        && AgencyProcessing == other.AgencyProcessing
        && Delivery == other.Delivery
        && Starts == other.Starts
        && ByInitiator.SequenceEqual(other.ByInitiator)
        && Suppressed == other.Suppressed;

    public override int GetHashCode() => HashCode.Combine(Service, Count, Total);
}

/// <summary>Service instances started by one kind of initiator.</summary>
/// <param name="Initiator">Who started the instance: the initiator of its trigger event.</param>
/// <param name="Started">Instances started.</param>
/// <param name="Delivered">Of those, delivered; the count of the four figures.</param>
public sealed record InitiatorLeadTimes(
    Initiator Initiator,
    long Started,
    long Delivered,
    DurationStats Total,
    DurationStats WaitingForCitizen,
    DurationStats AgencyProcessing,
    DurationStats Delivery,
    bool Suppressed = false);

/// <summary>The journeys an agency took part in, and the services it runs.</summary>
/// <param name="Agency">Agency id from the catalog.</param>
/// <param name="JourneysSeen">Journeys with at least one event of the agency.</param>
/// <param name="Journeys">Of those, completed.</param>
/// <param name="EndToEnd">Life event → last delivery of those completed journeys.</param>
/// <param name="Starts">Instances of the agency's services started, and how many proactively.</param>
/// <param name="Delivered">Instances of the agency's services delivered; the count of the four figures.</param>
public sealed record AgencyLeadTimes(
    string Agency,
    long JourneysSeen,
    long Journeys,
    DurationStats EndToEnd,
    StartShare Starts,
    long Delivered,
    DurationStats Total,
    DurationStats WaitingForCitizen,
    DurationStats AgencyProcessing,
    DurationStats Delivery,
    bool Suppressed = false);

/// <summary>
/// Hand-overs from one agency to another: the last event at <see cref="FromAgency"/> → the first event at
/// <see cref="ToAgency"/>, each time the journey's events pass from one to the other.
/// </summary>
/// <param name="Journeys">Journeys with at least one such hand-over.</param>
/// <param name="Times">One value per hand-over; its count is how many there were.</param>
public sealed record HandOverTimes(string FromAgency, string ToAgency, long Journeys, DurationStats Times, bool Suppressed = false);

/// <summary>One arc of the directly-follows map: <see cref="To"/> directly after <see cref="From"/> in a journey.</summary>
/// <param name="From">Activity code.</param>
/// <param name="To">Activity code.</param>
/// <param name="Journeys">Journeys in which the arc occurs.</param>
/// <param name="Times">Time between the two events, once per occurrence; its count is the arc's frequency.</param>
public sealed record DirectlyFollowsTimes(string From, string To, long Journeys, DurationStats Times, bool Suppressed = false);

/// <summary>
/// The proactive potential of one service: the citizen-days spent waiting to apply while the data the
/// service depends on was already recorded in the journey (see <see cref="LeadTimeProjection"/>).
/// </summary>
/// <param name="ReactiveStarts">Instances started by an application.</param>
/// <param name="JourneysAffected">Of those, the ones in which the citizen waited while the data was recorded.</param>
/// <param name="CitizenDays">The sum of those waits, in days.</param>
/// <param name="Wait">The waits of the affected journeys (count = <paramref name="JourneysAffected"/>).</param>
public sealed record ProactiveOpportunity(
    string JourneyType,
    string Service,
    string Agency,
    long ReactiveStarts,
    long JourneysAffected,
    double CitizenDays,
    DurationStats Wait,
    bool Suppressed = false);

/// <summary>How many service instances were started, and how many of them proactively.</summary>
/// <param name="Suppressed">
/// True when the proactive or the reactive part is a group smaller than the minimum group size:
/// <see cref="Proactively"/> is then zero and the share unknown.
/// </param>
public sealed record StartShare(long Started, long Proactively, bool Suppressed = false)
{
    public static readonly StartShare None = new(0, 0);

    /// <summary>Proactively ÷ started; zero when nothing started.</summary>
    public double Share => Started == 0 ? 0 : (double)Proactively / Started;
}

/// <summary>The figures of a journey type restricted to the journeys whose life event fell in one month.</summary>
/// <param name="Month">"yyyy-MM" of the life event in the life event's own UTC offset.</param>
/// <param name="Journeys">Completed journeys.</param>
/// <param name="JourneysSeen">Journeys whose life event fell in the month.</param>
/// <param name="PotentialCitizenDays">Citizen-days spent waiting to apply while the data was recorded, all services.</param>
/// <param name="PotentialApplications">Applications that waited so (one per journey and service).</param>
public sealed record MonthLeadTimes(
    string Month,
    long Journeys,
    DurationStats EndToEnd,
    IReadOnlyList<ServiceLeadTimes> Services,
    long JourneysSeen,
    StartShare Starts,
    double PotentialCitizenDays,
    long PotentialApplications,
    bool Suppressed = false)
{
    public bool Equals(MonthLeadTimes? other) =>
        other is not null
        && Month == other.Month
        && Journeys == other.Journeys
        && EndToEnd == other.EndToEnd
        && Services.SequenceEqual(other.Services)
        && JourneysSeen == other.JourneysSeen
        && Starts == other.Starts
        && PotentialCitizenDays.Equals(other.PotentialCitizenDays)
        && PotentialApplications == other.PotentialApplications
        && Suppressed == other.Suppressed;

    public override int GetHashCode() => HashCode.Combine(Month, Journeys, EndToEnd, Services.Count);
}

/// <summary>
/// Count, mean and percentiles of a sample of durations in seconds; all zero for an empty sample.
/// Percentiles are exact when <see cref="Exact"/>, otherwise within
/// <see cref="DurationDistribution.RelativeAccuracy"/> (see <see cref="DurationDistribution"/>); count,
/// mean, minimum and maximum are always exact.
/// </summary>
/// <param name="Suppressed">True when the sample is a group smaller than the minimum group size: every other figure is zero.</param>
public sealed record DurationStats(
    long Count,
    double MeanSeconds,
    double MedianSeconds,
    double P90Seconds,
    double P95Seconds,
    double P99Seconds,
    double MinSeconds,
    double MaxSeconds,
    bool Exact,
    bool Suppressed = false)
{
    public static readonly DurationStats Empty = new(0, 0, 0, 0, 0, 0, 0, 0, Exact: true);

    /// <summary>The figures of a distribution.</summary>
    public static DurationStats Of(DurationDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        if (distribution.Count == 0)
        {
            return Empty;
        }
        var s = distribution.Summarise();
        return new DurationStats(
            s.Count, s.MeanSeconds, s.MedianSeconds, s.P90Seconds, s.P95Seconds, s.P99Seconds, s.MinSeconds, s.MaxSeconds, distribution.IsExact);
    }
}

/// <summary>A report as a tree of named figures, to list differences by path.</summary>
internal sealed class ReportTree
{
    private readonly List<(string Key, ReportTree? Child, string? Value)> items = [];

    public static ReportTree Of(LeadTimeReport report)
    {
        var root = new ReportTree();
        root.Value("checkpoint", report.Checkpoint?.ToString(CultureInfo.InvariantCulture) ?? "none");
        foreach (var type in report.JourneyTypes)
        {
            var t = root.Child(type.JourneyType, prefix: "");
            t.Value("journeys", type.Journeys);
            t.Stats("endToEnd", type.EndToEnd);
            t.Services("services", type.Services);
            t.Value("journeysSeen", type.JourneysSeen);
            t.Value("journeysWithLifeEvent", type.JourneysWithLifeEvent);
            t.Stats("span", type.Span);
            t.Starts("starts", type.Starts);
            var agencies = t.Child("agencies");
            foreach (var a in type.Agencies)
            {
                var n = agencies.Child(a.Agency);
                n.Value("journeysSeen", a.JourneysSeen);
                n.Value("journeys", a.Journeys);
                n.Stats("endToEnd", a.EndToEnd);
                n.Starts("starts", a.Starts);
                n.Value("delivered", a.Delivered);
                n.Stats("total", a.Total);
                n.Stats("waitingForCitizen", a.WaitingForCitizen);
                n.Stats("agencyProcessing", a.AgencyProcessing);
                n.Stats("delivery", a.Delivery);
                n.Value("suppressed", a.Suppressed);
            }
            t.Initiators("initiators", type.Initiators);
            var handOvers = t.Child("handOvers");
            foreach (var h in type.HandOvers)
            {
                var n = handOvers.Child($"{h.FromAgency}->{h.ToAgency}");
                n.Value("journeys", h.Journeys);
                n.Stats("times", h.Times);
                n.Value("suppressed", h.Suppressed);
            }
            var arcs = t.Child("directlyFollows");
            foreach (var arc in type.DirectlyFollows)
            {
                var n = arcs.Child($"{arc.From}->{arc.To}");
                n.Value("journeys", arc.Journeys);
                n.Stats("times", arc.Times);
                n.Value("suppressed", arc.Suppressed);
            }
            var opportunities = t.Child("opportunities");
            foreach (var o in type.Opportunities)
            {
                var n = opportunities.Child(o.Service);
                n.Value("agency", o.Agency);
                n.Value("reactiveStarts", o.ReactiveStarts);
                n.Value("journeysAffected", o.JourneysAffected);
                n.Value("citizenDays", o.CitizenDays);
                n.Stats("wait", o.Wait);
                n.Value("suppressed", o.Suppressed);
            }
            // Ranks are part of the figures, so a changed order is a difference too.
            opportunities.Value("ranking", string.Join(",", type.Opportunities.Select(o => o.Service)));
            var months = t.Child("months", prefix: "/");
            foreach (var m in type.Months)
            {
                var n = months.Child(m.Month);
                n.Value("journeys", m.Journeys);
                n.Stats("endToEnd", m.EndToEnd);
                n.Services("services", m.Services);
                n.Value("journeysSeen", m.JourneysSeen);
                n.Starts("starts", m.Starts);
                n.Value("potentialCitizenDays", m.PotentialCitizenDays);
                n.Value("potentialApplications", m.PotentialApplications);
                n.Value("suppressed", m.Suppressed);
            }
            t.Value("suppressed", type.Suppressed);
        }
        return root;
    }

    /// <summary>Appends <c>path: this vs other</c> for every differing leaf and every item present on one side only.</summary>
    public void Compare(ReportTree other, string path, List<string> differences)
    {
        var theirs = new Dictionary<string, (ReportTree? Child, string? Value)>(StringComparer.Ordinal);
        foreach (var (key, child, value) in other.items)
        {
            theirs.TryAdd(key, (child, value));
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, child, value) in items)
        {
            if (!seen.Add(key))
            {
                continue;
            }
            var at = path + key;
            if (!theirs.TryGetValue(key, out var match))
            {
                differences.Add($"{Trim(at)}: present vs missing");
            }
            else if (child is not null && match.Child is not null)
            {
                child.Compare(match.Child, at, differences);
            }
            else if (value != match.Value)
            {
                differences.Add($"{Trim(at)}: {value} vs {match.Value}");
            }
        }
        foreach (var (key, _, _) in other.items)
        {
            if (seen.Add(key))
            {
                differences.Add($"{Trim(path + key)}: missing vs present");
            }
        }
    }

    private static string Trim(string path) => path.TrimStart('/');

    // Items are named "/key" so that paths read fa-barn/services/foreldrepenger/total; journey types have no prefix.
    private ReportTree Child(string key, string prefix = "/")
    {
        var child = new ReportTree();
        items.Add((prefix + key, child, null));
        return child;
    }

    private void Value(string key, string value) => items.Add(("/" + key, null, value));

    private void Value(string key, long value) => Value(key, value.ToString(CultureInfo.InvariantCulture));

    private void Value(string key, double value) => Value(key, value.ToString(CultureInfo.InvariantCulture));

    private void Value(string key, bool value) => Value(key, value ? "true" : "false");

    private void Stats(string key, DurationStats stats)
    {
        var n = Child(key);
        n.Value("count", stats.Count);
        n.Value("meanSeconds", stats.MeanSeconds);
        n.Value("medianSeconds", stats.MedianSeconds);
        n.Value("p90Seconds", stats.P90Seconds);
        n.Value("p95Seconds", stats.P95Seconds);
        n.Value("p99Seconds", stats.P99Seconds);
        n.Value("minSeconds", stats.MinSeconds);
        n.Value("maxSeconds", stats.MaxSeconds);
        n.Value("exact", stats.Exact);
        n.Value("suppressed", stats.Suppressed);
    }

    private void Starts(string key, StartShare starts)
    {
        var n = Child(key);
        n.Value("started", starts.Started);
        n.Value("proactively", starts.Proactively);
        n.Value("suppressed", starts.Suppressed);
    }

    private void Initiators(string key, IReadOnlyList<InitiatorLeadTimes> initiators)
    {
        var list = Child(key);
        foreach (var i in initiators)
        {
            var n = list.Child(InitiatorName(i.Initiator));
            n.Value("started", i.Started);
            n.Value("delivered", i.Delivered);
            n.Stats("total", i.Total);
            n.Stats("waitingForCitizen", i.WaitingForCitizen);
            n.Stats("agencyProcessing", i.AgencyProcessing);
            n.Stats("delivery", i.Delivery);
            n.Value("suppressed", i.Suppressed);
        }
    }

    private void Services(string key, IReadOnlyList<ServiceLeadTimes> services)
    {
        var list = Child(key);
        foreach (var s in services)
        {
            var n = list.Child(s.Service);
            n.Value("agency", s.Agency);
            n.Value("count", s.Count);
            n.Stats("total", s.Total);
            n.Stats("waitingForCitizen", s.WaitingForCitizen);
            n.Stats("agencyProcessing", s.AgencyProcessing);
            n.Stats("delivery", s.Delivery);
            n.Starts("starts", s.Starts);
            n.Initiators("byInitiator", s.ByInitiator);
            n.Value("suppressed", s.Suppressed);
        }
    }

    internal static string InitiatorName(Initiator initiator) => initiator switch
    {
        Initiator.Citizen => "citizen",
        Initiator.Agency => "agency",
        _ => "automatic",
    };
}
