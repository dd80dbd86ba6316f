using System.CommandLine;
using Grpc.Net.Client;

namespace Journey.Cli.Commands;

/// <summary>Options several commands share, and the channel to a server.</summary>
public static class CommonOptions
{
    public const string DefaultServer = "http://127.0.0.1:5080";

    public static Option<string> Server() => new("--server")
    {
        Description = "The Journey server's gRPC address",
        DefaultValueFactory = _ => DefaultServer,
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print one JSON document instead of a table",
    };

    public static GrpcChannel Channel(string server) => GrpcChannel.ForAddress(server, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = 64 * 1024 * 1024,
    });
}
