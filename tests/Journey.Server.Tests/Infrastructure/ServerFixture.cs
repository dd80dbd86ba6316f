using Grpc.Net.Client;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Infrastructure;

/// <summary>One running server shared by the tests of a class; tests use their own subjects.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private RunningServer? server;

    public RunningServer Server => server ?? throw new InvalidOperationException("The server has not started.");

    public GrpcChannel Channel => Server.Channel;

    public Contract.Ingest.IngestClient IngestAs(string agency) => Server.IngestAs(agency);

    public Contract.LeadTimes.LeadTimesClient LeadTimes => Server.LeadTimes;

    public async Task InitializeAsync() => server = await RunningServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>The bytes of every store file (database, WAL) as they are on disk now.</summary>
    public async Task<byte[]> ReadStoreFilesAsync()
    {
        using var all = new MemoryStream();
        foreach (var file in Directory.GetFiles(Server.DataDir, "*.db*"))
        {
            FileStream stream;
            try
            {
                stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (FileNotFoundException)
            {
                // A WAL or shared-memory file SQLite removed as its last connection closed (the snapshot store
                // opens one per save) after the listing: gone, so it holds nothing.
                continue;
            }
            await using (stream)
            {
                await stream.CopyToAsync(all);
            }
        }
        return all.ToArray();
    }
}

public static class StoreScan
{
    /// <summary>Whether the text occurs in the bytes as UTF-8/ASCII or as UTF-16.</summary>
    public static bool Contains(byte[] haystack, string text) =>
        haystack.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0
        || haystack.AsSpan().IndexOf(System.Text.Encoding.Unicode.GetBytes(text)) >= 0;
}
