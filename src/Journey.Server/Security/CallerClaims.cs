using System.Security.Claims;
using System.Text.Json;
using Journey.Domain.Catalog;
using Journey.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Journey.Server.Security;

/// <summary>
/// Turns the claims of a validated token into a <see cref="CallerIdentity"/>: roles from the scopes the
/// issuer granted, the organisation from Maskinporten's <c>consumer</c> claim, and from that organisation
/// the catalog agencies it may emit as (its own, those configured for it, and those it operates).
/// </summary>
public sealed class CallerClaims
{
    // Maskinporten names the consumer as an ISO 6523 actor id; 0192 is the scheme of Norwegian organisation numbers.
    private const string ConsumerAuthority = "iso6523-actorid-upis";
    private const string NorwegianOrganisationPrefix = "0192:";

    private readonly JourneyCatalog catalog;
    private readonly Dictionary<string, string> roleByScope;
    private readonly Dictionary<string, string[]> agenciesByOrganisation;

    public CallerClaims(JourneyCatalog catalog, IOptions<JourneyAuthOptions> options)
    {
        this.catalog = catalog;
        roleByScope = options.Value.Scopes.ByRole().ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        agenciesByOrganisation = MapOrganisations(catalog, options.Value.Organisations);
    }

    /// <summary>A token from the configured issuer: the organisation is the one Maskinporten vouches for.</summary>
    public CallerIdentity FromIssuedToken(ClaimsPrincipal principal)
    {
        var organisation = Organisation(principal);
        var agencies = organisation is not null && agenciesByOrganisation.TryGetValue(organisation, out var known) ? known : [];
        return new CallerIdentity(
            organisation ?? "unknown",
            principal.FindFirst("client_id")?.Value ?? principal.FindFirst("sub")?.Value ?? "unknown",
            Roles(principal),
            agencies,
            principal.FindFirst("jti")?.Value);
    }

    /// <summary>A development token: no organisation behind it, so it names its agency itself.</summary>
    public CallerIdentity FromDevelopmentToken(ClaimsPrincipal principal)
    {
        var agency = principal.FindFirst(DevelopmentTokenKey.AgencyClaim)?.Value;
        return new CallerIdentity(
            "development",
            principal.FindFirst("sub")?.Value ?? "unknown",
            Roles(principal),
            agency is not null && catalog.FindAgency(agency) is not null ? [agency] : [],
            principal.FindFirst("jti")?.Value);
    }

    private string[] Roles(ClaimsPrincipal principal) =>
    [
        .. principal.FindAll("scope")
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(scope => roleByScope.GetValueOrDefault(scope))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal),
    ];

    private static string? Organisation(ClaimsPrincipal principal)
    {
        var consumer = principal.FindFirst("consumer")?.Value;
        if (string.IsNullOrEmpty(consumer))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(consumer);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("authority", out var authority) || authority.ValueKind != JsonValueKind.String || authority.GetString() != ConsumerAuthority
                || !root.TryGetProperty("ID", out var id) || id.ValueKind != JsonValueKind.String)
            {
                return null;
            }
            var value = id.GetString()!;
            return value.StartsWith(NorwegianOrganisationPrefix, StringComparison.Ordinal) ? value[NorwegianOrganisationPrefix.Length..] : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Dictionary<string, string[]> MapOrganisations(JourneyCatalog catalog, IReadOnlyDictionary<string, string> configured)
    {
        var direct = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        void Add(string organisation, string agency)
        {
            if (!direct.TryGetValue(organisation, out var set))
            {
                direct[organisation] = set = new HashSet<string>(StringComparer.Ordinal);
            }
            set.Add(agency);
        }
        foreach (var agency in catalog.Agencies)
        {
            if (agency.OrganisationNumber is { } number)
            {
                Add(number, agency.Id);
            }
        }
        foreach (var (organisation, agency) in configured)
        {
            if (catalog.FindAgency(agency) is null)
            {
                throw new StartupSettingsException(
                    $"Journey:Auth:Organisations:{organisation} names agency '{agency}', which is not in the catalog.");
            }
            Add(organisation, agency);
        }
        // An organisation that runs another body (Skatteetaten runs Folkeregisteret) emits that body's events too.
        return direct.ToDictionary(
            pair => pair.Key,
            pair => pair.Value
                .Concat(catalog.Agencies.Where(a => a.OperatedBy is { } op && pair.Value.Contains(op)).Select(a => a.Id))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToArray(),
            StringComparer.Ordinal);
    }
}
