using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Journey.Server.Ingest;

/// <summary>gRPC errors with google.rpc rich details. Exception text never reaches a response.</summary>
public static class RpcErrors
{
    public static RpcException BadRequest(string message, IEnumerable<FieldViolation> violations) =>
        WithViolations(Code.InvalidArgument, message, violations);

    public static RpcException WithViolations(Code code, string message, IEnumerable<FieldViolation> violations)
    {
        var badRequest = new BadRequest();
        foreach (var v in violations)
        {
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description });
        }
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        if (badRequest.FieldViolations.Count > 0)
        {
            status.Details.Add(Any.Pack(badRequest));
        }
        return status.ToRpcException();
    }

    public static RpcException Status(Code code, string message) =>
        new Google.Rpc.Status { Code = (int)code, Message = message }.ToRpcException();
}
