using Journey.Server.Hosting;

namespace Journey.Server.Projections;

/// <summary>
/// Makes sure the projections run from start-up, not from the first query, and come back on another
/// silo if theirs goes away. Every silo runs a keeper; Orleans keeps one activation per projection.
/// </summary>
public sealed partial class ProjectionKeeper(IGrainFactory grains, ILogger<ProjectionKeeper> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await grains.Reference<ILeadTimeProjectionGrain>(LeadTimeProjectionGrain.Key).EnsureRunningAsync().WaitAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogNotRunning(ex);
            }
            await Task.Delay(Period, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lead-time projection could not be started; retrying")]
    private partial void LogNotRunning(Exception exception);
}
