using Grpc.Net.Client;
using Journey.Cli.Commands;

namespace Journey.Cli.Benchmarks;

/// <summary>
/// The bench's connections to its server, each calling as one role (and agency) with a development
/// token, as TRUST designed them: the bench's server runs in Development on a data directory whose
/// signing key the bench created. Each token is signed once per connection and reused for its
/// lifetime, as a client holding a Maskinporten access token would.
/// </summary>
internal sealed class BenchClients(string address, byte[] developmentKey)
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(30);

    public string Address => address;

    /// <summary>A connection of its own (as one client system has), calling as <paramref name="role"/>.</summary>
    public GrpcChannel Channel(string role, string? agency = null) =>
        CommonOptions.Channel(address, TokenSource.Fixed(DevelopmentTokens.Create(developmentKey, role, agency, TokenLifetime)), role, agency);
}
