using System.CommandLine;
using Grpc.Core;
using Journey.Cli;

// Failures a person can act on get one clear line and a distinct exit status, not a stack trace.
try
{
    return await JourneyCli.Create().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
{
    Console.Error.WriteLine("journey: the server cannot be reached. Is it running (dotnet run --project src/Journey.Server), and is --server right?");
    return 3;
}
catch (RpcException ex)
{
    Console.Error.WriteLine($"journey: the server refused the call: {ex.StatusCode}: {ex.Status.Detail}");
    return 4;
}
catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException or InvalidOperationException)
{
    Console.Error.WriteLine($"journey: {ex.Message}");
    return 1;
}
