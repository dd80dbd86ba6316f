using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Security.Claims;
using System.Security.Cryptography;

namespace Journey.Server.Security;

/// <summary>
/// Bearer tokens this server has validated, so that the thousands of calls an agency makes with one token
/// are not each parsed, signature-checked and mapped to a caller again (a tenth of a unary call's CPU).
/// <list type="bullet">
/// <item>An entry lives until its token expires, and never longer than <see cref="MaxAge"/>: a signing key
/// withdrawn by the issuer or a changed organisation mapping takes effect within that.</item>
/// <item>Only validated tokens enter; a refused one is validated (and refused) again on every call.</item>
/// <item>Tokens are held only as their SHA-256, so the cache keeps no credential a memory dump could replay.</item>
/// <item>Every call gets its own copy of the claims: nothing one request does to its principal reaches another.</item>
/// <item>Bounded: when full, expired entries are dropped; a token that still finds no room is validated each time.</item>
/// </list>
/// </summary>
public sealed class ValidatedTokens(TimeProvider time, int capacity = ValidatedTokens.DefaultCapacity)
{
    public const int DefaultCapacity = 4096;

    /// <summary>How long a token is trusted without validating it again, however long it lives.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<TokenHash, Entry> entries = new();

    public int Count => entries.Count;

    /// <summary>A copy of the principal validated for this token by this scheme, if it is still trusted.</summary>
    public bool TryGet(string scheme, string token, [NotNullWhen(true)] out ClaimsPrincipal? principal)
    {
        var key = TokenHash.Of(token);
        if (entries.TryGetValue(key, out var entry))
        {
            if (time.GetUtcNow() < entry.ExpiresAt && entry.Scheme == scheme)
            {
                principal = Copy(entry.Principal);
                return true;
            }
            entries.TryRemove(new KeyValuePair<TokenHash, Entry>(key, entry));
        }
        principal = null;
        return false;
    }

    /// <summary>Remembers a token the scheme has just validated, until <paramref name="validTo"/> and at most <see cref="MaxAge"/>.</summary>
    public void Add(string scheme, string token, ClaimsPrincipal principal, DateTimeOffset validTo)
    {
        var now = time.GetUtcNow();
        var expiresAt = validTo < now + MaxAge ? validTo : now + MaxAge;
        if (expiresAt <= now)
        {
            return;
        }
        if (entries.Count >= capacity)
        {
            foreach (var (key, entry) in entries)
            {
                if (entry.ExpiresAt <= now)
                {
                    entries.TryRemove(new KeyValuePair<TokenHash, Entry>(key, entry));
                }
            }
            if (entries.Count >= capacity)
            {
                return;
            }
        }
        entries[TokenHash.Of(token)] = new Entry(scheme, Copy(principal), expiresAt);
    }

    private static ClaimsPrincipal Copy(ClaimsPrincipal principal) =>
        new(principal.Identities.Select(identity => identity.Clone()));

    private sealed record Entry(string Scheme, ClaimsPrincipal Principal, DateTimeOffset ExpiresAt);

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D)
    {
        public static TokenHash Of(string token)
        {
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(MemoryMarshal.AsBytes(token.AsSpan()), hash);
            return MemoryMarshal.Read<TokenHash>(hash);
        }
    }
}
