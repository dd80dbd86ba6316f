using System.ComponentModel.DataAnnotations;

namespace Journey.Server.Hosting;

/// <summary>The <c>Journey</c> configuration section. Every key is settable as <c>--Journey:Key=value</c>.</summary>
public sealed class JourneyOptions
{
    public const string SectionName = "Journey";

    /// <summary>Where the embedded store, projection snapshots and development keys live.</summary>
    [Required]
    public string DataDir { get; set; } = "./data";

    /// <summary>The gRPC address: HTTP/2 without TLS by default. Port 0 picks a free port.</summary>
    [Required, Url]
    public string GrpcUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>
    /// The web address (HTTP/1.1): the query API as JSON over HTTP (gRPC JSON transcoding) and the
    /// dashboard. Port 0 picks a free port.
    /// </summary>
    [Required, Url]
    public string WebUrl { get; set; } = "http://127.0.0.1:5081";

    /// <summary><c>Sqlite</c> (the embedded default) or <c>EventStoreDb</c>.</summary>
    public StoreKind Store { get; set; } = StoreKind.Sqlite;

    /// <summary>What this server does: <c>All</c> (the default) or <c>Reader</c>, a read node (<see cref="ServerRole"/>).</summary>
    public ServerRole Role { get; set; } = ServerRole.All;

    /// <summary>The catalog folder; empty means the catalog shipped beside the server.</summary>
    public string? CatalogDir { get; set; }

    public EventStoreDbOptions EventStoreDb { get; set; } = new();

    public PseudonymisationOptions Pseudonymisation { get; set; } = new();

    public OrleansOptions Orleans { get; set; } = new();

    public ProjectionOptions Projections { get; set; } = new();

    public LimitsOptions Limits { get; set; } = new();

    public MemoryOptions Memory { get; set; } = new();
}

public enum StoreKind
{
    Sqlite,
    EventStoreDb,
}

/// <summary>What a server does with the log it shares with others.</summary>
public enum ServerRole
{
    /// <summary>Stores agencies' events and serves every read.</summary>
    All,

    /// <summary>
    /// A read node: on the same log as a server that stores events (the embedded store's data directory, or
    /// the EventStoreDB cluster), it folds its own projections and serves process owners, researchers and
    /// admins, and refuses events. A bulk ingest then never pauses its answers: the ingesting server's
    /// garbage collections stop only that server.
    /// </summary>
    Reader,
}

public sealed class EventStoreDbOptions
{
    /// <summary>e.g. <c>esdb://admin:changeit@node1:2113,node2:2113?tls=true</c>.</summary>
    public string? ConnectionString { get; set; }
}

public sealed class PseudonymisationOptions
{
    /// <summary>
    /// The pseudonymisation key as <c>keyId:base64secret</c>. Required outside Development; in Development
    /// one is generated once and kept in the data directory.
    /// </summary>
    public string? Key { get; set; }
}

public sealed class OrleansOptions
{
    /// <summary>Silo-to-silo port. 0 picks a free port (tests run several servers at once).</summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port. 0 picks a free port.</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; } = 30000;

    public string ClusterId { get; set; } = "journey";

    public string ServiceId { get; set; } = "journey";

    /// <summary>
    /// Grain addresses each silo remembers (Orleans' default is a million). Journeys are written in bursts,
    /// so a cache of the recent ones saves the directory lookups that matter; a cache as large as the number
    /// of journeys ever seen held about 250 bytes per journey long after the journeys went idle.
    /// </summary>
    [Range(0, 10_000_000)]
    public int DirectoryCacheSize { get; set; } = 20_000;
}

public sealed class ProjectionOptions
{
    /// <summary>How often, while events arrive, the projection's state and checkpoint are saved together.</summary>
    /// <remarks>
    /// A restart folds the events after the last save again (at a million or more a second), so a longer interval
    /// costs a restart little. Each save writes every journey's state, ~13 MB at 100,000 journeys, through as many
    /// megabytes of large arrays: every 5 s that was about a third of a read node's CPU at 5,000 events a second, and
    /// collections of the whole heap in the server and the read node alike.
    /// </remarks>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class LimitsOptions
{
    /// <summary>Most events in one batch of a streaming append.</summary>
    [Range(1, 100_000)]
    public int MaxBatchEvents { get; set; } = 5_000;

    /// <summary>Most attributes on one event.</summary>
    [Range(0, 1_000)]
    public int MaxAttributes { get; set; } = 32;

    /// <summary>Longest attribute value, case reference or opaque id, in characters.</summary>
    [Range(1, 100_000)]
    public int MaxValueLength { get; set; } = 512;

    /// <summary>Largest gRPC message the server reads, in bytes; larger ones fail with RESOURCE_EXHAUSTED.</summary>
    [Range(1_024, 64 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Events per second one agency may send (a token bucket); 0 turns the limit off.</summary>
    [Range(0, 100_000_000)]
    public int AgencyEventsPerSecond { get; set; } = 200_000;

    /// <summary>Most events an agency may send at once after a pause; 0 means one second's worth.</summary>
    [Range(0, 100_000_000)]
    public int AgencyBurstEvents { get; set; }

    /// <summary>
    /// Most journey-grain calls ingest has outstanding at once, across all agencies (<see cref="Ingest.JourneyCallGate"/>):
    /// enough for large group commits, few enough that a query is not queued behind a whole burst.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Journey:Limits:JourneyCallsInFlight must be at least 1 (and at most 1,000,000).")]
    public int JourneyCallsInFlight { get; set; } = 256;
}

public sealed class MemoryOptions
{
    /// <summary>Give memory back to the system once the server has been quiet for <see cref="IdleAfter"/>.</summary>
    public bool TrimWhenIdle { get; set; } = true;

    /// <summary>How long the server must be quiet before it trims.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan IdleAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Allocation below this many bytes per second counts as quiet: a dashboard left open, idle journey
    /// grains being collected. Ingest allocates hundreds of megabytes a second.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long QuietBytesPerSecond { get; set; } = 16 * 1024 * 1024;
}
