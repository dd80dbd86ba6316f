using System.Text.Json;
using Journey.Cli.Commands;
using Journey.Server.Security;
using Xunit.Abstractions;

namespace Journey.Server.Tests.Dashboard;

/// <summary>
/// The dashboard in real headless Chromium against a real server fed with simulated journeys: every page
/// renders, every chart plots exactly what the query API answers for the same query, the filters change
/// it, and each page is kept as a screenshot (TestResults/screenshots beside the test binaries).
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardBrowserTests(DashboardFixture fixture, ITestOutputHelper output)
{
    private const string JourneyType = "fa-barn";
    private const double Precision = 1e-9;

    [SkippableFact]
    public async Task the_overview_shows_every_journey_type_with_the_figures_and_monthly_trend_the_api_returns()
    {
        Skip.If(fixture.Browser is null, DashboardFixture.SkipReason);
        var overview = await fixture.QueryAsync("overview");
        var series = await fixture.QueryAsync("months");

        await using var page = await DashboardPage.OpenAsync(fixture, "/", fixture.ProcessOwnerToken);

        var types = overview.Items("journeyTypes");
        Assert.NotEmpty(types);
        Assert.Equal(types.Count, await page.Page.Locator("article.card").CountAsync());
        var suppressedMonths = 0;
        foreach (var type in types)
        {
            var id = type.Text("journeyType");
            var figures = await page.FiguresAsync($"article[data-journey-type=\"{id}\"]");
            AssertHeadlineFigures(type, figures);

            var months = series.JourneyType(id).Items("months");
            Assert.NotEmpty(months);
            var chart = await page.ChartAsync($"trend-{id}");
            var table = await page.TableAsync($"trend-{id}");
            Assert.Equal(months.Count, chart.Labels.Count);
            Assert.Equal(months.Select(m => m.Text("month")), table.Select(r => r.Key));
            for (var i = 0; i < months.Count; i++)
            {
                var month = months[i];
                var hidden = month.Flag("suppressed") || month.Child("endToEnd").Flag("suppressed");
                suppressedMonths += hidden ? 1 : 0;
                AssertDays(month.Child("endToEnd").Days(hidden), chart.Datasets[0].Data[i]);
                AssertDays(month.Child("endToEnd").Days(hidden, "p90Seconds"), chart.Datasets[1].Data[i]);
                Assert.Equal(hidden, table[i].Suppressed);
                if (hidden)
                {
                    Assert.Contains("skjult", table[i].Texts[1], StringComparison.OrdinalIgnoreCase);
                }
                else
                {
                    Assert.Equal(month.Number("journeys"), table[i].Number(1));
                    Assert.Equal(month.Child("endToEnd").Number("medianSeconds"), table[i].Number(2), Precision);
                }
            }
        }
        // With this many journeys over a year some months hold fewer than k: they must show as suppressed.
        Assert.True(suppressedMonths > 0, "The simulated data has no suppressed month to show; the check above proved nothing for them.");
        page.AssertNoProblems();
        output.WriteLine(await page.ScreenshotAsync(fixture, "overview"));
    }

    [SkippableFact]
    public async Task a_journey_type_page_charts_the_services_distribution_hand_overs_and_opportunities_the_api_returns()
    {
        Skip.If(fixture.Browser is null, DashboardFixture.SkipReason);

        await using var page = await DashboardPage.OpenAsync(fixture, $"/journey-types/{JourneyType}", fixture.ProcessOwnerToken);

        await AssertJourneyTypePageAsync(page, from: null, to: null, agency: null);
        page.AssertNoProblems();
        output.WriteLine(await page.ScreenshotAsync(fixture, $"journey-type-{JourneyType}"));
        // What a projector shows first: the part of the page in the window.
        output.WriteLine(await page.ScreenshotAsync(fixture, $"journey-type-{JourneyType}-window", fullPage: false));
    }

    [SkippableFact]
    public async Task the_process_map_draws_the_directly_follows_arcs_the_api_returns_coloured_by_agency_without_overlap()
    {
        Skip.If(fixture.Browser is null, DashboardFixture.SkipReason);
        var arcs = (await fixture.QueryAsync("directly-follows", JourneyType)).JourneyType(JourneyType).Items("arcs");
        Assert.NotEmpty(arcs);

        await using var page = await DashboardPage.OpenAsync(fixture, $"/journey-types/{JourneyType}/process-map", fixture.ProcessOwnerToken);

        // By default the map is thinned out: the 25 most frequent transitions (with those tied with the
        // 25th) and each activity's most frequent transition in and out, each drawn with the API's figures.
        var thinned = await GraphAsync(page);
        var shown = thinned.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToHashSet();
        AssertEdges([.. arcs.Where(a => shown.Contains(Key(a)))], thinned);
        var known = arcs.Where(a => !a.Flag("suppressed")).OrderByDescending(a => a.Child("times").Number("count")).ToList();
        Assert.True(known.Count > 25, "Too few transitions to thin out.");
        Assert.True(shown.Count < arcs.Count);
        Assert.All(known.Where(a => a.Child("times").Number("count") >= known[24].Child("times").Number("count")), a => Assert.Contains(Key(a), shown));
        Assert.All(known.GroupBy(a => a.Text("from")), g => Assert.Contains(Key(g.First()), shown));
        Assert.All(known.GroupBy(a => a.Text("to")), g => Assert.Contains(Key(g.First()), shown));
        AssertNoOverlap(thinned);

        await page.Page.Locator("#arc-limit").SelectOptionAsync("all");
        var graph = await GraphAsync(page);
        AssertEdges(arcs, graph);

        var nodes = graph.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(arcs.SelectMany(a => new[] { a.Text("from"), a.Text("to") }).Distinct().Order(), nodes.Select(n => n.GetProperty("id").GetString()).Order());
        // One colour per agency, and different agencies in different colours.
        var colours = nodes.GroupBy(n => n.GetProperty("agency").GetString()).ToDictionary(g => g.Key!, g => g.Select(n => n.GetProperty("colour").GetString()).Distinct().ToList());
        Assert.All(colours.Values, c => Assert.Single(c));
        Assert.Equal(colours.Count, colours.Values.Select(c => c[0]).Distinct().Count());
        AssertNoOverlap(graph);

        var table = await page.TableAsync("transitions");
        Assert.Equal(arcs.Select(a => $"{a.Text("from")}>{a.Text("to")}"), table.Select(r => r.Key));
        page.AssertNoProblems();
        await page.Page.Locator("#arc-limit").SelectOptionAsync("25");
        output.WriteLine(await page.ScreenshotAsync(fixture, $"process-map-{JourneyType}"));
        output.WriteLine(await page.ScreenshotAsync(fixture, $"process-map-{JourneyType}-map", "#process-map"));
    }

    [SkippableFact]
    public async Task the_period_and_agency_filters_change_the_figures_to_what_the_api_returns_for_them()
    {
        Skip.If(fixture.Browser is null, DashboardFixture.SkipReason);
        const string from = "2025-03", to = "2025-08", agency = "nav";

        await using var page = await DashboardPage.OpenAsync(fixture, $"/journey-types/{JourneyType}", fixture.ProcessOwnerToken);
        var before = await page.FiguresAsync();
        await page.Page.Locator("#filter-from").FillAsync(from);
        await page.Page.Locator("#filter-to").FillAsync(to);
        await page.Page.Locator("#filter-agency").SelectOptionAsync(agency);
        // Submitted from the keyboard, as someone without a mouse would.
        await page.Page.Locator(".filters button[type=submit]").FocusAsync();
        await page.NavigateByAsync(() => page.Page.Keyboard.PressAsync("Enter"));
        Assert.Equal($"{fixture.Server.WebAddress}/journey-types/{JourneyType}?from={from}&to={to}&agency={agency}", page.Page.Url);

        var after = await page.FiguresAsync();
        Assert.NotEqual(before["journeys"].Value, after["journeys"].Value);
        await AssertJourneyTypePageAsync(page, from, to, agency);
        var services = (await fixture.QueryAsync("services", JourneyType, from, to, agency)).JourneyType(JourneyType).Items("services");
        Assert.All(services, s => Assert.Equal(agency, s.Text("agency")));
        output.WriteLine(await page.ScreenshotAsync(fixture, $"journey-type-{JourneyType}-filtered"));

        // The selection travels with the links: the overview's trend now covers the chosen months only.
        await page.NavigateByAsync(() => page.Page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Oversikt", Exact = true }).ClickAsync());
        var trend = await page.ChartAsync($"trend-{JourneyType}");
        var months = (await fixture.QueryAsync("months", null, from, to, agency)).JourneyType(JourneyType).Items("months");
        Assert.Equal(6, months.Count);
        Assert.Equal(months.Count, trend.Labels.Count);
        for (var i = 0; i < months.Count; i++)
        {
            var hidden = months[i].Flag("suppressed") || months[i].Child("endToEnd").Flag("suppressed");
            AssertDays(months[i].Child("endToEnd").Days(hidden), trend.Datasets[0].Data[i]);
        }
        var overview = (await fixture.QueryAsync("overview", null, from, to, agency)).JourneyType(JourneyType);
        AssertHeadlineFigures(overview, await page.FiguresAsync($"article[data-journey-type=\"{JourneyType}\"]"));
        page.AssertNoProblems();
    }

    [SkippableFact]
    public async Task groups_under_k_show_as_suppressed_not_as_zero_or_missing()
    {
        Skip.If(fixture.Browser is null, DashboardFixture.SkipReason);
        // One month at one agency: small groups, some under k.
        const string month = "2025-05", agency = "kommune";
        var services = (await fixture.QueryAsync("services", JourneyType, month, month, agency)).JourneyType(JourneyType).Items("services");
        var handOvers = (await fixture.QueryAsync("overview", JourneyType, month, month, agency)).JourneyType(JourneyType).Items("handOvers");
        var suppressedInApi = services.Count(s => s.Flag("suppressed")) + handOvers.Count(h => h.Flag("suppressed"));
        Assert.True(suppressedInApi > 0, "The selection has no suppressed group; pick a smaller one.");

        await using var page = await DashboardPage.OpenAsync(fixture, $"/journey-types/{JourneyType}?from={month}&to={month}&agency={agency}", fixture.ProcessOwnerToken);

        var stages = await page.TableAsync("stages");
        var stagesChart = await page.ChartAsync("stages");
        Assert.Equal(services.Select(s => s.Text("service")), stages.Select(r => r.Key));
        for (var i = 0; i < services.Count; i++)
        {
            var suppressed = services[i].Flag("suppressed");
            Assert.Equal(suppressed, stages[i].Suppressed);
            if (suppressed)
            {
                Assert.Contains("skjult", stages[i].Texts[2], StringComparison.OrdinalIgnoreCase);
                Assert.Contains("skjult", stagesChart.Labels[i], StringComparison.OrdinalIgnoreCase);
                Assert.All(stagesChart.Datasets, d => Assert.Null(d.Data[i]));
            }
        }
        var handOverRows = (await page.TableAsync("handovers")).ToDictionary(r => r.Key);
        Assert.Equal(handOvers.Count, handOverRows.Count);
        Assert.All(handOvers, h => Assert.Equal(h.Flag("suppressed"), handOverRows[$"{h.Text("fromAgency")}>{h.Text("toAgency")}"].Suppressed));
        page.AssertNoProblems();
        output.WriteLine(await page.ScreenshotAsync(fixture, $"journey-type-{JourneyType}-suppressed"));
    }

    [SkippableFact]
    public async Task without_a_token_the_page_asks_to_sign_in_and_a_pasted_development_token_shows_the_figures()
    {
        Skip.If(fixture.Browser is null, DashboardFixture.SkipReason);

        await using var page = await DashboardPage.OpenAsync(fixture, "/", token: null, expectedState: "signed-out");
        Assert.Contains("Logg inn", await page.Page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Page.Locator("article.card").CountAsync());

        await page.Page.Locator("main button").ClickAsync();
        var dialog = page.Page.Locator("dialog.sign-in");
        Assert.Contains("journey token --role process-owner", await dialog.InnerTextAsync(), StringComparison.Ordinal);
        // Focus starts in the token field, so a keyboard user can paste at once.
        Assert.Equal("token", await page.Page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Page.Keyboard.InsertTextAsync(fixture.ProcessOwnerToken);
        await page.NavigateByAsync(() => dialog.Locator("button[value=sign-in]").ClickAsync());

        Assert.Equal(fixture.ProcessOwnerToken, await page.Page.EvaluateAsync<string>("() => sessionStorage.getItem('journey.token')"));
        Assert.Empty(await page.Page.Context.CookiesAsync());
        Assert.NotEqual(0, await page.Page.Locator("article.card").CountAsync());

        await page.NavigateByAsync(() => page.Page.Locator("#sign-out").ClickAsync(), "signed-out");
        // The browser logs the refused calls (401) before signing in; nothing else may go wrong.
        Assert.DoesNotContain(page.Problems, p => !p.Contains("401", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task a_token_without_the_process_owner_role_is_told_it_may_not_see_the_figures()
    {
        Skip.If(fixture.Browser is null, DashboardFixture.SkipReason);
        var agencyToken = fixture.Server.TokenFor(JourneyRoles.Agency, "nav");

        await using var page = await DashboardPage.OpenAsync(fixture, "/", agencyToken, expectedState: "forbidden");

        Assert.Contains("prosesseier", await page.Page.InnerTextAsync("main"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task an_unknown_journey_type_or_a_period_that_ends_before_it_starts_is_explained_not_sent()
    {
        Skip.If(fixture.Browser is null, DashboardFixture.SkipReason);

        await using var page = await DashboardPage.OpenAsync(fixture, "/journey-types/no-such-type", fixture.ProcessOwnerToken, expectedState: "not-found");
        Assert.Contains("«no-such-type»", await page.Page.InnerTextAsync("main"), StringComparison.Ordinal);

        await page.GoAsync($"{fixture.Server.WebAddress}/journey-types/{JourneyType}?from=2025-08&to=2025-03", "invalid");
        Assert.Contains("Til-måneden kan ikke være før fra-måneden", await page.Page.InnerTextAsync("main"), StringComparison.Ordinal);

        // The form refuses such a period before it leaves the page.
        await page.GoAsync($"{fixture.Server.WebAddress}/journey-types/{JourneyType}");
        await page.Page.Locator("#filter-from").FillAsync("2025-08");
        await page.Page.Locator("#filter-to").FillAsync("2025-03");
        await page.Page.Locator(".filters button[type=submit]").ClickAsync();
        Assert.Equal($"{fixture.Server.WebAddress}/journey-types/{JourneyType}", page.Page.Url);
        Assert.False(await page.Page.Locator("#filter-to").EvaluateAsync<bool>("input => input.validity.valid"));
    }

    [SkippableFact]
    public async Task bokmal_is_the_default_and_the_english_switch_changes_the_labels_but_not_the_numbers()
    {
        Skip.If(fixture.Browser is null, DashboardFixture.SkipReason);

        await using var page = await DashboardPage.OpenAsync(fixture, $"/journey-types/{JourneyType}", fixture.ProcessOwnerToken);
        Assert.Equal("nb", await page.Page.GetAttributeAsync("html", "lang"));
        Assert.Equal("Få barn", await page.Page.InnerTextAsync("h1"));
        var norwegian = await page.FiguresAsync();
        var norwegianStages = await page.ChartAsync("stages");

        await page.Page.Locator("#language").FocusAsync();
        await page.Page.Keyboard.PressAsync("Enter");
        await page.WaitForStateAsync();

        Assert.Equal("en", await page.Page.GetAttributeAsync("html", "lang"));
        Assert.Equal("Having a child", await page.Page.InnerTextAsync("h1"));
        Assert.Equal("Time per service", await page.Page.InnerTextAsync("#services-heading"));
        Assert.Equal("language", await page.Page.EvaluateAsync<string>("() => document.activeElement.id"));
        var english = await page.FiguresAsync();
        Assert.Equal(norwegian.ToDictionary(f => f.Key, f => f.Value.Value), english.ToDictionary(f => f.Key, f => f.Value.Value));
        Assert.Equal(norwegianStages.Datasets.Select(d => d.Data), (await page.ChartAsync("stages")).Datasets.Select(d => d.Data));
        Assert.Equal("Waiting for the citizen", (await page.ChartAsync("stages")).Datasets[0].Label);

        // The choice is remembered.
        await page.GoAsync(fixture.Server.WebAddress + "/");
        Assert.Equal("Overview of the life events", await page.Page.InnerTextAsync("h1"));
        page.AssertNoProblems();
        output.WriteLine(await page.ScreenshotAsync(fixture, "overview-en"));
    }

    [SkippableFact]
    public async Task the_keyboard_reaches_the_skip_link_first_and_opens_a_charts_table_of_numbers()
    {
        Skip.If(fixture.Browser is null, DashboardFixture.SkipReason);

        await using var page = await DashboardPage.OpenAsync(fixture, $"/journey-types/{JourneyType}", fixture.ProcessOwnerToken);

        await page.Page.Keyboard.PressAsync("Tab");
        Assert.Equal("skip", await page.Page.EvaluateAsync<string>("() => document.activeElement.className"));
        await page.Page.Keyboard.PressAsync("Enter");
        Assert.Equal("main", await page.Page.EvaluateAsync<string>("() => document.activeElement.id"));

        // Tab on from the main content to the first "show the figures" of a chart, and open it.
        for (var i = 0; i < 20 && await page.Page.EvaluateAsync<string>("() => document.activeElement.tagName") != "SUMMARY"; i++)
        {
            await page.Page.Keyboard.PressAsync("Tab");
        }
        Assert.Equal("SUMMARY", await page.Page.EvaluateAsync<string>("() => document.activeElement.tagName"));
        await page.Page.Keyboard.PressAsync("Enter");
        Assert.True(await page.Page.Locator("figure[data-chart=stages] details").EvaluateAsync<bool>("d => d.open"));
        Assert.True(await page.Page.Locator("table[data-table=stages]").IsVisibleAsync());
        // Every chart is an image with a text alternative that points to its table.
        var labels = await page.Page.Locator("canvas").EvaluateAllAsync<string[]>("cs => cs.map(c => c.getAttribute('role') + ':' + c.getAttribute('aria-label'))");
        Assert.Equal(4, labels.Length);
        Assert.All(labels, l => Assert.StartsWith("img:", l, StringComparison.Ordinal));
        Assert.All(labels, l => Assert.Contains("tabellen", l, StringComparison.Ordinal));
    }

    private static string Key(JsonElement arc) => $"{arc.Text("from")}>{arc.Text("to")}";

    private static async Task<JsonElement> GraphAsync(DashboardPage page) =>
        await page.Page.EvaluateAsync<JsonElement>(
            """
            () => {
              const cy = window.journeyDashboard.maps.get('process-map');
              return {
                edges: cy.edges().map(e => ({ id: e.id(), count: e.data('count'), median: e.data('medianSeconds'), suppressed: e.data('suppressed') })),
                nodes: cy.nodes().map(n => ({ id: n.id(), agency: n.data('agency'), colour: n.data('colour'), box: n.boundingBox() })),
              };
            }
            """);

    /// <summary>Readable: no activity's box (label included) covers another's.</summary>
    private static void AssertNoOverlap(JsonElement graph)
    {
        var boxes = graph.GetProperty("nodes").EnumerateArray().Select(n => (Id: n.GetProperty("id").GetString(), Box: n.GetProperty("box"))).ToList();
        for (var i = 0; i < boxes.Count; i++)
        {
            for (var j = i + 1; j < boxes.Count; j++)
            {
                Assert.False(Overlap(boxes[i].Box, boxes[j].Box), $"{boxes[i].Id} and {boxes[j].Id} overlap on the map.");
            }
        }
    }

    private static void AssertEdges(IReadOnlyList<JsonElement> arcs, JsonElement graph)
    {
        var edges = graph.GetProperty("edges").EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!);
        Assert.Equal(arcs.Select(a => $"{a.Text("from")}>{a.Text("to")}").Order(), edges.Keys.Order());
        foreach (var arc in arcs)
        {
            var edge = edges[$"{arc.Text("from")}>{arc.Text("to")}"];
            var suppressed = arc.Flag("suppressed");
            Assert.Equal(suppressed, edge.GetProperty("suppressed").GetBoolean());
            if (!suppressed)
            {
                Assert.Equal(arc.Child("times").Number("count"), edge.GetProperty("count").GetDouble());
                Assert.Equal(arc.Child("times").Number("medianSeconds"), edge.GetProperty("median").GetDouble(), Precision);
            }
        }
    }

    private async Task AssertJourneyTypePageAsync(DashboardPage page, string? from, string? to, string? agency)
    {
        var overview = (await fixture.QueryAsync("overview", JourneyType, from, to, agency)).JourneyType(JourneyType);
        var services = (await fixture.QueryAsync("services", JourneyType, from, to, agency)).JourneyType(JourneyType).Items("services");
        var opportunities = (await fixture.QueryAsync("opportunities", JourneyType, from, to, agency)).Items("opportunities");

        AssertHeadlineFigures(overview, await page.FiguresAsync());

        var stages = await page.ChartAsync("stages");
        Assert.NotEmpty(services);
        Assert.Equal(services.Count, stages.Labels.Count);
        for (var i = 0; i < services.Count; i++)
        {
            var suppressed = services[i].Flag("suppressed");
            AssertDays(services[i].Child("waitingForCitizen").Days(suppressed), stages.Datasets[0].Data[i]);
            AssertDays(services[i].Child("agencyProcessing").Days(suppressed), stages.Datasets[1].Data[i]);
            AssertDays(services[i].Child("delivery").Days(suppressed), stages.Datasets[2].Data[i]);
        }
        var stageRows = await page.TableAsync("stages");
        Assert.Equal(services.Select(s => s.Text("service")), stageRows.Select(r => r.Key));

        var endToEnd = overview.Child("endToEnd");
        var hidden = overview.Flag("suppressed") || endToEnd.Flag("suppressed");
        var distribution = await page.ChartAsync("distribution");
        Assert.Equal(
            new[] { "minSeconds", "medianSeconds", "p90Seconds", "p95Seconds", "p99Seconds", "maxSeconds" }.Select(f => endToEnd.Days(hidden, f)),
            distribution.Datasets[0].Data);

        // Drawn longest first; the table lists them in the chart's order, so its keys pair bars with the API's entries.
        var handOvers = overview.Items("handOvers").ToDictionary(h => $"{h.Text("fromAgency")}>{h.Text("toAgency")}");
        var handOverChart = await page.ChartAsync("handovers");
        var handOverRows = await page.TableAsync("handovers");
        Assert.Equal(handOvers.Keys.Order(), handOverRows.Select(r => r.Key).Order());
        Assert.Equal(handOvers.Count, handOverChart.Labels.Count);
        for (var i = 0; i < handOverRows.Count; i++)
        {
            var handOver = handOvers[handOverRows[i].Key];
            var suppressed = handOver.Flag("suppressed");
            AssertDays(handOver.Child("times").Days(suppressed), handOverChart.Datasets[0].Data[i]);
            AssertDays(handOver.Child("times").Days(suppressed, "p90Seconds"), handOverChart.Datasets[1].Data[i]);
        }
        var medians = handOverChart.Datasets[0].Data.OfType<double>().ToList();
        Assert.Equal(medians.OrderDescending(), medians);

        var ranking = await page.ChartAsync("opportunities");
        var rankingRows = await page.TableAsync("opportunities");
        Assert.Equal(opportunities.Count, ranking.Labels.Count);
        for (var i = 0; i < opportunities.Count; i++)
        {
            var suppressed = opportunities[i].Flag("suppressed");
            Assert.Equal(opportunities[i].Text("service"), rankingRows[i].Key);
            Assert.Equal(opportunities[i].Number("rank"), rankingRows[i].Number(0));
            if (suppressed)
            {
                Assert.Null(ranking.Datasets[0].Data[i]);
            }
            else
            {
                Assert.Equal(opportunities[i].Number("citizenDays"), ranking.Datasets[0].Data[i]!.Value, Precision);
                Assert.Equal(opportunities[i].Number("journeysAffected"), rankingRows[i].Number(3));
            }
        }
    }

    private static void AssertHeadlineFigures(JsonElement type, IReadOnlyDictionary<string, (double Value, string Text)> figures)
    {
        Assert.Equal(type.Number("journeys"), figures["journeys"].Value);
        Assert.Equal(type.Child("endToEnd").Number("medianSeconds"), figures["median"].Value, Precision);
        Assert.Equal(type.Child("endToEnd").Number("p90Seconds"), figures["p90"].Value, Precision);
        Assert.Equal(type.Child("starts").Number("share"), figures["proactive"].Value, Precision);
        if (type.Flag("suppressed"))
        {
            Assert.All(figures.Values, f => Assert.Equal("skjult", f.Text));
        }
    }

    private static void AssertDays(double? expected, double? actual)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }
        Assert.NotNull(actual);
        Assert.Equal(expected.Value, actual.Value, Precision);
    }

    private static bool Overlap(JsonElement a, JsonElement b) =>
        a.GetProperty("x1").GetDouble() < b.GetProperty("x2").GetDouble() && b.GetProperty("x1").GetDouble() < a.GetProperty("x2").GetDouble()
        && a.GetProperty("y1").GetDouble() < b.GetProperty("y2").GetDouble() && b.GetProperty("y1").GetDouble() < a.GetProperty("y2").GetDouble();
}
