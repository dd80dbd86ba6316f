using System.Net;
using Journey.Domain.Catalog;
using Journey.Domain.Privacy;
using Journey.Server.Admin;
using Journey.Server.Ingest;
using Journey.Server.Projections;
using Journey.Server.Queries;
using Journey.Server.Replay;
using Journey.Server.Security;
using Journey.Storage;
using Journey.Storage.EventStoreDb;
using Journey.Storage.Sqlite;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;

namespace Journey.Server.Hosting;

/// <summary>All of the server's wiring, one area per method; Program.cs only calls these.</summary>
public static class JourneyServerExtensions
{
    public const string EmbeddedStoreFile = "journey.db";
    public const string SnapshotFile = "projections.db";
    public const string AuditStoreFile = "audit.db";

    public static WebApplicationBuilder AddJourneyServer(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<JourneyOptions>()
            .BindConfiguration(JourneyOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<JourneyOptions>, JourneyOptionsValidator>();
        var options = ReadOptions(builder.Configuration);
        UseDataDir(options.DataDir);

        builder.AddJourneyEndpoints(options);
        builder.AddJourneyDomain(options);
        builder.AddJourneyStore(options);
        builder.AddJourneyOrleans(options);
        builder.AddJourneySecurity(options);
        builder.AddJourneyAnalytics();
        return builder;
    }

    /// <summary>
    /// The settings the services are built from. A choice the binder cannot read (<c>Journey:Role=Writer</c>) is refused
    /// here with the choices there are, rather than as the binder's conversion error naming .NET types.
    /// </summary>
    private static JourneyOptions ReadOptions(IConfiguration configuration)
    {
        var section = configuration.GetSection(JourneyOptions.SectionName);
        OneOf<StoreKind>(section, nameof(JourneyOptions.Store));
        OneOf<ServerRole>(section, nameof(JourneyOptions.Role));
        return section.Get<JourneyOptions>() ?? new JourneyOptions();
    }

    /// <summary>The data directory, made if it is not there: one that cannot be is a setting to put right, said so at once.</summary>
    private static void UseDataDir(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new StartupSettingsException($"{JourneyOptions.SectionName}:{nameof(JourneyOptions.DataDir)} '{directory}' cannot be used as the data directory: {e.Message}");
        }
    }

    private static void OneOf<T>(IConfigurationSection section, string key)
        where T : struct, Enum
    {
        if (section[key] is { Length: > 0 } value && !(Enum.TryParse<T>(value, ignoreCase: true, out var choice) && Enum.IsDefined(choice)))
        {
            throw new StartupSettingsException($"{section.Path}:{key} must be {string.Join(" or ", Enum.GetNames<T>())}; it was '{value}'.");
        }
    }

    /// <summary>Where Kestrel listens for <c>Journey:{key}</c>: an IP address (or localhost) and a port, plain or TLS.</summary>
    private static (IPAddress Address, int Port, bool Https) Endpoint(string key, string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
            && (parsed.Host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(parsed.Host, out var ip) ? ip : null) is { } address)
        {
            return (address, parsed.Port, parsed.Scheme == Uri.UriSchemeHttps);
        }
        throw new StartupSettingsException(
            $"{JourneyOptions.SectionName}:{key} must be an http:// or https:// address of an IP address or localhost and a port, such as http://127.0.0.1:5080; it was '{url}'.");
    }

    /// <summary>
    /// Kestrel on the configured gRPC address (HTTP/2) and web address (HTTP/1.1, for JSON over HTTP and the
    /// dashboard), gRPC with health checks and reflection.
    /// </summary>
    public static WebApplicationBuilder AddJourneyEndpoints(this WebApplicationBuilder builder, JourneyOptions options)
    {
        var grpc = Endpoint(nameof(JourneyOptions.GrpcUrl), options.GrpcUrl);
        var web = Endpoint(nameof(JourneyOptions.WebUrl), options.WebUrl);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(grpc.Address, grpc.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (grpc.Https)
                {
                    listen.UseHttps();
                }
            });
            // gRPC needs HTTP/2, browsers and curl speak HTTP/1.1 to a plain port: hence a second endpoint.
            kestrel.Listen(web.Address, web.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (web.Https)
                {
                    listen.UseHttps();
                }
            });
        });
        builder.Services.AddGrpc(grpc => grpc.EnableDetailedErrors = false);
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck<EventStoreHealthCheck>("event-store");
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>The catalog (validated at start-up), pseudonymisation, and the door's validator.</summary>
    public static WebApplicationBuilder AddJourneyDomain(this WebApplicationBuilder builder, JourneyOptions options)
    {
        builder.Services.AddSingleton(_ => string.IsNullOrEmpty(options.CatalogDir)
            ? CatalogLoader.LoadDefault()
            : CatalogLoader.LoadDirectory(options.CatalogDir));
        builder.Services.AddSingleton(sp => new Pseudonymiser(PseudonymKeys.Resolve(
            sp.GetRequiredService<IOptions<JourneyOptions>>().Value, sp.GetRequiredService<IHostEnvironment>())));
        builder.Services.AddSingleton<EventValidator>();
        builder.Services.AddSingleton(sp => new JourneyCallGate(sp.GetRequiredService<IOptions<JourneyOptions>>().Value.Limits.JourneyCallsInFlight));
        return builder;
    }

    /// <summary>The event store named by <c>Journey:Store</c>, and the projections' snapshot file.</summary>
    public static WebApplicationBuilder AddJourneyStore(this WebApplicationBuilder builder, JourneyOptions options)
    {
        builder.Services.AddSingleton<IEventStore>(sp => options.Store switch
        {
            // Opened once at start-up; blocking here is the one place it is harmless.
            StoreKind.Sqlite => SqliteEventStore.OpenAsync(
                // A read node appends no events, so it needs no filter of their ids.
                Path.Combine(options.DataDir, EmbeddedStoreFile), new SqliteEventStoreOptions { BuildIdFilterAtOpen = options.Role == ServerRole.All }).GetAwaiter().GetResult(),
            StoreKind.EventStoreDb => EventStoreDbEventStore.Create(
                string.IsNullOrWhiteSpace(options.EventStoreDb.ConnectionString)
                    ? throw new StartupSettingsException("Journey:Store is EventStoreDb but Journey:EventStoreDb:ConnectionString is not set (e.g. esdb://admin:changeit@localhost:2113?tls=true).")
                    : options.EventStoreDb.ConnectionString,
                sp.GetRequiredService<ILoggerFactory>()),
            _ => throw new StartupSettingsException($"Journey:Store '{options.Store}' is not a store: use Sqlite or EventStoreDb."),
        });
        builder.Services.AddSingleton(_ => new ProjectionSnapshotStore(Path.Combine(options.DataDir, SnapshotFile)));
        // Embedded, the audit trail has a file and a writer of its own: a process owner's read is recorded
        // durably before it is answered, and behind a bulk ingest's transactions in the one writer's queue
        // that took hundreds of milliseconds. EventStoreDB takes many writers at once: the trail stays there.
        if (options.Store == StoreKind.Sqlite)
        {
            builder.Services.AddKeyedSingleton<IEventStore>(AuditTrail.StoreKey, (_, _) =>
                SqliteEventStore.OpenAsync(Path.Combine(options.DataDir, AuditStoreFile), new SqliteEventStoreOptions { WriteLoneAppendsOnCallersThread = true }).GetAwaiter().GetResult());
        }
        builder.Services.AddSingleton(sp => new AuditTrail(
            sp.GetKeyedService<IEventStore>(AuditTrail.StoreKey) ?? sp.GetRequiredService<IEventStore>(),
            sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>
    /// The Orleans silo, in this process. With no configuration it clusters on localhost alone; the
    /// grains hold no state the log cannot give back, so more silos can join.
    /// </summary>
    public static WebApplicationBuilder AddJourneyOrleans(this WebApplicationBuilder builder, JourneyOptions options)
    {
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(options.Orleans.SiloPort, options.Orleans.GatewayPort, serviceId: options.Orleans.ServiceId, clusterId: options.Orleans.ClusterId);
            silo.Configure<GrainCollectionOptions>(collection =>
            {
                collection.CollectionAge = TimeSpan.FromMinutes(2);
                // Idle journeys are collected within seconds of their age limit (JourneyGrain's is short).
                collection.CollectionQuantum = TimeSpan.FromSeconds(15);
            });
            silo.Configure<GrainDirectoryOptions>(directory => directory.CacheSize = options.Orleans.DirectoryCacheSize);
            silo.Services.AddJourneySerialization();
        });
        builder.Services.AddHostedService<ProjectionKeeper>();
        builder.Services.AddSingleton<LeadTimesResponses>();
        builder.Services.AddSingleton<IdleMemoryTrimmer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IdleMemoryTrimmer>());
        return builder;
    }

    /// <summary>
    /// Domain records cross grain calls as JSON, so the pure domain needs no Orleans attributes; the
    /// grains' own messages use generated serializers.
    /// </summary>
    public static IServiceCollection AddJourneySerialization(this IServiceCollection services) =>
        services.AddSerializer(serializer => serializer.AddJsonSerializer(
            isSupported: type => type.Namespace?.StartsWith("Journey.Domain", StringComparison.Ordinal) == true));

    public static WebApplication MapJourneyEndpoints(this WebApplication app)
    {
        // Fail at start-up, naming the file and entry, rather than at the first event.
        _ = app.Services.GetRequiredService<JourneyCatalog>();
        _ = app.Services.GetRequiredService<Pseudonymiser>();
        _ = app.Services.GetRequiredService<IEventStore>();

        app.UseJourneySecurity();
        app.MapGrpcService<IngestService>();
        app.MapGrpcService<LeadTimesService>();
        app.MapGrpcService<AnalyticsService>();
        app.MapGrpcService<AdminService>();
        app.MapGrpcService<ReplayService>();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService();
        app.MapJourneyDashboard();
        return app;
    }
}
