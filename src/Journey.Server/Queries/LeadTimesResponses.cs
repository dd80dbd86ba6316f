using System.Collections.Concurrent;
using Journey.Domain.LeadTimes;
using Microsoft.Extensions.Options;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Queries;

/// <summary>
/// The projection's last report in its journey.v1 form, with every group smaller than
/// <see cref="AnalyticsOptions.MinGroupSize"/> suppressed (PRODUCT.md: what process owners see is
/// k-anonymous), made once per report and journey type rather than once per query. The projection hands out
/// the same report until it has computed a newer one (at most once a second), while a dashboard or a process
/// owner's tool may ask every few milliseconds: building the messages was a twentieth of what the server
/// allocated during the bench's streaming ingest. The messages are only ever serialised once made, so calls
/// can share them. The projection prepares each report's answer for all types (<see cref="Prepare"/>) before it
/// hands the report out; the one before stays at hand for the queries that still hold it meanwhile.
/// </summary>
public sealed class LeadTimesResponses(IOptions<AnalyticsOptions> options)
{
    private readonly int minGroupSize = options.Value.MinGroupSize;
    private Made? last;
    private Made? beforeLast;

    /// <summary>The report for <paramref name="journeyType"/> (all types when null) in its contract form.</summary>
    public Contract.LeadTimesReport For(LeadTimeReport report, string? journeyType)
    {
        ArgumentNullException.ThrowIfNull(report);
        // A type the report does not hold has an answer with no figures, made each time rather than
        // remembered: what callers ask must not grow the cache.
        if (journeyType is not null && !report.JourneyTypes.Any(t => t.JourneyType == journeyType))
        {
            return new Contract.LeadTimesReport { Checkpoint = report.Checkpoint ?? 0 };
        }
        var made = MadeFor(report);
        return made.ByJourneyType.GetOrAdd(
            journeyType ?? "",
            static (type, shown) => LeadTimesMapping.ToContract(shown, type.Length == 0 ? null : type),
            made.Shown);
    }

    /// <summary>
    /// Makes the answer for all journey types of <paramref name="report"/>, and its bytes, before any query asks: the
    /// first query to meet a report would otherwise wait for them.
    /// </summary>
    public void Prepare(LeadTimeReport report) => SerializedOnce.Of(For(report, null));

    private Made MadeFor(LeadTimeReport report)
    {
        var (latest, before) = (last, beforeLast);
        if (latest is not null && ReferenceEquals(latest.Report, report))
        {
            return latest;
        }
        if (before is not null && ReferenceEquals(before.Report, report))
        {
            return before;
        }
        var made = new Made(report, report.Suppress(minGroupSize), new ConcurrentDictionary<string, Contract.LeadTimesReport>(StringComparer.Ordinal));
        (last, beforeLast) = (made, latest);
        return made;
    }

    /// <param name="Report">The projection's report, as the key.</param>
    /// <param name="Shown">The same report with its small groups suppressed: what is mapped.</param>
    private sealed record Made(LeadTimeReport Report, LeadTimeReport Shown, ConcurrentDictionary<string, Contract.LeadTimesReport> ByJourneyType);
}
