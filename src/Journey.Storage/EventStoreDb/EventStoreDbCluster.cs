using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Journey.Storage.EventStoreDb.Protocol;
using Microsoft.Extensions.Logging;

namespace Journey.Storage.EventStoreDb;

/// <summary>
/// The nodes of one EventStoreDB cluster as Journey sees them: a gRPC channel per node, the node calls go
/// to now (the leader as far as we know), and what to do when a call fails: follow a not-leader answer to
/// the leader, move on to the next listed node when one is unavailable, give up on anything else.
/// </summary>
internal sealed class EventStoreDbCluster : IDisposable
{
    // What EventStoreDB puts in the trailers of a call a follower refused (RpcExceptions.LeaderInfo).
    internal const string ExceptionKey = "exception";
    internal const string NotLeaderException = "not-leader";
    internal const string LeaderHostKey = "leader-endpoint-host";
    internal const string LeaderPortKey = "leader-endpoint-port";
    private const string AccessDeniedException = "access-denied";
    private const string StreamDeletedException = "stream-deleted";
    private const string StreamNameKey = "stream-name";

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly EventStoreDbConnectionString _settings;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly string? _authorization;
    private readonly Lock _gate = new();
    private readonly Dictionary<DnsEndPoint, (GrpcChannel Channel, Streams.StreamsClient Client)> _nodes = [];
    private DnsEndPoint _current;
    private bool _disposed;

    public EventStoreDbCluster(EventStoreDbConnectionString settings, ILoggerFactory loggerFactory)
    {
        _settings = settings;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<EventStoreDbEventStore>();
        _current = settings.Nodes[0];
        if (settings.UserName is { } user && settings.Password is { } password)
        {
            _authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));
        }
    }

    public EventStoreDbConnectionString Settings => _settings;

    /// <summary>The node calls go to now.</summary>
    public DnsEndPoint Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public Streams.StreamsClient ClientFor(DnsEndPoint node)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_nodes.TryGetValue(node, out var entry))
            {
                var channel = GrpcChannel.ForAddress(Address(node), new GrpcChannelOptions
                {
                    HttpHandler = CreateHandler(),
                    LoggerFactory = _loggerFactory,
                    // Events are small JSON documents, but a page of them is not: lift the 4 MB default.
                    MaxReceiveMessageSize = null,
                });
                entry = (channel, new Streams.StreamsClient(channel));
                _nodes.Add(node, entry);
            }
            return entry.Client;
        }
    }

    /// <summary>
    /// Headers every call carries. requires-leader makes a follower refuse with the leader's address instead of
    /// answering from its possibly stale copy, so reads see every acknowledged append.
    /// </summary>
    public CallOptions CallOptions(bool withDeadline, CancellationToken cancellationToken)
    {
        var headers = new Metadata { { "requires-leader", "true" } };
        if (_authorization is not null)
        {
            headers.Add("authorization", _authorization);
        }
        if (_settings.ConnectionName is { } name)
        {
            headers.Add("connection-name", name);
        }
        return new CallOptions(
            headers,
            withDeadline ? DateTime.UtcNow + _settings.DefaultDeadline : null,
            cancellationToken);
    }

    /// <summary>
    /// Runs one call against the current node; on a not-leader answer retries at once on the leader, on an
    /// unavailable node retries on the next listed node after a doubling back-off, up to
    /// <see cref="EventStoreDbConnectionString.MaxDiscoverAttempts"/> tries in all. Retrying an append is safe:
    /// the same event ids at the same expected revision are idempotent in EventStoreDB.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(string operation, Func<Streams.StreamsClient, CallOptions, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var node = Current;
            try
            {
                return await call(ClientFor(node), CallOptions(withDeadline: true, cancellationToken)).ConfigureAwait(false);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                var failure = Classify(ex);
                if (failure is NodeFailure.Fatal || attempt >= _settings.MaxDiscoverAttempts)
                {
                    if (Translate(ex) is { } translated)
                    {
                        throw translated;
                    }
                    throw;
                }
                var delay = OnFailure(node, failure, attempt);
                EventStoreDbLog.CallRetried(_logger, operation, node.ToString(), ex.StatusCode, attempt, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Records a failure of <paramref name="node"/>: switches to the leader or to the next listed node and
    /// returns how long to wait before the next try.
    /// </summary>
    public TimeSpan OnFailure(DnsEndPoint node, NodeFailure failure, int attempt)
    {
        lock (_gate)
        {
            switch (failure)
            {
                case NodeFailure.NotLeader notLeader:
                    EventStoreDbLog.RedirectedToLeader(_logger, node.ToString(), notLeader.Leader.ToString());
                    _current = notLeader.Leader;
                    return TimeSpan.Zero;
                default:
                    // Another caller may already have moved on from this node; do not skip a second one.
                    if (Equals(_current, node))
                    {
                        var index = IndexOf(_settings.Nodes, node);
                        _current = _settings.Nodes[(index + 1) % _settings.Nodes.Count];
                    }
                    return Backoff(attempt);
            }
        }
    }

    /// <summary>The wait before try <paramref name="attempt"/> + 1: the discovery interval, doubling, at most 5 s.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var factor = Math.Pow(2, Math.Min(attempt - 1, 16));
        var delay = TimeSpan.FromTicks((long)Math.Min(_settings.DiscoveryInterval.Ticks * factor, MaxBackoff.Ticks));
        return delay < _settings.DiscoveryInterval ? _settings.DiscoveryInterval : delay;
    }

    /// <summary>Whether a failed call may be tried again, and where.</summary>
    public static NodeFailure Classify(RpcException ex)
    {
        if (ex.Trailers.GetValue(ExceptionKey) == NotLeaderException)
        {
            var host = ex.Trailers.GetValue(LeaderHostKey);
            var port = ex.Trailers.GetValue(LeaderPortKey);
            if (!string.IsNullOrEmpty(host)
                && int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var portNumber)
                && portNumber is > 0 and <= 65535)
            {
                return new NodeFailure.NotLeader(new DnsEndPoint(host, portNumber));
            }
            // A follower that does not know the leader (an election is under way): try elsewhere later.
            return NodeFailure.Unavailable.Instance;
        }
        return ex.StatusCode == StatusCode.Unavailable ? NodeFailure.Unavailable.Instance : NodeFailure.Fatal.Instance;
    }

    /// <summary>
    /// Whether a subscription that failed this way should be resumed: besides what any call retries, a
    /// stream the transport cut (reset, aborted, server shutting down) is resumed, but not a refusal.
    /// </summary>
    public static bool IsResumable(RpcException ex)
    {
        if (Classify(ex) is not NodeFailure.Fatal)
        {
            return true;
        }
        return ex.StatusCode switch
        {
            // EventStoreDB drops a subscription whose consumer is too slow or times out with Aborted.
            StatusCode.Aborted => true,
            StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled => IsTransportFailure(ex.Status.DebugException),
            _ => false,
        };

        static bool IsTransportFailure(Exception? exception)
        {
            for (var current = exception; current is not null; current = current.InnerException)
            {
                if (current is IOException or HttpRequestException or HttpProtocolException)
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>Turns EventStoreDB's refusals that have a .NET meaning into that exception; null keeps the RpcException.</summary>
    public static Exception? Translate(RpcException ex)
    {
        var exception = ex.Trailers.GetValue(ExceptionKey);
        if (exception == AccessDeniedException || ex.StatusCode is StatusCode.PermissionDenied or StatusCode.Unauthenticated)
        {
            return new UnauthorizedAccessException("EventStoreDB refused the call: the configured user may not do this (check the credentials in the connection string and the stream ACLs).", ex);
        }
        if (exception == StreamDeletedException)
        {
            return new InvalidOperationException($"Stream '{ex.Trailers.GetValue(StreamNameKey)}' is deleted in EventStoreDB.", ex);
        }
        return null;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var (channel, _) in _nodes.Values)
            {
                channel.Dispose();
            }
            _nodes.Clear();
        }
    }

    private static int IndexOf(IReadOnlyList<DnsEndPoint> nodes, DnsEndPoint node)
    {
        for (var i = 0; i < nodes.Count; i++)
        {
            if (Equals(nodes[i], node))
            {
                return i;
            }
        }
        // The node was a leader we were redirected to: start again from the top of the list, whose next is 0.
        return -1;
    }

    private Uri Address(DnsEndPoint node)
    {
        var host = node.Host.Contains(':', StringComparison.Ordinal) ? $"[{node.Host}]" : node.Host;
        return new Uri($"{(_settings.Tls ? "https" : "http")}://{host}:{node.Port.ToString(CultureInfo.InvariantCulture)}");
    }

    private SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler
        {
            // Keep-alive pings detect a dead node on idle subscriptions, which otherwise wait forever.
            KeepAlivePingDelay = _settings.KeepAliveInterval,
            KeepAlivePingTimeout = _settings.KeepAliveTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = _settings.DefaultDeadline,
        };
        if (_settings.Tls)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = CertificateValidator(),
            };
        }
        return handler;
    }

    private RemoteCertificateValidationCallback? CertificateValidator()
    {
        if (!_settings.TlsVerifyCert)
        {
            EventStoreDbLog.CertificateNotVerified(_logger);
            return static (_, _, _, _) => true;
        }
        if (_settings.TlsCaFile is not { } caFile)
        {
            return null;
        }
        // The cluster's own CA (es-gencert-cli) is not in the system store: trust it for these channels only.
        var ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
        return (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            {
                return false;
            }
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
    }
}

/// <summary>Why a call to a node failed, as far as retrying is concerned.</summary>
internal abstract record NodeFailure
{
    /// <summary>A follower refused and named the leader.</summary>
    public sealed record NotLeader(DnsEndPoint Leader) : NodeFailure;

    /// <summary>The node could not be reached or is not ready; another node (or this one later) may answer.</summary>
    public sealed record Unavailable : NodeFailure
    {
        public static readonly Unavailable Instance = new();
    }

    /// <summary>Retrying would not help.</summary>
    public sealed record Fatal : NodeFailure
    {
        public static readonly Fatal Instance = new();
    }
}
