using System.Net.Http.Headers;
using System.Text.Json;
using Journey.Cli.Commands;
using Journey.Domain.Events;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;
using Journey.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Dashboard;

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "Dashboard";
}

/// <summary>
/// One server fed with simulated journeys, and one headless Chromium, shared by the dashboard's tests.
/// The browser is Debian's Chromium driven by Playwright's bundled driver: nothing is downloaded.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    /// <summary>Enough journeys that most figures show, few enough that some months fall under k and are suppressed.</summary>
    public const int Journeys = 300;

    private const int Seed = 7;

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
    ];

    private RunningServer? server;
    private IPlaywright? playwright;
    private IBrowser? browser;

    public RunningServer Server => server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Null when Chromium is not installed; the browser tests skip then.</summary>
    public IBrowser? Browser => browser;

    /// <summary>A process owner's development token, good for the whole run.</summary>
    public string ProcessOwnerToken { get; private set; } = "";

    public HttpClient Api { get; } = new();

    public string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    /// <summary>Where Chromium is: JOURNEY_CHROMIUM, else the usual Debian and Ubuntu paths.</summary>
    public static string? ChromiumPath { get; } = FindChromium();

    public static string SkipReason =>
        "Chromium is not installed (looked at $JOURNEY_CHROMIUM, /usr/bin/chromium, /usr/bin/chromium-browser); " +
        "CI installs it with `apt-get install chromium` (see .ci/run).";

    public async Task InitializeAsync()
    {
        server = await RunningServer.StartAsync();
        var sent = await SimulateCommand.RunAsync(server.Address, Journeys, Seed, batchSize: 250, CancellationToken.None, server.Tokens);
        if (sent.Values.Any(c => c.Rejected > 0))
        {
            throw new InvalidOperationException($"The simulation was refused: {string.Join("; ", sent.Values.SelectMany(c => c.FirstRejections))}");
        }
        await WaitForProjectionAsync(server);

        var key = DevelopmentTokens.TryLoadKey(server.DataDir) ?? throw new InvalidOperationException("The Development server made no token key.");
        ProcessOwnerToken = DevelopmentTokens.Create(key, JourneyRoles.ProcessOwner, null, TimeSpan.FromHours(2));
        Api.BaseAddress = new Uri(server.WebAddress);
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ProcessOwnerToken);

        Directory.CreateDirectory(ScreenshotDir);
        if (ChromiumPath is not null)
        {
            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
            });
        }
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }
        playwright?.Dispose();
        Api.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>The query API's answer, as the page asks for it: JSON over HTTP with the process owner's token.</summary>
    public async Task<JsonElement> QueryAsync(string method, string? journeyType = null, string? from = null, string? to = null, string? agency = null)
    {
        var query = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }
        Add("journeyType", journeyType);
        Add("fromMonth", from);
        Add("toMonth", to);
        Add("agency", agency);
        var path = $"/v1/analytics/{method}" + (query.Count > 0 ? "?" + string.Join("&", query) : "");
        using var response = await Api.GetAsync(path);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private static async Task WaitForProjectionAsync(RunningServer server)
    {
        var store = server.Services.GetRequiredService<IEventStore>();
        var last = await store.ReadAllAsync(ReadDirection.Backwards, maxCount: 1, filter: StreamFilter.Prefix(JourneyId.StreamCategory + "-")).FirstOrDefaultAsync();
        await Wait.UntilAsync(
            async () => await server.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest()),
            report => report.Checkpoint >= (last?.Position ?? 0),
            "the projection to catch up with the simulated journeys",
            TimeSpan.FromSeconds(60));
    }

    private static string? FindChromium()
    {
        var configured = Environment.GetEnvironmentVariable("JOURNEY_CHROMIUM");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? configured : null;
        }
        return new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
    }
}
