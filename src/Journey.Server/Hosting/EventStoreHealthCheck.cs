using Journey.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Journey.Server.Hosting;

/// <summary>Serving means the event store answers a read; without it nothing can be acknowledged.</summary>
public sealed class EventStoreHealthCheck(IEventStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var _ in store.ReadAllAsync(ReadDirection.Backwards, maxCount: 1, cancellationToken: cancellationToken))
            {
            }
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The event store does not answer.", ex);
        }
    }
}
