using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Journey.Cli.Commands;
using Journey.Server.Hosting;
using Journey.Server.Security;
using Contract = Journey.Contracts.V1;

namespace Journey.Cli.Benchmarks;

/// <summary>
/// The Journey server as a child process (so its memory is its own), built beside this tool, on a temp
/// data directory and free ports. Its console output goes to <c>server.log</c> in the data directory.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    public const string ServerAssembly = "Journey.Server.dll";

    private readonly Process process;
    private readonly StreamWriter log;

    private ServerProcess(Process process, StreamWriter log, BenchClients clients, string logPath)
    {
        this.process = process;
        this.log = log;
        Clients = clients;
        LogPath = logPath;
    }

    public string Address => Clients.Address;

    /// <summary>Connections that call the server as a given role, with tokens it accepts.</summary>
    public BenchClients Clients { get; }

    public string LogPath { get; }

    public int ProcessId => process.Id;

    /// <summary>Resident memory of the server process now.</summary>
    public long WorkingSetBytes()
    {
        process.Refresh();
        return process.WorkingSet64;
    }

    /// <summary>CPU time the server process has used so far, on all cores.</summary>
    public TimeSpan CpuTime()
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    /// <summary>
    /// Makes the server run a full, blocking garbage collection, as <c>dotnet-gcdump</c> does: an
    /// EventPipe session asking for a GC heap collection. Memory measured afterwards is what the server
    /// holds, not garbage an idle process has no reason to collect.
    /// </summary>
    public async Task CollectGarbageAsync(CancellationToken cancellationToken)
    {
        const long gcHeapCollectKeyword = 0x800000;
        using var session = GcPauseMeter.StartGcSession(process.Id, gcHeapCollectKeyword);
        var drain = session.EventStream.CopyToAsync(Stream.Null, cancellationToken);
        // The collection starts when the session does; a moment later it is done.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        await session.StopAsync(cancellationToken);
        await drain;
    }

    /// <summary>The most resident memory the server process has had.</summary>
    public long PeakWorkingSetBytes()
    {
        process.Refresh();
        return process.PeakWorkingSet64;
    }

    /// <summary>
    /// Starts the server on free ports. A port is free when chosen and bound by the server a moment later, so
    /// another process may take it in between: a start that fails on a port in use is tried again on others.
    /// A <see cref="ServerRole.Reader"/> started on the data directory of a running server is its read node.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string dataDir, CancellationToken cancellationToken, ServerRole role = ServerRole.All)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(dataDir, role, cancellationToken);
            }
            catch (ServerStartException failed) when (attempt < 3 && failed.Log.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    private static async Task<ServerProcess> StartOnceAsync(string dataDir, ServerRole role, CancellationToken cancellationToken)
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, ServerAssembly);
        if (!File.Exists(serverDll))
        {
            throw new FileNotFoundException($"The server is not built beside this tool ({serverDll}); build src/Journey.Cli, which references it.", serverDll);
        }
        Directory.CreateDirectory(dataDir);
        // The server signs nothing itself: it accepts development tokens signed with the key in its data
        // directory, so the bench creates that key first and signs its tokens with it.
        var clients = new BenchClients($"http://127.0.0.1:{FreePort()}", DevelopmentTokenKey.LoadOrCreate(dataDir));
        var address = clients.Address;
        var start = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(serverDll);
        foreach (var setting in new[]
        {
            $"--Journey:DataDir={dataDir}",
            $"--Journey:GrpcUrl={address}",
            $"--Journey:WebUrl=http://127.0.0.1:{FreePort()}",
            $"--Journey:Orleans:SiloPort={FreePort()}",
            $"--Journey:Orleans:GatewayPort={FreePort()}",
            $"--Journey:Role={role}",
            // Per-event work must not be logged; warnings still reach server.log.
            "--Logging:LogLevel:Default=Warning",
        })
        {
            start.ArgumentList.Add(setting);
        }
        // Development: the server then accepts development tokens and generates its pseudonymisation
        // key in the data directory. Everything else is as in production.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";

        var logPath = Path.Combine(dataDir, role == ServerRole.Reader ? "reader.log" : "server.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => WriteLine(log, line.Data);
        process.ErrorDataReceived += (_, line) => WriteLine(log, line.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {start.FileName} {serverDll}.");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, log, clients, logPath);
        try
        {
            await server.WaitUntilServingAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server (at once: as a crash would) and closes its log.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        lock (log)
        {
            log.Dispose();
        }
    }

    private async Task WaitUntilServingAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        using var channel = Clients.Channel(Roles.ProcessOwner);
        var client = new Contract.LeadTimes.LeadTimesClient(channel);
        while (true)
        {
            if (process.HasExited)
            {
                // The log goes with the bench's temp folder unless --keep: its last lines are the message.
                process.WaitForExit();
                string tail;
                lock (log)
                {
                    log.Flush();
                    using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
                    tail = string.Join(Environment.NewLine, reader.ReadToEnd().Split('\n').TakeLast(20));
                }
                throw new ServerStartException($"The server exited with code {process.ExitCode} while starting. The end of {LogPath}:{Environment.NewLine}{tail}", tail);
            }
            try
            {
                await client.GetLeadTimesAsync(new Contract.GetLeadTimesRequest(), cancellationToken: cancellationToken);
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    private static void WriteLine(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }

    /// <summary>The <c>dotnet</c> host that runs this tool, so the server runs on the same runtime.</summary>
    internal static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }
        return Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The server stopped before it served: the end of its log says why.</summary>
internal sealed class ServerStartException(string message, string log) : InvalidOperationException(message)
{
    public string Log { get; } = log;
}
