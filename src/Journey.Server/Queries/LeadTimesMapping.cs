using Journey.Domain.Events;
using Journey.Domain.LeadTimes;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Queries;

/// <summary>Maps the domain's report onto the journey.v1 messages (LeadTimes and Analytics share them).</summary>
public static class LeadTimesMapping
{
    public static Contract.LeadTimesReport ToContract(LeadTimeReport report, string? journeyType = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var result = new Contract.LeadTimesReport { Checkpoint = report.Checkpoint ?? 0 };
        foreach (var type in report.JourneyTypes)
        {
            if (journeyType is null || type.JourneyType == journeyType)
            {
                result.JourneyTypes.Add(ToContract(type));
            }
        }
        return result;
    }

    public static Contract.JourneyTypeLeadTimes ToContract(JourneyTypeLeadTimes type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var message = new Contract.JourneyTypeLeadTimes
        {
            JourneyType = type.JourneyType,
            Journeys = (ulong)type.Journeys,
            EndToEnd = ToContract(type.EndToEnd),
            JourneysSeen = (ulong)type.JourneysSeen,
            JourneysWithLifeEvent = (ulong)type.JourneysWithLifeEvent,
            Span = ToContract(type.Span),
            Starts = ToContract(type.Starts),
            Suppressed = type.Suppressed,
        };
        message.Services.AddRange(type.Services.Select(ToContract));
        message.Months.AddRange(type.Months.Select(ToContract));
        message.Agencies.AddRange(type.Agencies.Select(ToContract));
        message.Initiators.AddRange(type.Initiators.Select(ToContract));
        message.HandOvers.AddRange(type.HandOvers.Select(ToContract));
        message.DirectlyFollows.AddRange(type.DirectlyFollows.Select(ToContract));
        message.Opportunities.AddRange(type.Opportunities.Select((o, i) => ToContract(o, i + 1)));
        return message;
    }

    public static Contract.MonthLeadTimes ToContract(MonthLeadTimes month)
    {
        ArgumentNullException.ThrowIfNull(month);
        var message = new Contract.MonthLeadTimes
        {
            Month = month.Month,
            Journeys = (ulong)month.Journeys,
            EndToEnd = ToContract(month.EndToEnd),
            JourneysSeen = (ulong)month.JourneysSeen,
            Starts = ToContract(month.Starts),
            PotentialCitizenDays = month.PotentialCitizenDays,
            PotentialApplications = (ulong)month.PotentialApplications,
            Suppressed = month.Suppressed,
        };
        message.Services.AddRange(month.Services.Select(ToContract));
        return message;
    }

    public static Contract.ServiceLeadTimes ToContract(ServiceLeadTimes service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var message = new Contract.ServiceLeadTimes
        {
            Service = service.Service,
            Agency = service.Agency,
            Count = (ulong)service.Count,
            Total = ToContract(service.Total),
            WaitingForCitizen = ToContract(service.WaitingForCitizen),
            AgencyProcessing = ToContract(service.AgencyProcessing),
            Delivery = ToContract(service.Delivery),
            Starts = ToContract(service.Starts),
            Suppressed = service.Suppressed,
        };
        message.ByInitiator.AddRange(service.ByInitiator.Select(ToContract));
        return message;
    }

    public static Contract.AgencyLeadTimes ToContract(AgencyLeadTimes agency)
    {
        ArgumentNullException.ThrowIfNull(agency);
        return new Contract.AgencyLeadTimes
        {
            Agency = agency.Agency,
            JourneysSeen = (ulong)agency.JourneysSeen,
            Journeys = (ulong)agency.Journeys,
            EndToEnd = ToContract(agency.EndToEnd),
            Starts = ToContract(agency.Starts),
            Delivered = (ulong)agency.Delivered,
            Total = ToContract(agency.Total),
            WaitingForCitizen = ToContract(agency.WaitingForCitizen),
            AgencyProcessing = ToContract(agency.AgencyProcessing),
            Delivery = ToContract(agency.Delivery),
            Suppressed = agency.Suppressed,
        };
    }

    public static Contract.InitiatorLeadTimes ToContract(InitiatorLeadTimes initiator)
    {
        ArgumentNullException.ThrowIfNull(initiator);
        return new Contract.InitiatorLeadTimes
        {
            Initiator = initiator.Initiator switch
            {
                Initiator.Citizen => Contract.Initiator.Citizen,
                Initiator.Agency => Contract.Initiator.Agency,
                _ => Contract.Initiator.Automatic,
            },
            Started = (ulong)initiator.Started,
            Delivered = (ulong)initiator.Delivered,
            Total = ToContract(initiator.Total),
            WaitingForCitizen = ToContract(initiator.WaitingForCitizen),
            AgencyProcessing = ToContract(initiator.AgencyProcessing),
            Delivery = ToContract(initiator.Delivery),
            Suppressed = initiator.Suppressed,
        };
    }

    public static Contract.HandOver ToContract(HandOverTimes handOver)
    {
        ArgumentNullException.ThrowIfNull(handOver);
        return new Contract.HandOver
        {
            FromAgency = handOver.FromAgency,
            ToAgency = handOver.ToAgency,
            Journeys = (ulong)handOver.Journeys,
            Times = ToContract(handOver.Times),
            Suppressed = handOver.Suppressed,
        };
    }

    public static Contract.DirectlyFollowsArc ToContract(DirectlyFollowsTimes arc)
    {
        ArgumentNullException.ThrowIfNull(arc);
        return new Contract.DirectlyFollowsArc
        {
            From = arc.From,
            To = arc.To,
            Journeys = (ulong)arc.Journeys,
            Times = ToContract(arc.Times),
            Suppressed = arc.Suppressed,
        };
    }

    /// <summary>An opportunity with its 1-based place in the ranking it is listed in.</summary>
    public static Contract.ProactiveOpportunity ToContract(ProactiveOpportunity opportunity, int rank)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        return new Contract.ProactiveOpportunity
        {
            JourneyType = opportunity.JourneyType,
            Service = opportunity.Service,
            Agency = opportunity.Agency,
            Rank = (uint)rank,
            ReactiveStarts = (ulong)opportunity.ReactiveStarts,
            JourneysAffected = (ulong)opportunity.JourneysAffected,
            CitizenDays = opportunity.CitizenDays,
            Wait = ToContract(opportunity.Wait),
            Suppressed = opportunity.Suppressed,
        };
    }

    public static Contract.StartShare ToContract(StartShare starts)
    {
        ArgumentNullException.ThrowIfNull(starts);
        return new Contract.StartShare
        {
            Started = (ulong)starts.Started,
            Proactively = (ulong)starts.Proactively,
            Share = starts.Suppressed ? 0 : starts.Share,
            Suppressed = starts.Suppressed,
        };
    }

    public static Contract.DurationStats ToContract(DurationStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        return new Contract.DurationStats
        {
            Count = (ulong)stats.Count,
            MeanSeconds = stats.MeanSeconds,
            MedianSeconds = stats.MedianSeconds,
            P90Seconds = stats.P90Seconds,
            P95Seconds = stats.P95Seconds,
            P99Seconds = stats.P99Seconds,
            MinSeconds = stats.MinSeconds,
            MaxSeconds = stats.MaxSeconds,
            Exact = stats.Exact,
            Suppressed = stats.Suppressed,
        };
    }
}
