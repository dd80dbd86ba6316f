using Grpc.Core;
using Journey.Domain.LeadTimes;
using Journey.Server.Projections;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Queries;

/// <summary>gRPC <c>journey.v1.LeadTimes</c>: the lead-time projection's figures for process owners.</summary>
public sealed class LeadTimesService(IGrainFactory grains) : Contract.LeadTimes.LeadTimesBase
{
    public override async Task<Contract.LeadTimesReport> GetLeadTimes(Contract.GetLeadTimesRequest request, ServerCallContext context)
    {
        var report = await grains.GetGrain<ILeadTimeProjectionGrain>(LeadTimeProjectionGrain.Key).GetReportAsync();
        return LeadTimesMapping.ToContract(report, string.IsNullOrEmpty(request.JourneyType) ? null : request.JourneyType);
    }
}

/// <summary>Maps the domain's report onto the journey.v1 messages.</summary>
public static class LeadTimesMapping
{
    public static Contract.LeadTimesReport ToContract(LeadTimeReport report, string? journeyType = null)
    {
        var result = new Contract.LeadTimesReport { Checkpoint = report.Checkpoint ?? 0 };
        foreach (var type in report.JourneyTypes)
        {
            if (journeyType is not null && type.JourneyType != journeyType)
            {
                continue;
            }
            var message = new Contract.JourneyTypeLeadTimes
            {
                JourneyType = type.JourneyType,
                Journeys = (ulong)type.Journeys,
                EndToEnd = ToContract(type.EndToEnd),
            };
            message.Services.AddRange(type.Services.Select(ToContract));
            foreach (var month in type.Months)
            {
                var m = new Contract.MonthLeadTimes { Month = month.Month, Journeys = (ulong)month.Journeys, EndToEnd = ToContract(month.EndToEnd) };
                m.Services.AddRange(month.Services.Select(ToContract));
                message.Months.Add(m);
            }
            result.JourneyTypes.Add(message);
        }
        return result;
    }

    private static Contract.ServiceLeadTimes ToContract(ServiceLeadTimes service) => new()
    {
        Service = service.Service,
        Agency = service.Agency,
        Count = (ulong)service.Count,
        Total = ToContract(service.Total),
        WaitingForCitizen = ToContract(service.WaitingForCitizen),
        AgencyProcessing = ToContract(service.AgencyProcessing),
        Delivery = ToContract(service.Delivery),
    };

    private static Contract.DurationStats ToContract(DurationStats stats) => new()
    {
        Count = (ulong)stats.Count,
        MeanSeconds = stats.MeanSeconds,
        MedianSeconds = stats.MedianSeconds,
        P90Seconds = stats.P90Seconds,
    };
}
