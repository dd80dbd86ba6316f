using System.Diagnostics;
using Grpc.Core;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.LeadTimes;
using Journey.Server.Projections;
using Journey.Storage;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Admin;

/// <summary>gRPC <c>journey.v1.Admin</c>: rebuild and compare, for operators and researchers.</summary>
public sealed partial class AdminService(IEventStore store, JourneyCatalog catalog, IGrainFactory grains, ILogger<AdminService> logger) : Contract.Admin.AdminBase
{
    private const int ProgressEvery = 100_000;

    /// <summary>
    /// Folds the log from position zero into a fresh projection, up to the live projection's checkpoint,
    /// and compares. Replay equals live is a promise; this is how anyone can check it.
    /// </summary>
    public override async Task Rebuild(Contract.RebuildRequest request, IServerStreamWriter<Contract.RebuildProgress> responseStream, ServerCallContext context)
    {
        var live = await grains.GetGrain<ILeadTimeProjectionGrain>(LeadTimeProjectionGrain.Key).GetReportAsync();
        var until = live.Checkpoint ?? 0;
        var rebuilt = new LeadTimeProjection(catalog);
        var watch = Stopwatch.StartNew();
        long events = 0;

        if (live.Checkpoint is not null)
        {
            await foreach (var recorded in store.ReadAllAsync(ReadDirection.Forwards, filter: StreamFilter.Prefix(JourneyId.StreamCategory + "-"), cancellationToken: context.CancellationToken))
            {
                if (recorded.Position > until)
                {
                    break;
                }
                if (recorded.Type == JourneyEventJson.EventType)
                {
                    rebuilt.Apply(recorded.Position, JourneyEventJson.Deserialize(recorded.Data.Span));
                }
                if (++events % ProgressEvery == 0)
                {
                    await responseStream.WriteAsync(new Contract.RebuildProgress { Position = recorded.Position, Events = (ulong)events }, context.CancellationToken);
                }
            }
        }

        var seconds = watch.Elapsed.TotalSeconds;
        var differences = Compare(live, rebuilt.Report());
        LogRebuilt(events, seconds, differences.Count);
        var verdict = new Contract.RebuildVerdict
        {
            Equal = differences.Count == 0,
            Checkpoint = until,
            Events = (ulong)events,
            Seconds = seconds,
            EventsPerSecond = seconds > 0 ? events / seconds : 0,
        };
        verdict.Differences.AddRange(differences);
        await responseStream.WriteAsync(new Contract.RebuildProgress { Position = until, Events = (ulong)events, Verdict = verdict }, context.CancellationToken);
    }

    // The figures must match; the checkpoints may differ only where the live one moved past events the
    // filter skips, so they are not part of the comparison.
    private static IReadOnlyList<string> Compare(LeadTimeReport live, LeadTimeReport rebuilt) =>
        new LeadTimeReport(null, live.JourneyTypes).DifferencesFrom(new LeadTimeReport(null, rebuilt.JourneyTypes));

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuilt the lead-time projection from {Events} events in {Seconds} s with {Differences} differences")]
    private partial void LogRebuilt(long events, double seconds, int differences);
}
