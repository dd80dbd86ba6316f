using Grpc.Core;
using Grpc.Net.Client;

namespace Journey.Server.Tests.Infrastructure;

/// <summary>gRPC calls with raw bytes as messages: what a broken or hostile client sends.</summary>
public static class RawGrpc
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    public static readonly Method<byte[], byte[]> Append = new(MethodType.Unary, "journey.v1.Ingest", "Append", Bytes, Bytes);

    public static readonly Method<byte[], byte[]> AppendStream = new(MethodType.DuplexStreaming, "journey.v1.Ingest", "AppendStream", Bytes, Bytes);

    /// <summary>Sends <paramref name="message"/> as an <c>Append</c> request; the status the server answers with.</summary>
    public static async Task<StatusCode> AppendAsync(GrpcChannel channel, byte[] message)
    {
        try
        {
            await channel.CreateCallInvoker().AsyncUnaryCall(Append, null, new CallOptions(), message);
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    public static AsyncDuplexStreamingCall<byte[], byte[]> OpenStream(GrpcChannel channel, CancellationToken cancellationToken = default) =>
        channel.CreateCallInvoker().AsyncDuplexStreamingCall(AppendStream, null, new CallOptions(cancellationToken: cancellationToken));
}
