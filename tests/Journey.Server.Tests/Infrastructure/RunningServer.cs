using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Journey.Server.Hosting;
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

    private RunningServer(WebApplication app, string dataDir, string address)
    {
        this.app = app;
        DataDir = dataDir;
        Address = address;
        Channel = GrpcChannel.ForAddress(address);
    }

    public string DataDir { get; }

    /// <summary>The gRPC address, e.g. http://127.0.0.1:41234.</summary>
    public string Address { get; }

    public GrpcChannel Channel { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>
    /// A channel that calls as the given role (and, for agencies, as that agency). Tests that exercise
    /// a role's rights use this; <see cref="Channel"/> is the unauthenticated default.
    /// </summary>
    public GrpcChannel ChannelFor(string role, string? agency = null) => Channel;

    public Contract.Ingest.IngestClient Ingest => new(Channel);

    public Contract.LeadTimes.LeadTimesClient LeadTimes => new(Channel);

    public Contract.Admin.AdminClient Admin => new(Channel);

    /// <summary>Starts a server; pass the data directory of a stopped one to restart it.</summary>
    public static async Task<RunningServer> StartAsync(string? dataDir = null, IEnumerable<string>? settings = null, ILoggerProvider? logs = null)
    {
        dataDir ??= TempDirectory.Create("journey-server");
        var args = new List<string>
        {
            $"--Journey:DataDir={dataDir}",
            "--Journey:GrpcUrl=http://127.0.0.1:0",
            $"--Journey:Orleans:SiloPort={FreePort()}",
            $"--Journey:Orleans:GatewayPort={FreePort()}",
            $"--Journey:CatalogDir={Path.Combine(AppContext.BaseDirectory, "catalog")}",
            "--Journey:Projections:SnapshotInterval=00:00:00.500",
        };
        args.AddRange(settings ?? []);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [.. args],
            EnvironmentName = Environments.Development,
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
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RunningServer(app, dataDir, address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
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

public static class TempDirectory
{
    public static string Create(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
