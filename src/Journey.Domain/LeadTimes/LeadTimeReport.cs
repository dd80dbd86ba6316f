using System.Globalization;

namespace Journey.Domain.LeadTimes;

/// <summary>
/// The lead-time figures of every journey type in the catalog, as computed by
/// <see cref="LeadTimeProjection"/> (which documents what each figure means). Journey types, services and
/// months are ordered by id (ordinal) and month, so the same applied log always gives an equal report.
/// Equality compares the lists element by element.
/// </summary>
/// <param name="Checkpoint">Global log position of the last event applied; null before any.</param>
/// <param name="JourneyTypes">One entry per journey type of the catalog, ordered by id.</param>
public sealed record LeadTimeReport(ulong? Checkpoint, IReadOnlyList<JourneyTypeLeadTimes> JourneyTypes)
{
    /// <summary>
    /// Readable differences between this report and <paramref name="other"/>, one per differing figure, as
    /// <c>path: this vs other</c>, e.g. <c>fa-barn/services/foreldrepenger/total/medianSeconds: 12 vs 13</c>.
    /// Empty when the reports are equal.
    /// </summary>
    public IReadOnlyList<string> DifferencesFrom(LeadTimeReport other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var differences = new List<string>();
        if (Checkpoint != other.Checkpoint)
        {
            differences.Add($"checkpoint: {Format(Checkpoint)} vs {Format(other.Checkpoint)}");
        }
        CompareKeyed(JourneyTypes, other.JourneyTypes, t => t.JourneyType, "", differences, static (path, a, b, d) =>
        {
            CompareValue(path + "/journeys", a.Journeys, b.Journeys, d);
            CompareStats(path + "/endToEnd", a.EndToEnd, b.EndToEnd, d);
            CompareServices(path + "/services", a.Services, b.Services, d);
            CompareKeyed(a.Months, b.Months, m => m.Month, path + "/months/", d, static (monthPath, x, y, md) =>
            {
                CompareValue(monthPath + "/journeys", x.Journeys, y.Journeys, md);
                CompareStats(monthPath + "/endToEnd", x.EndToEnd, y.EndToEnd, md);
                CompareServices(monthPath + "/services", x.Services, y.Services, md);
            });
        });
        return differences;
    }

    public bool Equals(LeadTimeReport? other) =>
        other is not null && Checkpoint == other.Checkpoint && JourneyTypes.SequenceEqual(other.JourneyTypes);

    public override int GetHashCode() => HashCode.Combine(Checkpoint, JourneyTypes.Count);

    private static void CompareServices(string path, IReadOnlyList<ServiceLeadTimes> a, IReadOnlyList<ServiceLeadTimes> b, List<string> differences) =>
        CompareKeyed(a, b, s => s.Service, path + "/", differences, static (servicePath, x, y, d) =>
        {
            CompareValue(servicePath + "/agency", x.Agency, y.Agency, d);
            CompareValue(servicePath + "/count", x.Count, y.Count, d);
            CompareStats(servicePath + "/total", x.Total, y.Total, d);
            CompareStats(servicePath + "/waitingForCitizen", x.WaitingForCitizen, y.WaitingForCitizen, d);
            CompareStats(servicePath + "/agencyProcessing", x.AgencyProcessing, y.AgencyProcessing, d);
            CompareStats(servicePath + "/delivery", x.Delivery, y.Delivery, d);
        });

    private static void CompareStats(string path, DurationStats a, DurationStats b, List<string> differences)
    {
        CompareValue(path + "/count", a.Count, b.Count, differences);
        CompareValue(path + "/meanSeconds", a.MeanSeconds, b.MeanSeconds, differences);
        CompareValue(path + "/medianSeconds", a.MedianSeconds, b.MedianSeconds, differences);
        CompareValue(path + "/p90Seconds", a.P90Seconds, b.P90Seconds, differences);
    }

    private static void CompareValue<T>(string path, T a, T b, List<string> differences)
        where T : IEquatable<T>
    {
        if (!a.Equals(b))
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: {a} vs {b}"));
        }
    }

    /// <summary>Pairs items by key rather than by index, so one missing item does not shift every later one.</summary>
    private static void CompareKeyed<T>(
        IReadOnlyList<T> a,
        IReadOnlyList<T> b,
        Func<T, string> key,
        string prefix,
        List<string> differences,
        Action<string, T, T, List<string>> compare)
    {
        var others = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in b)
        {
            others.TryAdd(key(item), item);
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in a)
        {
            var k = key(item);
            if (!seen.Add(k))
            {
                continue;
            }
            if (others.TryGetValue(k, out var match))
            {
                compare(prefix + k, item, match, differences);
            }
            else
            {
                differences.Add($"{prefix}{k}: present vs missing");
            }
        }
        foreach (var item in b)
        {
            var k = key(item);
            if (seen.Add(k))
            {
                differences.Add($"{prefix}{k}: missing vs present");
            }
        }
    }

    private static string Format(ulong? position) =>
        position?.ToString(CultureInfo.InvariantCulture) ?? "none";
}

/// <summary>Lead times of one journey type.</summary>
/// <param name="JourneyType">Journey type id from the catalog.</param>
/// <param name="Journeys">Completed journeys (see <see cref="LeadTimeProjection"/>).</param>
/// <param name="EndToEnd">Life event → last delivery, over completed journeys.</param>
/// <param name="Services">Every service of the journey type, ordered by id; delivered services only are counted.</param>
/// <param name="Months">Months ("yyyy-MM", in the life event's own offset) in which some journey's life event fell, ordered.</param>
public sealed record JourneyTypeLeadTimes(
    string JourneyType,
    long Journeys,
    DurationStats EndToEnd,
    IReadOnlyList<ServiceLeadTimes> Services,
    IReadOnlyList<MonthLeadTimes> Months)
{
    public bool Equals(JourneyTypeLeadTimes? other) =>
        other is not null
        && JourneyType == other.JourneyType
        && Journeys == other.Journeys
        && EndToEnd == other.EndToEnd
        && Services.SequenceEqual(other.Services)
        && Months.SequenceEqual(other.Months);

    public override int GetHashCode() => HashCode.Combine(JourneyType, Journeys, EndToEnd, Services.Count, Months.Count);
}

/// <summary>Lead times of one service of a journey type, over its delivered instances.</summary>
/// <param name="Service">Service id from the catalog.</param>
/// <param name="Agency">The agency that runs the service.</param>
/// <param name="Count">Delivered service instances counted.</param>
/// <param name="Total">Waiting for the citizen + agency processing + delivery.</param>
/// <param name="WaitingForCitizen">Life event → the citizen's application; zero when started proactively.</param>
/// <param name="AgencyProcessing">Trigger (application or proactive start) → decision.</param>
/// <param name="Delivery">Decision → delivery.</param>
public sealed record ServiceLeadTimes(
    string Service,
    string Agency,
    long Count,
    DurationStats Total,
    DurationStats WaitingForCitizen,
    DurationStats AgencyProcessing,
    DurationStats Delivery);

/// <summary>The figures of a journey type restricted to the journeys whose life event fell in one month.</summary>
/// <param name="Month">"yyyy-MM" of the life event in the life event's own UTC offset.</param>
public sealed record MonthLeadTimes(string Month, long Journeys, DurationStats EndToEnd, IReadOnlyList<ServiceLeadTimes> Services)
{
    public bool Equals(MonthLeadTimes? other) =>
        other is not null
        && Month == other.Month
        && Journeys == other.Journeys
        && EndToEnd == other.EndToEnd
        && Services.SequenceEqual(other.Services);

    public override int GetHashCode() => HashCode.Combine(Month, Journeys, EndToEnd, Services.Count);
}

/// <summary>Count, mean, median and p90 of a sample of durations in seconds; all zero for an empty sample.</summary>
public sealed record DurationStats(long Count, double MeanSeconds, double MedianSeconds, double P90Seconds)
{
    public static readonly DurationStats Empty = new(0, 0, 0, 0);
}
