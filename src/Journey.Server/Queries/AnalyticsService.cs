using Grpc.Core;
using Journey.Domain.Catalog;
using Journey.Domain.LeadTimes;
using Journey.Server.Hosting;
using Journey.Server.Ingest;
using Journey.Server.Projections;
using Journey.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Queries;

/// <summary>
/// gRPC <c>journey.v1.Analytics</c> (also JSON over HTTP by transcoding): the lead-time projection's
/// figures for process owners, restricted by the query and with every group smaller than
/// <see cref="AnalyticsOptions.MinGroupSize"/> suppressed.
/// </summary>
[Authorize(Policy = JourneyRoles.ProcessOwner)]
public sealed class AnalyticsService(IGrainFactory grains, JourneyCatalog catalog, IOptions<AnalyticsOptions> options) : Contract.Analytics.AnalyticsBase
{
    public override async Task<Contract.AnalyticsOverview> GetOverview(Contract.AnalyticsQuery request, ServerCallContext context)
    {
        var (report, scope) = await QueryAsync(request);
        var result = new Contract.AnalyticsOverview { Scope = scope };
        foreach (var type in report.JourneyTypes)
        {
            var overview = new Contract.JourneyTypeOverview
            {
                JourneyType = type.JourneyType,
                JourneysSeen = (ulong)type.JourneysSeen,
                JourneysWithLifeEvent = (ulong)type.JourneysWithLifeEvent,
                Journeys = (ulong)type.Journeys,
                EndToEnd = LeadTimesMapping.ToContract(type.EndToEnd),
                Span = LeadTimesMapping.ToContract(type.Span),
                Starts = LeadTimesMapping.ToContract(type.Starts),
                Suppressed = type.Suppressed,
            };
            overview.Agencies.AddRange(type.Agencies.Select(LeadTimesMapping.ToContract));
            overview.Initiators.AddRange(type.Initiators.Select(LeadTimesMapping.ToContract));
            overview.HandOvers.AddRange(type.HandOvers.Select(LeadTimesMapping.ToContract));
            result.JourneyTypes.Add(overview);
        }
        return result;
    }

    public override async Task<Contract.ServiceBreakdown> GetServiceBreakdown(Contract.AnalyticsQuery request, ServerCallContext context)
    {
        var (report, scope) = await QueryAsync(request);
        var result = new Contract.ServiceBreakdown { Scope = scope };
        foreach (var type in report.JourneyTypes)
        {
            var services = new Contract.JourneyTypeServices { JourneyType = type.JourneyType, Suppressed = type.Suppressed };
            services.Services.AddRange(type.Services.Select(LeadTimesMapping.ToContract));
            result.JourneyTypes.Add(services);
        }
        return result;
    }

    public override async Task<Contract.ProactiveOpportunities> GetProactiveOpportunities(Contract.AnalyticsQuery request, ServerCallContext context)
    {
        var (report, scope) = await QueryAsync(request);
        var result = new Contract.ProactiveOpportunities { Scope = scope };
        result.Opportunities.AddRange(report.RankedOpportunities().Select((o, i) => LeadTimesMapping.ToContract(o, i + 1)));
        return result;
    }

    public override async Task<Contract.DirectlyFollowsMap> GetDirectlyFollows(Contract.AnalyticsQuery request, ServerCallContext context)
    {
        var (report, scope) = await QueryAsync(request);
        var result = new Contract.DirectlyFollowsMap { Scope = scope };
        foreach (var type in report.JourneyTypes)
        {
            var map = new Contract.JourneyTypeDirectlyFollows
            {
                JourneyType = type.JourneyType,
                JourneysSeen = (ulong)type.JourneysSeen,
                Suppressed = type.Suppressed,
            };
            map.Arcs.AddRange(type.DirectlyFollows.Select(LeadTimesMapping.ToContract));
            result.JourneyTypes.Add(map);
        }
        return result;
    }

    public override async Task<Contract.MonthlySeries> GetMonthlySeries(Contract.AnalyticsQuery request, ServerCallContext context)
    {
        var (report, scope) = await QueryAsync(request);
        var result = new Contract.MonthlySeries { Scope = scope };
        foreach (var type in report.JourneyTypes)
        {
            var months = new Contract.JourneyTypeMonths { JourneyType = type.JourneyType };
            months.Months.AddRange(type.Months.Select(LeadTimesMapping.ToContract));
            result.JourneyTypes.Add(months);
        }
        return result;
    }

    private async Task<(LeadTimeReport Report, Contract.AnalyticsScope Scope)> QueryAsync(Contract.AnalyticsQuery query)
    {
        var filter = Validate(query);
        var k = options.Value.MinGroupSize;
        var report = await grains.Reference<ILeadTimeProjectionGrain>(LeadTimeProjectionGrain.Key).QueryAsync(filter);
        var scope = new Contract.AnalyticsScope { Checkpoint = report.Checkpoint ?? 0, MinGroupSize = (uint)k, Query = query };
        return (report.Suppress(k), scope);
    }

    private LeadTimeFilter Validate(Contract.AnalyticsQuery query)
    {
        var violations = new List<FieldViolation>();
        if (QueryFilters.UnknownJourneyType(catalog, query.JourneyType) is { } journeyType)
        {
            violations.Add(journeyType);
        }
        if (query.Agency.Length > 0 && catalog.FindAgency(query.Agency) is null)
        {
            violations.Add(new("agency", "is not an agency in the catalog"));
        }
        int from = 0, to = 0;
        var fromValid = query.FromMonth.Length == 0 || LeadTimeFilter.TryParseMonth(query.FromMonth, out from);
        var toValid = query.ToMonth.Length == 0 || LeadTimeFilter.TryParseMonth(query.ToMonth, out to);
        if (!fromValid)
        {
            violations.Add(new("from_month", "must be a month as YYYY-MM"));
        }
        if (!toValid)
        {
            violations.Add(new("to_month", "must be a month as YYYY-MM"));
        }
        if (fromValid && toValid && query.FromMonth.Length > 0 && query.ToMonth.Length > 0 && from > to)
        {
            violations.Add(new("to_month", "must not be before from_month"));
        }
        if (violations.Count > 0)
        {
            throw RpcErrors.BadRequest(QueryFilters.Invalid, violations);
        }
        return new LeadTimeFilter(
            NullIfEmpty(query.JourneyType), NullIfEmpty(query.FromMonth), NullIfEmpty(query.ToMonth), NullIfEmpty(query.Agency));
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
