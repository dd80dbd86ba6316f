using System.Security.Claims;

namespace Journey.Server.Security;

/// <summary>
/// Who is calling, as the server established it from a validated token: the organisation, the client,
/// the roles its scopes grant and the agencies it may emit as. Only the claims the server itself added
/// (identity type <see cref="AuthenticationType"/>) count; nothing a token carries is read as a role or
/// agency directly.
/// </summary>
public sealed record CallerIdentity(
    string Organisation,
    string Client,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Agencies,
    string? TokenId)
{
    /// <summary>The authentication type of the identity the server adds to a validated principal.</summary>
    public const string AuthenticationType = "journey";

    public const string RoleClaim = "journey/role";
    public const string AgencyClaim = "journey/agency";
    public const string OrganisationClaim = "journey/organisation";
    public const string ClientClaim = "journey/client";
    public const string TokenIdClaim = "journey/token-id";

    /// <summary>Stands for an unauthenticated caller (only health checks see one).</summary>
    public static readonly CallerIdentity Anonymous = new("anonymous", "anonymous", [], [], null);

    /// <summary>Whether the caller may emit events as <paramref name="agency"/>.</summary>
    public bool MayEmitAs(string agency)
    {
        // Asked for every event ingested: a loop, not an enumerator.
        for (var i = 0; i < Agencies.Count; i++)
        {
            if (string.Equals(Agencies[i], agency, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The key the per-agency rate limit counts under: the agencies the credentials speak for.</summary>
    public string RateKey => Agencies.Count == 0 ? Organisation : string.Join('+', Agencies);

    public static CallerIdentity From(ClaimsPrincipal? principal)
    {
        var identity = principal?.Identities.FirstOrDefault(i => i.IsAuthenticated && i.AuthenticationType == AuthenticationType);
        if (identity is null)
        {
            return Anonymous;
        }
        return new CallerIdentity(
            identity.FindFirst(OrganisationClaim)?.Value ?? "unknown",
            identity.FindFirst(ClientClaim)?.Value ?? "unknown",
            [.. identity.FindAll(RoleClaim).Select(c => c.Value)],
            [.. identity.FindAll(AgencyClaim).Select(c => c.Value)],
            identity.FindFirst(TokenIdClaim)?.Value);
    }

    internal ClaimsIdentity ToClaimsIdentity()
    {
        var identity = new ClaimsIdentity(AuthenticationType, ClientClaim, RoleClaim);
        identity.AddClaim(new Claim(OrganisationClaim, Organisation));
        identity.AddClaim(new Claim(ClientClaim, Client));
        if (TokenId is not null)
        {
            identity.AddClaim(new Claim(TokenIdClaim, TokenId));
        }
        identity.AddClaims(Roles.Select(r => new Claim(RoleClaim, r)));
        identity.AddClaims(Agencies.Select(a => new Claim(AgencyClaim, a)));
        return identity;
    }
}
