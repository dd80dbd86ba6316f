using System.Security.Cryptography;
using Grpc.AspNetCore.Server;
using Journey.Server.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Journey.Server.Security;

/// <summary>
/// Authentication (JWT bearer tokens as Maskinporten issues them; development tokens in Development
/// only), the role policies named by <see cref="JourneyRoles"/>, the audit of reads, and the limits on
/// what one caller may send.
/// </summary>
public static class JourneySecurityExtensions
{
    /// <summary>The default scheme: picks one of the two below by the token's issuer.</summary>
    public const string Scheme = "Journey";
    public const string IssuedTokenScheme = "Maskinporten";
    public const string DevelopmentScheme = "Development";

    private static readonly string[] IssuedTokenAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>
    /// Token validation (refusing to start outside Development without a configured issuer), the role
    /// policies, the audit interceptor, the rate limiter and the message-size limit.
    /// </summary>
    public static WebApplicationBuilder AddJourneySecurity(this WebApplicationBuilder builder, JourneyOptions options)
    {
        builder.Services.AddOptions<JourneyAuthOptions>()
            .BindConfiguration(JourneyAuthOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var auth = builder.Configuration.GetSection(JourneyAuthOptions.SectionName).Get<JourneyAuthOptions>() ?? new JourneyAuthOptions();
        var development = builder.Environment.IsDevelopment();
        if (!development)
        {
            RequireIssuerConfiguration(auth);
        }

        builder.Services.AddSingleton<CallerClaims>();
        builder.Services.AddSingleton(sp => new ValidatedTokens(sp.GetRequiredService<TimeProvider>()));
        var authentication = builder.Services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer token", scheme => scheme.ForwardDefaultSelector = context =>
                development && (!auth.IssuerConfigured || IsDevelopmentToken(context.Request))
                    ? DevelopmentScheme
                    : IssuedTokenScheme);
        // Each scheme's events hold the two singletons they use, rather than look them up on every call.
        if (auth.IssuerConfigured)
        {
            authentication.AddJwtBearer(IssuedTokenScheme, _ => { });
            builder.Services.AddOptions<JwtBearerOptions>(IssuedTokenScheme)
                .Configure<ValidatedTokens, CallerClaims>((jwt, tokens, claims) =>
                {
                    ConfigureIssuedTokens(jwt, auth, development);
                    jwt.Events = CallerEvents(tokens, claims.FromIssuedToken);
                });
        }
        if (development)
        {
            authentication.AddJwtBearer(DevelopmentScheme, _ => { });
            builder.Services.AddOptions<JwtBearerOptions>(DevelopmentScheme)
                .Configure<IOptions<JourneyOptions>, ValidatedTokens, CallerClaims>((jwt, journey, tokens, claims) =>
                {
                    ConfigureDevelopmentTokens(jwt, journey.Value, auth);
                    jwt.Events = CallerEvents(tokens, claims.FromDevelopmentToken);
                });
        }

        // The policies name no scheme: the default one (Scheme) has authenticated the request already, and a
        // policy that named it would authenticate it again on every call (3% of a unary call's CPU).
        builder.Services.AddAuthorizationBuilder()
            // Endpoints added later without [Authorize] are closed too: health opts out explicitly.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .SetDefaultPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(JourneyRoles.Agency, p => p.RequireAuthenticatedUser().RequireRole(JourneyRoles.Agency))
            // Administrators may see what process owners see.
            .AddPolicy(JourneyRoles.ProcessOwner, p => p.RequireAuthenticatedUser().RequireRole(JourneyRoles.ProcessOwner, JourneyRoles.Admin))
            .AddPolicy(JourneyRoles.Researcher, p => p.RequireAuthenticatedUser().RequireRole(JourneyRoles.Researcher))
            .AddPolicy(JourneyRoles.Admin, p => p.RequireAuthenticatedUser().RequireRole(JourneyRoles.Admin));
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, GrpcAuthorizationResultHandler>();

        builder.Services.AddSingleton<AgencyRateLimiter>();
        builder.Services.Configure<GrpcServiceOptions>(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.Limits.MaxMessageBytes;
            grpc.Interceptors.Add<AuditInterceptor>();
        });
        return builder;
    }

    /// <summary>Authentication and authorisation in the pipeline; call before the endpoints are mapped.</summary>
    public static WebApplication UseJourneySecurity(this WebApplication app)
    {
        // Fail at start-up on a bad organisation mapping, and have the development key on disk before
        // anyone runs `journey token`.
        _ = app.Services.GetRequiredService<CallerClaims>();
        if (app.Environment.IsDevelopment())
        {
            _ = app.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(DevelopmentScheme);
        }
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<UnreadableMessageStatus>();
        return app;
    }

    private static void RequireIssuerConfiguration(JourneyAuthOptions auth)
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(auth.Issuer))
        {
            missing.Add("Journey:Auth:Issuer");
        }
        if (string.IsNullOrWhiteSpace(auth.Audience))
        {
            missing.Add("Journey:Auth:Audience");
        }
        if (string.IsNullOrWhiteSpace(auth.Authority) && string.IsNullOrWhiteSpace(auth.MetadataAddress) && auth.SigningKeys.Count == 0)
        {
            missing.Add("Journey:Auth:Authority (or Journey:Auth:SigningKeys)");
        }
        if (missing.Count > 0)
        {
            throw new StartupSettingsException(
                $"Outside Development every call needs a token from a configured issuer, but {string.Join(", ", missing)} is not set. " +
                "For Maskinporten: Issuer=https://maskinporten.no/, Authority=https://maskinporten.no/, Audience=the resource your clients request; " +
                "see README, 'Security and privacy'.");
        }
    }

    private static void ConfigureIssuedTokens(JwtBearerOptions jwt, JourneyAuthOptions auth, bool development)
    {
        jwt.MapInboundClaims = false;
        jwt.RequireHttpsMetadata = auth.RequireHttpsMetadata || !development;
        if (!string.IsNullOrWhiteSpace(auth.MetadataAddress))
        {
            jwt.MetadataAddress = auth.MetadataAddress;
        }
        else if (!string.IsNullOrWhiteSpace(auth.Authority))
        {
            // Maskinporten publishes OAuth authorisation-server metadata, not an OpenID configuration.
            jwt.MetadataAddress = auth.Authority.TrimEnd('/') + "/.well-known/oauth-authorization-server";
        }
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = auth.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKeys = auth.SigningKeys.SelectMany(ParseSigningKey).ToList(),
            ValidAlgorithms = IssuedTokenAlgorithms,
            ClockSkew = auth.ClockSkew,
        };
    }

    private static void ConfigureDevelopmentTokens(JwtBearerOptions jwt, JourneyOptions journey, JourneyAuthOptions auth)
    {
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = DevelopmentTokenKey.Issuer,
            ValidAudience = DevelopmentTokenKey.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKey = new SymmetricSecurityKey(DevelopmentTokenKey.LoadOrCreate(journey.DataDir)) { KeyId = DevelopmentTokenKey.KeyId },
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = auth.ClockSkew,
        };
    }

    /// <summary>
    /// A validated token's principal gets the caller's identity (from the token, by the scheme's rules) and
    /// is remembered in <see cref="ValidatedTokens"/>; the next call with the same token takes it from there.
    /// </summary>
    private static JwtBearerEvents CallerEvents(ValidatedTokens tokens, Func<System.Security.Claims.ClaimsPrincipal, CallerIdentity> caller) => new()
    {
        OnMessageReceived = context =>
        {
            if (BearerToken(context.Request) is { } token && tokens.TryGet(context.Scheme.Name, token, out var principal))
            {
                context.Principal = principal;
                context.Success();
            }
            return Task.CompletedTask;
        },
        OnTokenValidated = context =>
        {
            context.Principal!.AddIdentity(caller(context.Principal).ToClaimsIdentity());
            if (context.SecurityToken is JsonWebToken validated)
            {
                tokens.Add(context.Scheme.Name, validated.EncodedToken, context.Principal, new DateTimeOffset(DateTime.SpecifyKind(validated.ValidTo, DateTimeKind.Utc)));
            }
            return Task.CompletedTask;
        },
    };

    // As the bearer handler reads it: "Bearer " in any case, then the token, trimmed.
    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header["Bearer ".Length..].Trim() is { Length: > 0 } token
            ? token
            : null;
    }

    // Only routes the token to a scheme; the chosen scheme validates everything, the issuer included.
    private static bool IsDevelopmentToken(HttpRequest request)
    {
        if (BearerToken(request) is not { } token)
        {
            return false;
        }
        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(token))
        {
            return false;
        }
        try
        {
            return new JsonWebToken(token).Issuer == DevelopmentTokenKey.Issuer;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static IEnumerable<SecurityKey> ParseSigningKey(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            return [PemKey(trimmed)];
        }
        if (trimmed.Contains("\"keys\"", StringComparison.Ordinal))
        {
            return new JsonWebKeySet(trimmed).GetSigningKeys();
        }
        if (trimmed.StartsWith('{'))
        {
            return [new JsonWebKey(trimmed)];
        }
        throw new StartupSettingsException("A Journey:Auth:SigningKeys entry is neither a PEM public key, a JWK nor a JWK set.");
    }

    private static SecurityKey PemKey(string pem)
    {
        // The PEM says which kind it is only inside the DER; try RSA, then EC.
        try
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
        catch (CryptographicException)
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return new ECDsaSecurityKey(ec);
        }
    }
}
