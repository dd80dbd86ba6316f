using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.LeadTimes;
using Journey.Server.Hosting;
using Journey.Server.Ingest;
using Journey.Server.Projections;
using Journey.Server.Security;
using Journey.Storage;
using Microsoft.AspNetCore.Authorization;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Admin;

/// <summary>gRPC <c>journey.v1.Admin</c>: rebuild and compare, for administrators.</summary>
[Authorize(Policy = JourneyRoles.Admin)]
public sealed partial class AdminService(IEventStore store, JourneyCatalog catalog, IGrainFactory grains, ILogger<AdminService> logger) : Contract.Admin.AdminBase
{
    private const int ProgressEvery = 100_000;

    /// <summary>
    /// Folds the events of a position range (by default the whole log up to the live projection's
    /// checkpoint) into a fresh projection and compares it with the live one. Replay equals live is a
    /// promise; this is how anyone can check it, and how a researcher times a rebuild of any range.
    /// </summary>
    public override async Task Rebuild(Contract.RebuildRequest request, IServerStreamWriter<Contract.RebuildProgress> responseStream, ServerCallContext context)
    {
        // The live figures as of now, computed before the clock starts: the last report may be a moment old,
        // and asking for it would refresh it in the background, on a core the rebuild needs.
        var live = await grains.Reference<ILeadTimeProjectionGrain>(LeadTimeProjectionGrain.Key).GetCurrentReportAsync();
        var liveCheckpoint = live.Checkpoint ?? 0;
        var from = request.HasFromPosition ? request.FromPosition : 0;
        // The live state has seen nothing beyond its checkpoint, so neither may the state it is compared with.
        var until = request.HasToPosition ? Math.Min(request.ToPosition, liveCheckpoint) : liveCheckpoint;
        if (from > until)
        {
            throw RpcErrors.BadRequest("The rebuild range is empty.", [new FieldViolation(
                "from_position",
                string.Create(CultureInfo.InvariantCulture, $"must not be beyond the end of the range ({until}: the smaller of to_position and the live checkpoint)"))]);
        }
        var rebuilt = new LeadTimeProjection(catalog);
        var watch = Stopwatch.StartNew();
        long events = 0;

        if (until > from)
        {
            // Read, decoded and folded on separate cores; the fold sees the log in order all the same.
            events = await ProjectionReplay.FoldAsync(
                store,
                rebuilt,
                after: from == 0 ? null : from,
                until,
                (position, count) => responseStream.WriteAsync(new Contract.RebuildProgress { Position = position, Events = (ulong)count }, context.CancellationToken),
                ProgressEvery,
                context.CancellationToken);
        }

        var seconds = watch.Elapsed.TotalSeconds;
        var differences = Compare(live, rebuilt.Report());
        var coversLive = from == 0 && until == liveCheckpoint;
        LogRebuilt(from, until, events, seconds, differences.Count);
        var verdict = new Contract.RebuildVerdict
        {
            Equal = differences.Count == 0,
            Checkpoint = until,
            Events = (ulong)events,
            Seconds = seconds,
            EventsPerSecond = seconds > 0 ? events / seconds : 0,
            FromPosition = from,
            LiveCheckpoint = liveCheckpoint,
            CoversLive = coversLive,
        };
        verdict.Differences.AddRange(differences);
        await responseStream.WriteAsync(new Contract.RebuildProgress { Position = until, Events = (ulong)events, Verdict = verdict }, context.CancellationToken);
    }

    // The figures must match; the checkpoints may differ only where the live one moved past events the
    // filter skips, so they are not part of the comparison.
    private static IReadOnlyList<string> Compare(LeadTimeReport live, LeadTimeReport rebuilt) =>
        new LeadTimeReport(null, live.JourneyTypes).DifferencesFrom(new LeadTimeReport(null, rebuilt.JourneyTypes));

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuilt the lead-time projection from positions {From} to {Until}: {Events} events in {Seconds} s with {Differences} differences")]
    private partial void LogRebuilt(ulong from, ulong until, long events, double seconds, int differences);
}
