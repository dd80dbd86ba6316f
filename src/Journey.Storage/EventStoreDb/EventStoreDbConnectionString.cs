using System.Globalization;
using System.Net;
using System.Text;

namespace Journey.Storage.EventStoreDb;

/// <summary>
/// The settings of an EventStoreDB connection string,
/// <c>esdb://[user:password@]host[:port][,host[:port]…][?key=value&amp;…]</c>, with the key names of the
/// official clients so that the same string works for them and for Journey. Journey lists the nodes
/// itself (no gossip discovery) and always talks to the leader: a follower answers "not leader" with
/// the leader's address and the call is sent there.
/// </summary>
public sealed record EventStoreDbConnectionString
{
    /// <summary>The port of EventStoreDB's HTTP/gRPC interface when a node names none.</summary>
    public const int DefaultPort = 2113;

    private static readonly string[] SupportedKeys =
    [
        "tls", "tlsVerifyCert", "tlsCaFile", "defaultDeadline", "keepAliveInterval", "keepAliveTimeout",
        "maxDiscoverAttempts", "discoveryInterval", "connectionName", "nodePreference",
    ];

    /// <summary>The nodes to try, in order; at least one.</summary>
    public required IReadOnlyList<DnsEndPoint> Nodes { get; init; }

    /// <summary>Whether to use TLS (https); EventStoreDB runs secure by default, so this defaults to true.</summary>
    public bool Tls { get; init; } = true;

    /// <summary>Whether to verify the server certificate; turn off only for throw-away test clusters.</summary>
    public bool TlsVerifyCert { get; init; } = true;

    /// <summary>A PEM or DER file with the CA that signed the nodes' certificates, when it is not a system-trusted CA.</summary>
    public string? TlsCaFile { get; init; }

    /// <summary>The user for HTTP basic authentication; null for anonymous access.</summary>
    public string? UserName { get; init; }

    /// <summary>The password of <see cref="UserName"/>. Never printed by <see cref="ToString"/>.</summary>
    public string? Password { get; init; }

    /// <summary>The deadline of each call that is not a subscription (<c>defaultDeadline</c>, in milliseconds).</summary>
    public TimeSpan DefaultDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The HTTP/2 keep-alive ping interval; <see cref="Timeout.InfiniteTimeSpan"/> turns pings off.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a keep-alive ping may go unanswered before the connection is considered dead.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many times a call is tried (first try included) on unavailable nodes and leader changes.</summary>
    public int MaxDiscoverAttempts { get; init; } = 10;

    /// <summary>The first back-off delay after an unavailable node; it doubles with each further try.</summary>
    public TimeSpan DiscoveryInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Sent to the server as the <c>connection-name</c> header so operators can tell clients apart.</summary>
    public string? ConnectionName { get; init; }

    /// <summary>
    /// Parses a connection string. Keys are case-insensitive; unknown keys, repeated keys and malformed
    /// values are refused with a <see cref="FormatException"/> that names the offending part.
    /// </summary>
    public static EventStoreDbConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var text = connectionString.Trim();
        if (text.Length == 0)
        {
            throw new FormatException("The EventStoreDB connection string is empty; expected esdb://host:2113?tls=true.");
        }

        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw new FormatException("The EventStoreDB connection string must start with esdb:// (for example esdb://localhost:2113?tls=false).");
        }
        var scheme = text[..schemeEnd].ToLowerInvariant();
        if (scheme is "esdb+discover" or "kurrentdb+discover")
        {
            throw new FormatException($"{scheme}:// (discovery through gossip) is not supported; list the cluster nodes instead: esdb://node1:2113,node2:2113,node3:2113.");
        }
        if (scheme is not ("esdb" or "kurrentdb"))
        {
            throw new FormatException($"Unknown scheme '{text[..schemeEnd]}://' in the EventStoreDB connection string; expected esdb://.");
        }

        var rest = text[(schemeEnd + 3)..];
        var queryStart = rest.IndexOf('?', StringComparison.Ordinal);
        var authority = queryStart < 0 ? rest : rest[..queryStart];
        var query = queryStart < 0 ? string.Empty : rest[(queryStart + 1)..];
        authority = authority.TrimEnd('/');
        if (authority.Contains('/', StringComparison.Ordinal))
        {
            throw new FormatException("The EventStoreDB connection string has a path; only esdb://[user:password@]host:port[,host:port]?options is allowed.");
        }

        string? user = null;
        string? password = null;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            (user, password) = ParseUserInfo(authority[..at]);
            authority = authority[(at + 1)..];
        }

        var settings = new EventStoreDbConnectionString { Nodes = ParseNodes(authority), UserName = user, Password = password };
        return ApplyOptions(settings, query);
    }

    /// <summary>The connection string in canonical form, with the password masked.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder("esdb://");
        if (UserName is not null)
        {
            builder.Append(Uri.EscapeDataString(UserName)).Append(":***@");
        }
        builder.AppendJoin(',', Nodes.Select(FormatNode));
        builder.Append(CultureInfo.InvariantCulture, $"?tls={(Tls ? "true" : "false")}&tlsVerifyCert={(TlsVerifyCert ? "true" : "false")}");
        if (TlsCaFile is not null)
        {
            builder.Append("&tlsCaFile=").Append(Uri.EscapeDataString(TlsCaFile));
        }
        builder.Append(CultureInfo.InvariantCulture, $"&defaultDeadline={(long)DefaultDeadline.TotalMilliseconds}");
        builder.Append(CultureInfo.InvariantCulture, $"&keepAliveInterval={Milliseconds(KeepAliveInterval)}&keepAliveTimeout={Milliseconds(KeepAliveTimeout)}");
        builder.Append(CultureInfo.InvariantCulture, $"&maxDiscoverAttempts={MaxDiscoverAttempts}&discoveryInterval={(long)DiscoveryInterval.TotalMilliseconds}");
        if (ConnectionName is not null)
        {
            builder.Append("&connectionName=").Append(Uri.EscapeDataString(ConnectionName));
        }
        return builder.ToString();

        static string FormatNode(DnsEndPoint node) =>
            (node.Host.Contains(':', StringComparison.Ordinal) ? $"[{node.Host}]" : node.Host) + ":" + node.Port.ToString(CultureInfo.InvariantCulture);

        static long Milliseconds(TimeSpan value) => value == Timeout.InfiniteTimeSpan ? -1 : (long)value.TotalMilliseconds;
    }

    private static (string User, string Password) ParseUserInfo(string userInfo)
    {
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            throw new FormatException("The credentials in the EventStoreDB connection string need a password: esdb://user:password@host:2113.");
        }
        var user = Uri.UnescapeDataString(userInfo[..colon]);
        var password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        if (user.Length == 0 || password.Length == 0)
        {
            throw new FormatException("The credentials in the EventStoreDB connection string have an empty user name or password.");
        }
        return (user, password);
    }

    private static List<DnsEndPoint> ParseNodes(string authority)
    {
        if (authority.Length == 0)
        {
            throw new FormatException("The EventStoreDB connection string names no node; expected esdb://host:2113.");
        }
        var nodes = new List<DnsEndPoint>();
        foreach (var part in authority.Split(','))
        {
            var node = part.Trim();
            string host;
            string? port = null;
            if (node.StartsWith('['))
            {
                // An IPv6 literal: [::1]:2113.
                var close = node.IndexOf(']', StringComparison.Ordinal);
                if (close < 0)
                {
                    throw new FormatException($"The node '{node}' in the EventStoreDB connection string has an unclosed '['.");
                }
                host = node[1..close];
                var after = node[(close + 1)..];
                if (after.Length > 0)
                {
                    if (!after.StartsWith(':'))
                    {
                        throw new FormatException($"The node '{node}' in the EventStoreDB connection string is not host:port.");
                    }
                    port = after[1..];
                }
            }
            else
            {
                var colon = node.IndexOf(':', StringComparison.Ordinal);
                host = colon < 0 ? node : node[..colon];
                port = colon < 0 ? null : node[(colon + 1)..];
            }
            if (host.Length == 0)
            {
                throw new FormatException($"A node in the EventStoreDB connection string has no host ('{node}').");
            }
            var portNumber = DefaultPort;
            if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out portNumber) || portNumber is < 1 or > 65535))
            {
                throw new FormatException($"The port '{port}' of node '{host}' in the EventStoreDB connection string is not a number from 1 to 65535.");
            }
            nodes.Add(new DnsEndPoint(host, portNumber));
        }
        return nodes;
    }

    private static EventStoreDbConnectionString ApplyOptions(EventStoreDbConnectionString settings, string query)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"The option '{pair}' in the EventStoreDB connection string is not key=value.");
            }
            var key = pair[..equals];
            var value = Uri.UnescapeDataString(pair[(equals + 1)..]);
            var known = SupportedKeys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
                ?? throw new FormatException($"Unknown option '{key}' in the EventStoreDB connection string; supported: {string.Join(", ", SupportedKeys)}.");
            if (!seen.Add(known))
            {
                throw new FormatException($"The option '{known}' appears more than once in the EventStoreDB connection string.");
            }
            settings = known switch
            {
                "tls" => settings with { Tls = ParseBool(known, value) },
                "tlsVerifyCert" => settings with { TlsVerifyCert = ParseBool(known, value) },
                "tlsCaFile" => settings with { TlsCaFile = value.Length > 0 ? value : throw new FormatException("The option 'tlsCaFile' in the EventStoreDB connection string is empty.") },
                "defaultDeadline" => settings with { DefaultDeadline = ParseMilliseconds(known, value, allowInfinite: false) },
                "keepAliveInterval" => settings with { KeepAliveInterval = ParseMilliseconds(known, value, allowInfinite: true) },
                "keepAliveTimeout" => settings with { KeepAliveTimeout = ParseMilliseconds(known, value, allowInfinite: true) },
                "maxDiscoverAttempts" => settings with { MaxDiscoverAttempts = ParsePositive(known, value) },
                "discoveryInterval" => settings with { DiscoveryInterval = ParseMilliseconds(known, value, allowInfinite: false) },
                "connectionName" => settings with { ConnectionName = value },
                "nodePreference" => string.Equals(value, "leader", StringComparison.OrdinalIgnoreCase)
                    ? settings
                    : throw new FormatException($"nodePreference={value} is not supported: Journey reads and writes on the leader only (nodePreference=leader)."),
                _ => throw new FormatException($"Unknown option '{key}' in the EventStoreDB connection string."),
            };
        }
        if (settings.TlsCaFile is not null && !settings.Tls)
        {
            throw new FormatException("The option 'tlsCaFile' needs tls=true in the EventStoreDB connection string.");
        }
        return settings;
    }

    private static bool ParseBool(string key, string value) =>
        bool.TryParse(value, out var result)
            ? result
            : throw new FormatException($"The option '{key}' in the EventStoreDB connection string must be true or false, not '{value}'.");

    private static int ParsePositive(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var result) && result > 0
            ? result
            : throw new FormatException($"The option '{key}' in the EventStoreDB connection string must be a positive whole number, not '{value}'.");

    private static TimeSpan ParseMilliseconds(string key, string value, bool allowInfinite)
    {
        if (allowInfinite && value == "-1")
        {
            return Timeout.InfiniteTimeSpan;
        }
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds > 0
            ? TimeSpan.FromMilliseconds(milliseconds)
            : throw new FormatException($"The option '{key}' in the EventStoreDB connection string must be a positive number of milliseconds{(allowInfinite ? " or -1 (off)" : string.Empty)}, not '{value}'.");
    }
}
