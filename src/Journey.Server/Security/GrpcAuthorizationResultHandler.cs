using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Journey.Server.Security;

/// <summary>
/// Refuses a gRPC call the way gRPC clients understand: <c>UNAUTHENTICATED</c> or
/// <c>PERMISSION_DENIED</c> with a message that says what is missing, instead of a bare HTTP 401/403
/// that clients report as "Bad gRPC response". Other requests get ASP.NET Core's usual answer.
/// </summary>
public sealed class GrpcAuthorizationResultHandler(IOptions<JourneyAuthOptions> options) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler standard = new();
    private readonly IReadOnlyDictionary<string, string> scopeByRole = options.Value.Scopes.ByRole();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) != true)
        {
            await standard.HandleAsync(next, context, policy, authorizeResult);
            return;
        }
        if (authorizeResult.Challenged)
        {
            // The handler keeps its result for the request, so this does not validate the token again.
            var failure = (await context.AuthenticateAsync(JourneySecurityExtensions.Scheme)).Failure;
            WriteStatus(context, StatusCode.Unauthenticated, Unauthenticated(failure));
        }
        else
        {
            var roles = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).ToList();
            var needs = roles.Count == 0
                ? "it is not open to these credentials"
                : "it needs the role " + string.Join(" or ", roles.Select(r => $"'{r}' (scope {scopeByRole.GetValueOrDefault(r, "?")})"));
            WriteStatus(context, StatusCode.PermissionDenied, $"The caller may not call {context.Request.Path}: {needs}.");
        }
    }

    // The token's problem, in words; never the exception text, which can quote the token.
    private static string Unauthenticated(Exception? failure) => failure switch
    {
        null => "The call needs a bearer token (metadata 'authorization: Bearer <token>'); see README, 'Security and privacy'.",
        SecurityTokenExpiredException => "The bearer token has expired; get a new one.",
        SecurityTokenNotYetValidException => "The bearer token is not valid yet; check the clocks.",
        SecurityTokenNoExpirationException => "The bearer token has no expiry; only short-lived tokens are accepted.",
        SecurityTokenInvalidIssuerException => "The bearer token's issuer is not accepted by this server.",
        SecurityTokenInvalidAudienceException => "The bearer token is not meant for this server (audience).",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The bearer token's signature is not valid for this server.",
        _ => "The bearer token is not valid.",
    };

    // A trailers-only response: the status travels in the headers and no message follows.
    private static void WriteStatus(HttpContext context, StatusCode code, string message)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)code).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }
}
