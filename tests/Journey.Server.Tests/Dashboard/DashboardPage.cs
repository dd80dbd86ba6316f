using System.Text.Json;
using Microsoft.Playwright;

namespace Journey.Server.Tests.Dashboard;

/// <summary>What a chart plots, read from the Chart.js instance on the page.</summary>
public sealed record ChartData(IReadOnlyList<string> Labels, IReadOnlyList<ChartSeries> Datasets)
{
    public ChartSeries Series(string label) =>
        Datasets.SingleOrDefault(d => d.Label == label) ?? throw new InvalidOperationException($"No dataset '{label}' in [{string.Join(", ", Datasets.Select(d => d.Label))}].");
}

public sealed record ChartSeries(string Label, IReadOnlyList<double?> Data);

/// <summary>One row of an accessible data table: its key, whether it is marked suppressed, each cell's text and raw value.</summary>
public sealed record TableRow(string Key, bool Suppressed, IReadOnlyList<string> Texts, IReadOnlyList<string?> Values)
{
    public double Number(int column) =>
        double.Parse(Values[column] ?? throw new InvalidOperationException($"Row {Key} column {column} has no value: '{Texts[column]}'."), System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A dashboard page in its own browser context (its own sessionStorage), signed in or not.</summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext context;
    private readonly List<string> problems = [];

    private DashboardPage(IBrowserContext context, IPage page)
    {
        this.context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                problems.Add($"console {message.Type} at {message.Location}: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Add($"page error: {error}");
    }

    public IPage Page { get; }

    /// <summary>Console errors and warnings (CSP violations among them) and uncaught script errors.</summary>
    public IReadOnlyList<string> Problems => problems;

    /// <summary>Fails, listing them all, when the page logged an error or a warning.</summary>
    public void AssertNoProblems() =>
        Assert.True(problems.Count == 0, "The page reported problems:\n" + string.Join("\n", problems));

    /// <summary>Opens <paramref name="path"/> on the web address, with <paramref name="token"/> in the tab's sessionStorage as a signed-in person has it.</summary>
    public static async Task<DashboardPage> OpenAsync(DashboardFixture fixture, string path, string? token, string expectedState = "ready")
    {
        var browser = fixture.Browser ?? throw new InvalidOperationException(DashboardFixture.SkipReason);
        // A laptop-sized window; the screenshots are taken at this size.
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        if (token is not null)
        {
            await context.AddInitScriptAsync($"sessionStorage.setItem('journey.token', {JsonSerializer.Serialize(token)});");
        }
        var page = new DashboardPage(context, await context.NewPageAsync());
        await page.GoAsync(fixture.Server.WebAddress + path, expectedState);
        return page;
    }

    public async Task GoAsync(string url, string expectedState = "ready")
    {
        await Page.GotoAsync(url);
        await WaitForStateAsync(expectedState);
    }

    /// <summary>Does something that loads a new document (a link, a reload), then waits for its figures.</summary>
    public async Task NavigateByAsync(Func<Task> action, string expectedState = "ready")
    {
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLoad(object? sender, IPage page) => loaded.TrySetResult();
        Page.Load += OnLoad;
        try
        {
            await action();
            await loaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No new page loaded; still at {Page.Url}. Problems: {string.Join("; ", problems)}");
        }
        finally
        {
            Page.Load -= OnLoad;
        }
        await WaitForStateAsync(expectedState);
    }

    /// <summary>Waits until the page has finished loading its figures, and checks how it ended.</summary>
    public async Task WaitForStateAsync(string expectedState = "ready")
    {
        await Page.WaitForFunctionAsync("() => document.body.dataset.state !== 'loading'");
        var state = await Page.EvaluateAsync<string>("() => document.body.dataset.state");
        Assert.True(state == expectedState, $"The page ended in state '{state}', not '{expectedState}': {await Page.InnerTextAsync("main")}");
    }

    public async Task<ChartData> ChartAsync(string name)
    {
        var json = await Page.EvaluateAsync<JsonElement>(
            """
            name => {
              const chart = window.journeyDashboard.charts.get(name);
              if (!chart) return null;
              return { labels: chart.data.labels, datasets: chart.data.datasets.map(d => ({ label: d.label, data: d.data })) };
            }
            """,
            name);
        Assert.True(json.ValueKind == JsonValueKind.Object, $"No chart '{name}' on the page.");
        return new ChartData(
            [.. json.GetProperty("labels").EnumerateArray().Select(l => l.GetString() ?? "")],
            [
                .. json.GetProperty("datasets").EnumerateArray().Select(d => new ChartSeries(
                    d.GetProperty("label").GetString() ?? "",
                    [.. d.GetProperty("data").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble())])),
            ]);
    }

    public async Task<IReadOnlyList<TableRow>> TableAsync(string name)
    {
        var json = await Page.EvaluateAsync<JsonElement>(
            """
            name => [...document.querySelectorAll(`table[data-table="${name}"] tbody tr`)].map(tr => ({
              key: tr.dataset.key ?? '',
              suppressed: tr.classList.contains('suppressed'),
              texts: [...tr.cells].map(c => c.textContent),
              values: [...tr.cells].map(c => c.dataset.value ?? null),
            }))
            """,
            name);
        return
        [
            .. json.EnumerateArray().Select(row => new TableRow(
                row.GetProperty("key").GetString() ?? "",
                row.GetProperty("suppressed").GetBoolean(),
                [.. row.GetProperty("texts").EnumerateArray().Select(t => t.GetString() ?? "")],
                [.. row.GetProperty("values").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? null : v.GetString())])),
        ];
    }

    /// <summary>The headline figures inside <paramref name="scope"/>: name to (raw value, text shown).</summary>
    public async Task<IReadOnlyDictionary<string, (double Value, string Text)>> FiguresAsync(string scope = "main")
    {
        var json = await Page.EvaluateAsync<JsonElement>(
            """
            scope => [...document.querySelector(scope).querySelectorAll('dl.figures > div')]
              .map(d => [d.dataset.figure, d.dataset.value, d.querySelector('dd').textContent])
            """,
            scope);
        return json.EnumerateArray().ToDictionary(
            f => f[0].GetString()!,
            f => (double.Parse(f[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture), f[2].GetString()!));
    }

    /// <summary>A PNG of the full page (or of one element) kept as a test artifact.</summary>
    public async Task<string> ScreenshotAsync(DashboardFixture fixture, string name, string? selector = null, bool fullPage = true)
    {
        var path = Path.Combine(fixture.ScreenshotDir, name + ".png");
        if (selector is null)
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage });
        }
        else
        {
            await Page.Locator(selector).ScreenshotAsync(new LocatorScreenshotOptions { Path = path });
        }
        return path;
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
