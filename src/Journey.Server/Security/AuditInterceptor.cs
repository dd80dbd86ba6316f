using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Authorization;

namespace Journey.Server.Security;

/// <summary>
/// Records every call of a method whose authorisation admits process owners or researchers in the
/// <see cref="AuditTrail"/> before it runs, so a service added later is audited by its
/// <c>[Authorize(Policy = …)]</c> alone. A read that cannot be recorded is not answered.
/// </summary>
public sealed partial class AuditInterceptor(AuditTrail trail, ILogger<AuditInterceptor> logger) : Interceptor
{
    private static readonly HashSet<string> AuditedPolicies = [JourneyRoles.ProcessOwner, JourneyRoles.Researcher];

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuditAsync(context, request as IMessage);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuditAsync(context, request as IMessage);
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuditAsync(context, null);
        return await continuation(requestStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuditAsync(context, null);
        await continuation(requestStream, responseStream, context);
    }

    private async Task AuditAsync(ServerCallContext context, IMessage? request)
    {
        var endpoint = context.GetHttpContext().GetEndpoint();
        var audited = endpoint?.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is { } p && AuditedPolicies.Contains(p)) == true;
        if (!audited)
        {
            return;
        }
        try
        {
            await trail.RecordAsync(context, AuditTrail.Summarise(request), context.CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAuditFailed(ex, context.Method);
            throw new RpcException(new Status(StatusCode.Unavailable, "The read could not be recorded in the audit trail, so it is not answered; retry."));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A read of {Method} could not be recorded in the audit trail; it was refused")]
    private partial void LogAuditFailed(Exception exception, string method);
}
