using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Grpc.Core;
using Journey.Storage;

namespace Journey.Server.Security;

/// <summary>
/// The audit trail of reads: who (organisation, client, roles, token id), what (the method and a summary
/// of the request without personal data) and when, appended to the stream <c>audit-{yyyy-MM-dd}</c> of
/// <see cref="Store"/> before the read is answered: the embedded store's own <c>audit.db</c>, or the
/// EventStoreDB cluster that holds the journeys. Projections follow only <c>journey-</c> streams, so
/// these events never reach them.
/// </summary>
/// <remarks>
/// Every call authorised under the <see cref="JourneyRoles.ProcessOwner"/> or
/// <see cref="JourneyRoles.Researcher"/> policy is recorded by <see cref="AuditInterceptor"/> without
/// anything in the service; call <see cref="RecordAsync"/> to add what only the service knows (how many
/// events an export held, say).
/// </remarks>
public sealed partial class AuditTrail(IEventStore store, TimeProvider time)
{
    /// <summary>The service key of the embedded audit store.</summary>
    public const string StoreKey = "audit";

    public const string StreamPrefix = "audit-";
    public const string EventType = "ReadAudited";

    // A request summary is for people reading the trail, not a copy of the request.
    private const int MaxSummaryLength = 1_024;

    /// <summary>Where the trail is kept.</summary>
    public IEventStore Store => store;

    /// <summary>Records one read by the caller of <paramref name="context"/>. Fails (and so fails the read) when the store does.</summary>
    public Task RecordAsync(ServerCallContext context, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RecordAsync(CallerIdentity.From(context.GetHttpContext().User), context.Method, what, cancellationToken);
    }

    /// <summary>Records one read of <paramref name="method"/> by <paramref name="caller"/>.</summary>
    public async Task RecordAsync(CallerIdentity caller, string method, string what, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("who");
            w.WriteString("organisation", caller.Organisation);
            w.WriteString("client", caller.Client);
            w.WriteStartArray("roles");
            foreach (var role in caller.Roles)
            {
                w.WriteStringValue(role);
            }
            w.WriteEndArray();
            if (caller.TokenId is not null)
            {
                w.WriteString("tokenId", caller.TokenId);
            }
            w.WriteEndObject();
            w.WriteStartObject("what");
            w.WriteString("method", method);
            w.WriteString("request", Summarise(what));
            w.WriteEndObject();
            w.WriteString("when", now);
            w.WriteEndObject();
        }
        var stream = StreamPrefix + now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await store.AppendAsync(
            stream,
            ExpectedRevision.Any,
            [new EventData(Guid.CreateVersion7(now), EventType, buffer.WrittenMemory.ToArray(), "{}"u8.ToArray())],
            cancellationToken);
    }

    /// <summary>
    /// A request as the trail shows it: its JSON form, bounded, with every run of eleven or more digits
    /// masked, so an identity number a caller put in a request never reaches the store.
    /// </summary>
    public static string Summarise(IMessage? request) =>
        request is null ? "" : Summarise(JsonFormatter.Default.Format(request));

    private static string Summarise(string text)
    {
        var masked = LongDigitRun().Replace(text, "***");
        return masked.Length > MaxSummaryLength ? masked[..MaxSummaryLength] + "…" : masked;
    }

    [GeneratedRegex(@"\d{11,}", RegexOptions.CultureInvariant)]
    private static partial Regex LongDigitRun();
}
