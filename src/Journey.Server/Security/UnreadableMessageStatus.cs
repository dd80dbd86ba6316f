using System.Globalization;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;

namespace Journey.Server.Security;

/// <summary>
/// A message that is not valid protobuf is bad input, not a server fault: gRPC for ASP.NET Core
/// reports it as <c>UNKNOWN</c> ("exception was thrown by handler") because it fails before any
/// handler runs. This middleware turns that status, and only that, into <c>INVALID_ARGUMENT</c>.
/// </summary>
public sealed class UnreadableMessageStatus(RequestDelegate next)
{
    private const string Message = "The message is not a valid protobuf encoding of the method's request type.";

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        var call = context.Features.Get<IServerCallContextFeature>()?.ServerCallContext;
        if (call is null || call.Status.StatusCode != StatusCode.Unknown || !IsParseFailure(call.Status.DebugException))
        {
            return;
        }
        // The status is written but not yet sent: in the headers when no message went out, else in the trailers.
        var code = ((int)StatusCode.InvalidArgument).ToString(CultureInfo.InvariantCulture);
        var encoded = Uri.EscapeDataString(Message);
        if (!context.Response.HasStarted && context.Response.Headers.ContainsKey("grpc-status"))
        {
            context.Response.Headers["grpc-status"] = code;
            context.Response.Headers["grpc-message"] = encoded;
        }
        else if (context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { IsReadOnly: false } trailers && trailers.ContainsKey("grpc-status"))
        {
            trailers["grpc-status"] = code;
            trailers["grpc-message"] = encoded;
        }
    }

    private static bool IsParseFailure(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is InvalidProtocolBufferException)
            {
                return true;
            }
        }
        return false;
    }
}
