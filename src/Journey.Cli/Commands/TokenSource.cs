using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Journey.Cli.Commands;

/// <summary>The roles the server grants, by the names its policies use.</summary>
public static class Roles
{
    public const string Agency = "agency";
    public const string ProcessOwner = "process-owner";
    public const string Researcher = "researcher";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Agency, ProcessOwner, Researcher, Admin];

    /// <summary>The scope that carries each role, as the server maps them by default.</summary>
    public static string Scope(string role) => role switch
    {
        Agency => "journey:ingest",
        ProcessOwner => "journey:read",
        Researcher => "journey:research",
        Admin => "journey:admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), $"'{role}' is not a role: use {string.Join(", ", All)}."),
    };
}

/// <summary>
/// Where a command's bearer tokens come from: <c>--token</c>, else the <c>JOURNEY_TOKEN</c> environment
/// variable, else tokens it signs itself with a Development server's key from the data directory, for
/// exactly the role (and agency) each call needs. With none of these, calls go without a token.
/// </summary>
public sealed class TokenSource
{
    public const string EnvironmentVariable = "JOURNEY_TOKEN";

    private readonly Func<string, string?, string?> tokenFor;

    private TokenSource(string description, Func<string, string?, string?> tokenFor)
    {
        Description = description;
        this.tokenFor = tokenFor;
    }

    /// <summary>Says where the tokens come from, for messages.</summary>
    public string Description { get; }

    public static TokenSource None { get; } = new("no token", (_, _) => null);

    /// <summary>One token for every call, whatever it grants.</summary>
    public static TokenSource Fixed(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        return new("the given token", (_, _) => token);
    }

    /// <summary>A fresh development token for each call, signed with <paramref name="key"/>.</summary>
    public static TokenSource Development(byte[] key, TimeSpan? lifetime = null) =>
        new("development tokens", (role, agency) => DevelopmentTokens.Create(key, role, agency, lifetime ?? DevelopmentTokens.CallLifetime));

    /// <summary><c>--token</c>, <c>JOURNEY_TOKEN</c>, the development key in <paramref name="dataDir"/>, or none, in that order.</summary>
    public static TokenSource Resolve(string? token, string dataDir)
    {
        if (!string.IsNullOrWhiteSpace(token))
        {
            return Fixed(token.Trim());
        }
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment && !string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Fixed(fromEnvironment.Trim());
        }
        return DevelopmentTokens.TryLoadKey(dataDir) is { } key ? Development(key) : None;
    }

    /// <summary>The token for a call in <paramref name="role"/> (as <paramref name="agency"/>), or null.</summary>
    public string? TokenFor(string role, string? agency = null) => tokenFor(role, agency);
}

/// <summary>
/// Tokens a Development server accepts: HS256 JWTs signed with the key the server keeps in its data
/// directory. The file name, issuer, audience and claims are the server's (Journey.Server.Security.DevelopmentTokenKey).
/// </summary>
public static class DevelopmentTokens
{
    public const string KeyFile = "dev-token-signing.key";
    public const string Issuer = "journey-development";
    public const string Audience = "journey";
    public const string KeyId = "journey-dev";
    public const string AgencyClaim = "journey_agency";

    /// <summary>Tokens the CLI signs for its own calls: a call starts well within this.</summary>
    public static readonly TimeSpan CallLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The development key in <paramref name="dataDir"/>, or null when there is none.</summary>
    public static byte[]? TryLoadKey(string dataDir)
    {
        var path = Path.Combine(dataDir, KeyFile);
        if (!File.Exists(path))
        {
            return null;
        }
        var text = File.ReadAllText(path).Trim();
        var key = new byte[text.Length];
        return Convert.TryFromBase64String(text, key, out var length) && length >= 32
            ? key[..length]
            : throw new InvalidOperationException($"{path} is not a development token key; delete it and restart the server in Development.");
    }

    /// <summary>A signed token for <paramref name="role"/>, as <paramref name="agency"/> when the role is agency.</summary>
    public static string Create(byte[] key, string role, string? agency, TimeSpan lifetime, DateTimeOffset? now = null)
    {
        var scope = Roles.Scope(role);
        var issued = (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var header = Json(w =>
        {
            w.WriteString("alg", "HS256");
            w.WriteString("kid", KeyId);
            w.WriteString("typ", "JWT");
        });
        var payload = Json(w =>
        {
            w.WriteString("iss", Issuer);
            w.WriteString("aud", Audience);
            w.WriteString("sub", agency is null ? $"dev-{role}" : $"dev-{role}-{agency}");
            w.WriteString("client_id", "journey-cli");
            w.WriteString("scope", scope);
            if (agency is not null)
            {
                w.WriteString(AgencyClaim, agency);
            }
            w.WriteNumber("iat", issued);
            w.WriteNumber("nbf", issued);
            w.WriteNumber("exp", issued + (long)lifetime.TotalSeconds);
            w.WriteString("jti", Guid.NewGuid().ToString());
        });
        var signingInput = Base64Url(header) + "." + Base64Url(payload);
        var signature = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url(signature);
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
