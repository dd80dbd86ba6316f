using Grpc.Core;
using Journey.Domain.LeadTimes;
using Journey.Server.Hosting;
using Journey.Server.Projections;
using Journey.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Queries;

/// <summary>gRPC <c>journey.v1.LeadTimes</c>: the lead-time projection's figures for process owners, small groups suppressed.</summary>
[Authorize(Policy = JourneyRoles.ProcessOwner)]
public sealed class LeadTimesService(IGrainFactory grains, LeadTimesResponses responses) : Contract.LeadTimes.LeadTimesBase
{
    public override async Task<Contract.LeadTimesReport> GetLeadTimes(Contract.GetLeadTimesRequest request, ServerCallContext context)
    {
        var report = await grains.Reference<ILeadTimeProjectionGrain>(LeadTimeProjectionGrain.Key).GetReportAsync();
        return responses.For(report, string.IsNullOrEmpty(request.JourneyType) ? null : request.JourneyType);
    }
}
