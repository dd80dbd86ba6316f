namespace Journey.Domain.LeadTimes;

/// <summary>
/// k-anonymity for what process owners see. A group is a set of journeys a row of figures describes (a
/// journey type, a month, a service, an agency, an initiator, a hand-over, an arc, an opportunity). A group
/// of 1 to k − 1 journeys is suppressed: the row stays, marked suppressed, with every figure zero. Within a
/// row that is shown, each duration figure is itself a group (its count) and is suppressed the same way
/// together with the count it is taken over, and a proactive share is suppressed when its proactive or its
/// reactive part is such a group. Empty groups describe nobody and are shown as they are.
/// </summary>
internal static class SmallGroups
{
    public static LeadTimeReport Suppress(LeadTimeReport report, int k)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return report with { JourneyTypes = [.. report.JourneyTypes.Select(t => Type(t, k))] };
    }

    private static bool Small(long journeys, int k) => journeys > 0 && journeys < k;

    private static DurationStats Stats(DurationStats stats, int k) =>
        Small(stats.Count, k) ? DurationStats.Empty with { Suppressed = true } : stats;

    private static StartShare Starts(StartShare starts, int k)
    {
        if (Small(starts.Started, k))
        {
            return new StartShare(0, 0, Suppressed: true);
        }
        return Small(starts.Proactively, k) || Small(starts.Started - starts.Proactively, k)
            ? new StartShare(starts.Started, 0, Suppressed: true)
            : starts;
    }

    private static JourneyTypeLeadTimes Type(JourneyTypeLeadTimes type, int k)
    {
        var suppressed = Small(type.JourneysSeen, k);
        var endToEnd = Stats(type.EndToEnd, k);
        return type with
        {
            Journeys = suppressed || endToEnd.Suppressed ? 0 : type.Journeys,
            EndToEnd = suppressed ? Hidden : endToEnd,
            Services = [.. type.Services.Select(s => Service(s, k, suppressed))],
            Months = [.. type.Months.Select(m => Month(m, k, suppressed))],
            JourneysSeen = suppressed ? 0 : type.JourneysSeen,
            JourneysWithLifeEvent = suppressed ? 0 : type.JourneysWithLifeEvent,
            Span = suppressed ? Hidden : Stats(type.Span, k),
            Starts = suppressed ? HiddenStarts : Starts(type.Starts, k),
            Agencies = [.. type.Agencies.Select(a => Agency(a, k, suppressed))],
            Initiators = [.. type.Initiators.Select(i => Initiator(i, k, suppressed))],
            HandOvers = [.. type.HandOvers.Select(h => suppressed || Small(h.Journeys, k)
                ? h with { Journeys = 0, Times = Hidden, Suppressed = true }
                : h with { Times = Stats(h.Times, k) })],
            DirectlyFollows = [.. type.DirectlyFollows.Select(a => suppressed || Small(a.Journeys, k)
                ? a with { Journeys = 0, Times = Hidden, Suppressed = true }
                : a with { Times = Stats(a.Times, k) })],
            // A suppressed opportunity moves to the end of the ranking, so its place reveals nothing.
            Opportunities = [.. type.Opportunities
                .Select(o => suppressed || Small(o.JourneysAffected, k)
                    ? o with { ReactiveStarts = 0, JourneysAffected = 0, CitizenDays = 0, Wait = Hidden, Suppressed = true }
                    : o)
                .OrderBy(o => o.Suppressed)],
            Suppressed = suppressed,
        };
    }

    private static MonthLeadTimes Month(MonthLeadTimes month, int k, bool parentSuppressed)
    {
        var suppressed = parentSuppressed || Small(month.JourneysSeen, k);
        var endToEnd = Stats(month.EndToEnd, k);
        var potentialHidden = suppressed || Small(month.PotentialApplications, k);
        return month with
        {
            Journeys = suppressed || endToEnd.Suppressed ? 0 : month.Journeys,
            EndToEnd = suppressed ? Hidden : endToEnd,
            Services = [.. month.Services.Select(s => Service(s, k, suppressed))],
            JourneysSeen = suppressed ? 0 : month.JourneysSeen,
            Starts = suppressed ? HiddenStarts : Starts(month.Starts, k),
            PotentialCitizenDays = potentialHidden ? 0 : month.PotentialCitizenDays,
            PotentialApplications = potentialHidden ? 0 : month.PotentialApplications,
            Suppressed = suppressed,
        };
    }

    private static ServiceLeadTimes Service(ServiceLeadTimes service, int k, bool parentSuppressed)
    {
        var suppressed = parentSuppressed || Small(service.Starts.Started, k);
        var total = Stats(service.Total, k);
        return service with
        {
            Count = suppressed || total.Suppressed ? 0 : service.Count,
            Total = suppressed ? Hidden : total,
            WaitingForCitizen = suppressed ? Hidden : Stats(service.WaitingForCitizen, k),
            AgencyProcessing = suppressed ? Hidden : Stats(service.AgencyProcessing, k),
            Delivery = suppressed ? Hidden : Stats(service.Delivery, k),
            Starts = suppressed ? HiddenStarts : Starts(service.Starts, k),
            ByInitiator = [.. service.ByInitiator.Select(i => Initiator(i, k, suppressed))],
            Suppressed = suppressed,
        };
    }

    private static InitiatorLeadTimes Initiator(InitiatorLeadTimes initiator, int k, bool parentSuppressed)
    {
        var suppressed = parentSuppressed || Small(initiator.Started, k);
        var total = Stats(initiator.Total, k);
        return initiator with
        {
            Started = suppressed ? 0 : initiator.Started,
            Delivered = suppressed || total.Suppressed ? 0 : initiator.Delivered,
            Total = suppressed ? Hidden : total,
            WaitingForCitizen = suppressed ? Hidden : Stats(initiator.WaitingForCitizen, k),
            AgencyProcessing = suppressed ? Hidden : Stats(initiator.AgencyProcessing, k),
            Delivery = suppressed ? Hidden : Stats(initiator.Delivery, k),
            Suppressed = suppressed,
        };
    }

    private static AgencyLeadTimes Agency(AgencyLeadTimes agency, int k, bool parentSuppressed)
    {
        var suppressed = parentSuppressed || Small(agency.JourneysSeen, k);
        var endToEnd = Stats(agency.EndToEnd, k);
        var total = Stats(agency.Total, k);
        return agency with
        {
            JourneysSeen = suppressed ? 0 : agency.JourneysSeen,
            Journeys = suppressed || endToEnd.Suppressed ? 0 : agency.Journeys,
            EndToEnd = suppressed ? Hidden : endToEnd,
            Starts = suppressed ? HiddenStarts : Starts(agency.Starts, k),
            Delivered = suppressed || total.Suppressed ? 0 : agency.Delivered,
            Total = suppressed ? Hidden : total,
            WaitingForCitizen = suppressed ? Hidden : Stats(agency.WaitingForCitizen, k),
            AgencyProcessing = suppressed ? Hidden : Stats(agency.AgencyProcessing, k),
            Delivery = suppressed ? Hidden : Stats(agency.Delivery, k),
            Suppressed = suppressed,
        };
    }

    private static DurationStats Hidden { get; } = DurationStats.Empty with { Suppressed = true };

    private static StartShare HiddenStarts { get; } = new(0, 0, Suppressed: true);
}
