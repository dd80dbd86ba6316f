using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Journey.Cli.Commands;
using Journey.Server.Hosting;
using Journey.Server.Projections;
using Journey.Server.Queries;
using Journey.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Infrastructure;

/// <summary>
/// The real server — Kestrel on loopback, the Orleans silo, the SQLite store in a temp data directory —
/// wired exactly as Program.cs wires it, on free ports so test classes can run side by side.
/// </summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<(string Role, string? Agency), GrpcChannel> channels = new();

    private RunningServer(WebApplication app, string dataDir, string address, string webAddress)
    {
        this.app = app;
        DataDir = dataDir;
        Address = address;
        WebAddress = webAddress;
        Channel = GrpcChannel.ForAddress(address);
    }

    public string DataDir { get; }

    /// <summary>The gRPC address, e.g. http://127.0.0.1:41234.</summary>
    public string Address { get; }

    /// <summary>The web address (HTTP/1.1: JSON over HTTP, the dashboard), e.g. http://127.0.0.1:41235.</summary>
    public string WebAddress { get; }

    public GrpcChannel Channel { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>
    /// A channel whose calls carry a fresh development token for the role (and, for agencies, as that
    /// agency), signed with the key the server keeps in its data directory. <see cref="Channel"/> is
    /// the unauthenticated one.
    /// </summary>
    public GrpcChannel ChannelFor(string role, string? agency = null) =>
        channels.GetOrAdd((role, agency), key => CommonOptions.Channel(Address, Tokens, key.Role, key.Agency));

    /// <summary>Development tokens for this server, e.g. for <see cref="SimulateCommand.RunAsync"/>.</summary>
    public TokenSource Tokens => TokenSource.Development(
        DevelopmentTokens.TryLoadKey(DataDir) ?? throw new InvalidOperationException("The server made no development key: is it running in Development?"));

    /// <summary>A development token for the role, as a CLI user would pass it with --token.</summary>
    public string TokenFor(string role, string? agency = null) => Tokens.TokenFor(role, agency)!;

    /// <summary>Ingest as <paramref name="agency"/>: each agency's events need that agency's credentials.</summary>
    public Contract.Ingest.IngestClient IngestAs(string agency) => new(ChannelFor(JourneyRoles.Agency, agency));

    /// <summary>Streams events as their agencies would, one stream per agency; the results in the order given.</summary>
    public async Task<IReadOnlyList<Contract.EventResult>> AppendAsAgenciesAsync(IEnumerable<Contract.JourneyEvent> events)
    {
        var all = events.Select((e, i) => (Event: e, Index: i)).ToList();
        var results = new Contract.EventResult[all.Count];
        foreach (var agency in all.GroupBy(x => x.Event.Agency, StringComparer.Ordinal))
        {
            var batch = new Contract.AppendBatchRequest();
            batch.Events.AddRange(agency.Select(x => x.Event));
            using var call = IngestAs(agency.Key).AppendStream();
            await call.RequestStream.WriteAsync(batch);
            await call.RequestStream.CompleteAsync();
            var response = Assert.Single(await call.ResponseStream.ReadAllAsync().ToListAsync());
            foreach (var (result, original) in response.Results.Zip(agency))
            {
                results[original.Index] = result;
            }
        }
        return results;
    }

    public Contract.LeadTimes.LeadTimesClient LeadTimes => new(ChannelFor(JourneyRoles.ProcessOwner));

    /// <summary>A process owner's lead times once the projection has folded every event of <paramref name="appended"/>.</summary>
    public Task<Contract.LeadTimesReport> LeadTimesAfterAsync(IReadOnlyList<Contract.EventResult> appended, string? journeyType = null, TimeSpan? timeout = null) =>
        Wait.UntilAsync(
            async () => await LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest { JourneyType = journeyType ?? "" }),
            r => r.Checkpoint >= appended.Max(a => a.Accepted.Position),
            "the projection to fold the appended events",
            timeout);

    /// <summary>
    /// The live projection's own figures, in their journey.v1 form but with no group suppressed: what a
    /// process owner would see of it without k-anonymity. For tests of the fold itself, whose journeys are
    /// fewer than k; what process owners get is <see cref="LeadTimes"/>.
    /// </summary>
    public async Task<Contract.LeadTimesReport> ProjectionFiguresAsync(string? journeyType = null)
    {
        var report = await app.Services.GetRequiredService<IGrainFactory>()
            .GetGrain<ILeadTimeProjectionGrain>(LeadTimeProjectionGrain.Key).GetReportAsync();
        return LeadTimesMapping.ToContract(report, journeyType);
    }

    public Contract.Admin.AdminClient Admin => new(ChannelFor(JourneyRoles.Admin));

    /// <summary>Starts a server; pass the data directory of a stopped one to restart it.</summary>
    /// <remarks>
    /// Its ports are free when chosen, but tests start servers in parallel, and another may take a port between
    /// the choice and the bind: then it starts again on other ports.
    /// </remarks>
    public static async Task<RunningServer> StartAsync(
        string? dataDir = null, IEnumerable<string>? settings = null, ILoggerProvider? logs = null, string environment = "Development")
    {
        dataDir ??= TempDirectory.Create("journey-server");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortsAsync(dataDir, settings, logs, environment);
            }
            catch (Exception ex) when (attempt < 5 && IsPortTaken(ex))
            {
            }
        }
    }

    private static bool IsPortTaken(Exception ex) =>
        ex is Microsoft.AspNetCore.Connections.AddressInUseException
        || ex.InnerException is { } inner && IsPortTaken(inner)
        || ex is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse };

    private static async Task<RunningServer> StartOnFreePortsAsync(string dataDir, IEnumerable<string>? settings, ILoggerProvider? logs, string environment)
    {
        var webAddress = $"http://127.0.0.1:{FreePort()}";
        var args = new List<string>
        {
            $"--Journey:DataDir={dataDir}",
            "--Journey:GrpcUrl=http://127.0.0.1:0",
            $"--Journey:WebUrl={webAddress}",
            $"--Journey:Orleans:SiloPort={FreePort()}",
            $"--Journey:Orleans:GatewayPort={FreePort()}",
            $"--Journey:CatalogDir={Path.Combine(AppContext.BaseDirectory, "catalog")}",
            "--Journey:Projections:SnapshotInterval=00:00:00.500",
        };
        args.AddRange(settings ?? []);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [.. args],
            EnvironmentName = environment,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }
        builder.AddJourneyServer();
        var app = builder.Build();
        app.MapJourneyEndpoints();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        // The web endpoint's port was chosen above; the gRPC endpoint's is whichever Kestrel picked.
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => a.Replace("[::]", "127.0.0.1", StringComparison.Ordinal))
            .Single(a => a != webAddress);
        return new RunningServer(app, dataDir, address, webAddress);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        foreach (var channel in channels.Values)
        {
            channel.Dispose();
        }
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Folders of the system's temporary directory for the tests of this process, deleted when the process exits: a server's
/// data directory outlives the server (a test may start another on it), so no test can delete it when done.
/// </summary>
public static class TempDirectory
{
    private static readonly System.Collections.Concurrent.ConcurrentBag<string> Created = [];

    static TempDirectory() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteAll();

    public static string Create(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        Created.Add(path);
        return path;
    }

    private static void DeleteAll()
    {
        foreach (var path in Created)
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Only tidying: a folder left behind costs disk space, not a result.
            }
        }
    }
}
