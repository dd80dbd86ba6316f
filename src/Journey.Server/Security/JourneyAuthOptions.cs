using System.ComponentModel.DataAnnotations;

namespace Journey.Server.Security;

/// <summary>
/// The <c>Journey:Auth</c> section: how access tokens issued to organisations (Maskinporten) are
/// validated and what they grant. Outside Development, <see cref="Issuer"/>, <see cref="Audience"/> and
/// a source of signing keys are required; the server refuses to start without them.
/// </summary>
public sealed class JourneyAuthOptions
{
    public const string SectionName = "Journey:Auth";

    /// <summary>The token issuer, e.g. <c>https://maskinporten.no/</c> (test: <c>https://test.maskinporten.no/</c>).</summary>
    public string? Issuer { get; set; }

    /// <summary>The audience the tokens must be restricted to, as the clients request it (<c>resource</c>).</summary>
    public string? Audience { get; set; }

    /// <summary>
    /// Where the issuer publishes its metadata and keys, e.g. <c>https://maskinporten.no/</c>; the keys are
    /// fetched from <c>{Authority}/.well-known/oauth-authorization-server</c> and refreshed as they rotate.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>The metadata document, when it is not at the <see cref="Authority"/>'s well-known address.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>Metadata is fetched over HTTPS only, unless turned off here (never in production).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// Signing keys given directly instead of (or besides) metadata: each a PEM public key
    /// (<c>-----BEGIN PUBLIC KEY-----</c>), a JWK or a JWK set.
    /// </summary>
    public List<string> SigningKeys { get; set; } = [];

    /// <summary>Tolerance for clock differences when checking a token's lifetime.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Organisations that emit as a catalog agency without the catalog naming them, organisation number
    /// to agency id: every municipality as <c>kommune</c>, every health trust as <c>helseforetak</c>.
    /// </summary>
    public Dictionary<string, string> Organisations { get; set; } = [];

    /// <summary>The scope that grants each role.</summary>
    public ScopeOptions Scopes { get; set; } = new();

    /// <summary>Whether anything is configured for tokens from a real issuer.</summary>
    public bool IssuerConfigured => !string.IsNullOrWhiteSpace(Issuer);
}

/// <summary>The scopes (as Maskinporten grants them to an organisation) that carry each role.</summary>
public sealed class ScopeOptions
{
    [Required]
    public string Agency { get; set; } = "journey:ingest";

    [Required]
    public string ProcessOwner { get; set; } = "journey:read";

    [Required]
    public string Researcher { get; set; } = "journey:research";

    [Required]
    public string Admin { get; set; } = "journey:admin";

    /// <summary>Role name to scope, for every role in <see cref="JourneyRoles.All"/>.</summary>
    public IReadOnlyDictionary<string, string> ByRole() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [JourneyRoles.Agency] = Agency,
        [JourneyRoles.ProcessOwner] = ProcessOwner,
        [JourneyRoles.Researcher] = Researcher,
        [JourneyRoles.Admin] = Admin,
    };
}
