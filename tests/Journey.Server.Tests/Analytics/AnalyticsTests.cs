using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Grpc.Core;
using Journey.Cli.Commands;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Analytics;

/// <summary>A server fed the mixed catalog's journeys, shared by the tests of <see cref="AnalyticsTests"/>.</summary>
public sealed class MixedServerFixture : IAsyncLifetime
{
    private RunningServer? server;

    public RunningServer Server => server ?? throw new InvalidOperationException("The server has not started.");

    public string CatalogDirectory { get; } = MixedCatalog.CreateDirectory();

    public async Task InitializeAsync()
    {
        server = await RunningServer.StartAsync(settings: [$"--Journey:CatalogDir={CatalogDirectory}"]);
        var results = await server.AppendAsAgenciesAsync(MixedCatalog.Journeys());
        Assert.All(results, r => Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, r.OutcomeCase));
        var last = results.Max(r => r.Accepted.Position);
        await Wait.UntilAsync(
            async () => await server.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest()),
            r => r.Checkpoint >= last,
            "the projection to reach the mixed journeys");
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>The process owners' query API over a known mix of reactive and proactive services.</summary>
public sealed class AnalyticsTests(MixedServerFixture fixture) : IClassFixture<MixedServerFixture>
{
    private const double Day = 86_400;

    private Contract.Analytics.AnalyticsClient Analytics => new(fixture.Server.ChannelFor(JourneyRoles.ProcessOwner));

    private static Contract.AnalyticsQuery Mixed => new() { JourneyType = MixedCatalog.JourneyType };

    [Fact]
    public async Task the_known_mix_gives_the_expected_share_started_proactively()
    {
        var breakdown = await Analytics.GetServiceBreakdownAsync(Mixed);
        var overview = await Analytics.GetOverviewAsync(Mixed);

        var type = Assert.Single(overview.JourneyTypes);
        Assert.Equal(20ul, type.JourneysSeen);
        // 20 auto (all proactive) + 20 valg (15 proactive) + 20 soknad + 3 sjelden started.
        Assert.Equal((63ul, 35ul), (type.Starts.Started, type.Starts.Proactively));
        Assert.Equal(35 / 63.0, type.Starts.Share, 12);
        var services = Assert.Single(breakdown.JourneyTypes).Services.ToDictionary(s => s.Service);
        Assert.Equal(1.0, services["auto"].Starts.Share);
        Assert.Equal(0.75, services["valg"].Starts.Share);
        Assert.Equal((20ul, 0ul, 0.0), (services["soknad"].Starts.Started, services["soknad"].Starts.Proactively, services["soknad"].Starts.Share));
        // Three journeys only: listed, marked, emptied.
        Assert.True(services["sjelden"].Suppressed);
        Assert.Equal((0ul, 0ul), (services["sjelden"].Starts.Started, services["sjelden"].Total.Count));
        Assert.True(services["sjelden"].Total.Suppressed);
        // By initiator: valg's five citizens waited six days each; its fifteen automatic starts none.
        var citizens = services["valg"].ByInitiator.Single(i => i.Initiator == Contract.Initiator.Citizen);
        Assert.Equal((5ul, 6 * Day), (citizens.Started, citizens.WaitingForCitizen.MedianSeconds));
        Assert.Equal(6 * Day, services["valg"].WaitingForCitizen.P99Seconds);
        Assert.True(services["valg"].WaitingForCitizen.Exact);
        // Per agency: nav started 40 instances, 35 of them proactively.
        var nav = type.Agencies.Single(a => a.Agency == "nav");
        Assert.Equal((40ul, 35ul, 20ul), (nav.Starts.Started, nav.Starts.Proactively, nav.JourneysSeen));
        Assert.True(type.Agencies.Single(a => a.Agency == "husbanken").Suppressed);
    }

    [Fact]
    public async Task opportunities_are_ranked_by_citizen_days_with_small_groups_suppressed_and_last()
    {
        var ranking = await Analytics.GetProactiveOpportunitiesAsync(Mixed);

        Assert.Equal(5u, ranking.Scope.MinGroupSize);
        // soknad: 20 applications, each 8 days after the income was recorded = 160 citizen-days.
        // valg: 5 applications 6 days after the life event = 30. sjelden: 3 × 30 = 90, but three journeys.
        Assert.Equal(
            [(1u, "soknad", false, 20ul, 160.0), (2u, "valg", false, 5ul, 30.0), (3u, "sjelden", true, 0ul, 0.0)],
            ranking.Opportunities.Select(o => (o.Rank, o.Service, o.Suppressed, o.JourneysAffected, Math.Round(o.CitizenDays, 9))));
        Assert.Equal(8 * Day, ranking.Opportunities[0].Wait.MedianSeconds);
        Assert.Equal(20ul, ranking.Opportunities[0].ReactiveStarts);
        // "auto" cannot be applied for: nothing to rank.
        Assert.DoesNotContain(ranking.Opportunities, o => o.Service == "auto");

        var kommune = await Analytics.GetProactiveOpportunitiesAsync(new Contract.AnalyticsQuery { JourneyType = MixedCatalog.JourneyType, Agency = "kommune" });
        Assert.Equal(["soknad"], kommune.Opportunities.Select(o => o.Service));

        var table = OpportunitiesCommand.ToJson(ranking);
        using var document = JsonDocument.Parse(table);
        var first = document.RootElement.GetProperty("opportunities")[0];
        Assert.Equal(("soknad", 160.0, 8 * Day), (first.GetProperty("service").GetString(), first.GetProperty("citizenDays").GetDouble(), first.GetProperty("medianWaitSeconds").GetDouble()));
    }

    [Fact]
    public async Task the_directly_follows_map_and_the_monthly_series_cover_the_period_asked_for()
    {
        var map = Assert.Single((await Analytics.GetDirectlyFollowsAsync(Mixed)).JourneyTypes);
        var months = Assert.Single((await Analytics.GetMonthlySeriesAsync(Mixed)).JourneyTypes);
        var april = await Analytics.GetMonthlySeriesAsync(new Contract.AnalyticsQuery { JourneyType = MixedCatalog.JourneyType, FromMonth = "2025-04" });

        // Every journey starts with the life event, then "auto" an hour later.
        var first = map.Arcs.Single(a => a.From == "folkeregisteret.blandet.hendelse");
        Assert.Equal(("nav.auto.opprettet", 20ul, 20ul, 3600.0), (first.To, first.Journeys, first.Times.Count, first.Times.MeanSeconds));
        // The hand-over from the last nav event to kommune's application happens in every journey.
        Assert.All(map.Arcs.Where(a => !a.Suppressed), a => Assert.True(a.Journeys >= 5));
        Assert.Contains(map.Arcs, a => a.Suppressed);
        var march = Assert.Single(months.Months);
        Assert.Equal(("2025-03", 20ul, 20ul), (march.Month, march.JourneysSeen, march.Journeys));
        Assert.Equal(160 + 30 + 90, march.PotentialCitizenDays, 9);
        Assert.Empty(Assert.Single(april.JourneyTypes).Months);
    }

    [Fact]
    public async Task the_query_api_is_json_over_http_on_the_web_address_for_process_owners_only()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Server.WebAddress) };
        var path = "/v1/analytics/opportunities?journeyType=blandet";

        var anonymous = await http.GetAsync(path);
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Server.TokenFor(JourneyRoles.ProcessOwner));
        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Version(1, 1), response.Version);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var opportunities = document.RootElement.GetProperty("opportunities").EnumerateArray().ToList();
        Assert.Equal(["soknad", "valg", "sjelden"], opportunities.Select(o => o.GetProperty("service").GetString()));
        Assert.Equal(160, opportunities[0].GetProperty("citizenDays").GetDouble(), 9);
        Assert.True(opportunities[2].GetProperty("suppressed").GetBoolean());
        Assert.Equal("blandet", document.RootElement.GetProperty("scope").GetProperty("query").GetProperty("journeyType").GetString());
    }

    [Fact]
    public async Task an_agency_may_not_read_the_figures()
    {
        var asAgency = new Contract.Analytics.AnalyticsClient(fixture.Server.ChannelFor(JourneyRoles.Agency, "nav"));

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await asAgency.GetOverviewAsync(Mixed));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Theory]
    [InlineData("journey_type", "ukjent", "", "", "")]
    [InlineData("agency", "", "", "", "ukjent")]
    [InlineData("from_month", "", "2025-13", "", "")]
    [InlineData("to_month", "", "2025-05", "2025-04", "")]
    public async Task a_bad_query_is_refused_naming_the_field(string field, string journeyType, string from, string to, string agency)
    {
        var query = new Contract.AnalyticsQuery { JourneyType = journeyType, FromMonth = from, ToMonth = to, Agency = agency };

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await Analytics.GetOverviewAsync(query));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var details = refused.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>();
        Assert.Equal([field], details.FieldViolations.Select(v => v.Field));
    }
}

/// <summary>k is configurable but never below three, and the server refuses to start otherwise.</summary>
public sealed class MinGroupSizeTests
{
    [Fact]
    public async Task a_minimum_group_size_below_three_stops_the_server_at_start_up()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            RunningServer.StartAsync(settings: ["--Journey:Analytics:MinGroupSize=2"]));

        Assert.Contains("MinGroupSize must be at least 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task with_k_of_three_the_three_journey_group_is_shown_and_ranked_by_its_days()
    {
        var catalog = MixedCatalog.CreateDirectory();
        await using var server = await RunningServer.StartAsync(settings: [$"--Journey:CatalogDir={catalog}", "--Journey:Analytics:MinGroupSize=3"]);
        var results = await server.AppendAsAgenciesAsync(MixedCatalog.Journeys());
        var last = results.Max(r => r.Accepted.Position);
        var analytics = new Contract.Analytics.AnalyticsClient(server.ChannelFor(JourneyRoles.ProcessOwner));

        var ranking = await Wait.UntilAsync(
            async () => await analytics.GetProactiveOpportunitiesAsync(new Contract.AnalyticsQuery { JourneyType = MixedCatalog.JourneyType }),
            r => r.Scope.Checkpoint >= last,
            "the projection to reach the mixed journeys");

        Assert.Equal(3u, ranking.Scope.MinGroupSize);
        Assert.Equal(["soknad", "sjelden", "valg"], ranking.Opportunities.Select(o => o.Service));
        Assert.Equal(90, ranking.Opportunities[1].CitizenDays, 9);
    }
}
