using System.Globalization;
using System.Threading.Channels;
using Grpc.Core;
using Journey.Domain.Events;
using Journey.Domain.Exchange;
using Journey.Server.Ingest;
using Journey.Server.Security;
using Journey.Storage;
using Microsoft.AspNetCore.Authorization;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Replay;

/// <summary>
/// gRPC <c>journey.v1.Replay</c>: the stored, pseudonymised journey events in global order, for
/// researchers. Reads the log through a catch-up subscription, one short read per store page, and writes
/// a page at a time through gRPC's flow control: a slow reader holds a few pages of memory and never a
/// read transaction, and ingestion goes on beside it.
/// </summary>
/// <remarks>
/// Two stages run side by side: one reads the next pages from the store while the other turns the
/// current page into messages and writes them. Reading and encoding cost about the same per event, so on
/// a machine with a spare core this nearly doubles the rate; the queue between them holds at most
/// <see cref="PagesAhead"/> pages, so a reader that stops reading stops the store reads too.
/// </remarks>
[Authorize(Policy = JourneyRoles.Researcher)]
public sealed partial class ReplayService(IEventStore store, AuditTrail audit, ILogger<ReplayService> logger) : Contract.Replay.ReplayBase
{
    // About a store page per message: few enough messages to keep per-message costs small, small enough
    // (well under gRPC's 4 MB default) that a message never holds much memory.
    private const int MaxEventsPerMessage = 1024;
    private const int MaxBytesPerMessage = 1 << 20;
    private const int PagesAhead = 2;

    private static readonly StreamFilter JourneyStreams = StreamFilter.Prefix(JourneyId.StreamCategory + "-");

    public override async Task Read(Contract.ReplayRequest request, IServerStreamWriter<Contract.ReplayResponse> responseStream, ServerCallContext context)
    {
        var selection = ReplaySelection.From(request);
        var problems = selection.Problems();
        if (problems.Count > 0)
        {
            throw RpcErrors.BadRequest("The replay request is invalid.", problems.Select(p => new FieldViolation(p.Field, p.Description)));
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var pages = Channel.CreateBounded<List<SubscriptionMessage>>(new BoundedChannelOptions(PagesAhead)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var reading = Task.Run(() => ReadPagesAsync(selection, pages.Writer, stop.Token), CancellationToken.None);
        var writer = new PageWriter(responseStream, selection, request.Follow, this, stop.Token);
        try
        {
            await foreach (var page in pages.Reader.ReadAllAsync(stop.Token))
            {
                if (!await writer.WriteAsync(page))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The caller went away; what it received stays valid, and its last checkpoint resumes.
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await reading;
            }
            catch (OperationCanceledException)
            {
            }
            LogReplayEnded(writer.Delivered, writer.Checkpoint);
            await RecordVolumeAsync(context, selection, writer);
        }
    }

    /// <summary>
    /// Adds to the audit trail how much left: the request was recorded before the replay began, the volume
    /// is known only now. The events are already out, so a failure here is logged, not thrown.
    /// </summary>
    private async Task RecordVolumeAsync(ServerCallContext context, EventSelection selection, PageWriter writer)
    {
        try
        {
            var what = string.Create(
                CultureInfo.InvariantCulture,
                $"replayed {writer.Delivered} events after position {selection.AfterPosition?.ToString(CultureInfo.InvariantCulture) ?? "0"} up to checkpoint {writer.Checkpoint?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
            await audit.RecordAsync(context, what, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogVolumeNotAudited(ex, writer.Delivered);
        }
    }

    /// <summary>
    /// The read stage: the subscription's messages in pages, each ending at a store page (a checkpoint), the
    /// end of the past, or <see cref="MaxEventsPerMessage"/> messages; once live, every message at once.
    /// </summary>
    private async Task ReadPagesAsync(EventSelection selection, ChannelWriter<List<SubscriptionMessage>> pages, CancellationToken cancellation)
    {
        try
        {
            var page = new List<SubscriptionMessage>();
            var live = false;
            await foreach (var message in store.SubscribeToAllAsync(selection.AfterPosition, StreamFilterFor(selection), cancellation))
            {
                page.Add(message);
                live |= message is CaughtUp;
                if (live || message is Checkpoint or CaughtUp || page.Count >= MaxEventsPerMessage)
                {
                    await pages.WriteAsync(page, cancellation);
                    page = [];
                }
            }
            if (page.Count > 0)
            {
                await pages.WriteAsync(page, cancellation);
            }
            pages.TryComplete();
        }
        catch (Exception ex)
        {
            // The write stage sees the failure (or the cancellation) when it reads on.
            pages.TryComplete(ex);
        }
    }

    /// <summary>Narrows the store read to the journey types' streams when the request names them.</summary>
    private static StreamFilter StreamFilterFor(EventSelection selection) =>
        selection.JourneyTypes.Count == 0
            ? JourneyStreams
            : new StreamFilter([.. selection.JourneyTypes.Order(StringComparer.Ordinal).Select(t => $"{JourneyId.StreamCategory}-{t}-")]);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay ended after {Events} events at checkpoint {Checkpoint}")]
    private partial void LogReplayEnded(long events, ulong? checkpoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit trail could not record a replay of {Events} events")]
    private partial void LogVolumeNotAudited(Exception exception, long events);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event at position {Position} in {Stream} cannot be decoded; not replayed")]
    private partial void LogUndecodable(Exception exception, ulong position, string stream);

    /// <summary>
    /// The write stage: turns pages of the log into responses and writes them. One response and one set of
    /// event messages are refilled for every message sent: once a write has completed its bytes are on the
    /// wire, so the next page reuses the objects instead of allocating them again.
    /// </summary>
    private sealed class PageWriter(
        IServerStreamWriter<Contract.ReplayResponse> responseStream,
        EventSelection selection,
        bool follow,
        ReplayService service,
        CancellationToken cancellation)
    {
        private readonly ReplayedEventReader reader = new();
        private readonly Contract.ReplayResponse response = new();
        private readonly List<Contract.ReplayedEvent> messages = new(MaxEventsPerMessage);
        private ulong? sent = selection.AfterPosition;
        private long bytes;

        public long Delivered { get; private set; }

        /// <summary>How far the log has been read: the resume token of the last message sent or about to be.</summary>
        public ulong? Checkpoint { get; private set; } = selection.AfterPosition;

        /// <summary>Writes what the page holds; false once the replay is over (its end reached, or the past delivered without follow).</summary>
        public async Task<bool> WriteAsync(List<SubscriptionMessage> page)
        {
            foreach (var message in page)
            {
                switch (message)
                {
                    case EventAppeared { Event: var recorded }:
                        if (selection.IsPastEnd(recorded.Position))
                        {
                            Checkpoint = selection.ToPosition;
                            await SendAsync();
                            return false;
                        }
                        if (response.Events.Count == messages.Count)
                        {
                            messages.Add(new Contract.ReplayedEvent());
                        }
                        var replayed = messages[response.Events.Count];
                        if (Read(recorded, replayed))
                        {
                            response.Events.Add(replayed);
                            bytes += recorded.Data.Length + recorded.Metadata.Length;
                        }
                        Checkpoint = recorded.Position;
                        if (recorded.Position == selection.ToPosition)
                        {
                            await SendAsync();
                            return false;
                        }
                        if (response.Events.Count >= MaxEventsPerMessage || bytes >= MaxBytesPerMessage)
                        {
                            await SendAsync();
                        }
                        break;
                    case Storage.Checkpoint { Position: var position }:
                        // At or beyond the end only through events the filter skipped: progress up to the end.
                        var end = selection.ToPosition is { } to && position >= to;
                        Checkpoint = end ? selection.ToPosition : position;
                        await SendAsync();
                        if (end)
                        {
                            return false;
                        }
                        break;
                    case CaughtUp:
                        await SendAsync(caughtUp: follow);
                        if (!follow)
                        {
                            return false;
                        }
                        break;
                }
            }
            return true;
        }

        private async Task SendAsync(bool caughtUp = false)
        {
            if (response.Events.Count == 0 && Checkpoint == sent && !caughtUp)
            {
                return;
            }
            if (Checkpoint is { } position)
            {
                response.Checkpoint = position;
            }
            response.CaughtUp = caughtUp;
            Delivered += response.Events.Count;
            // Awaiting the write is the flow control: it completes only when HTTP/2 lets the bytes go.
            await responseStream.WriteAsync(response, cancellation);
            sent = Checkpoint;
            bytes = 0;
            response.Events.Clear();
        }

        /// <summary>Fills <paramref name="target"/> when the event is a journey event the selection takes; an undecodable one is logged and skipped.</summary>
        private bool Read(RecordedEvent recorded, Contract.ReplayedEvent target)
        {
            try
            {
                return reader.TryRead(recorded, selection, target);
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or InvalidOperationException)
            {
                service.LogUndecodable(ex, recorded.Position, recorded.Stream);
                return false;
            }
        }
    }
}
