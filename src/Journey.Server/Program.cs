using Journey.Server.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddJourneyServer();

    var app = builder.Build();
    // The settings' checks, run now rather than as the host starts, which would log each failure with a stack trace.
    app.Services.GetService<IStartupValidator>()?.Validate();
    app.MapJourneyEndpoints();
    app.Run();
    return 0;
}
catch (Exception e) when (OperatorCanPutRight(e) is { Count: > 0 } reasons)
{
    // A setting, or a port another process holds: one line each, naming it, not a stack trace. Anything else still ends
    // with its stack trace.
    foreach (var reason in reasons)
    {
        Console.Error.WriteLine($"Journey.Server: {reason}");
    }
    return 2;
}

static List<string>? OperatorCanPutRight(Exception e) => e switch
{
    StartupSettingsException or OptionsValidationException => [e.Message],
    { InnerException: AddressInUseException } => [e.Message],
    AggregateException all when all.InnerExceptions.Select(OperatorCanPutRight).ToList() is var each && each.All(r => r is not null) =>
        each.SelectMany(r => r!).ToList(),
    _ => null,
};
