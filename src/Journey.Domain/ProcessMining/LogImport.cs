using System.Security.Cryptography;
using System.Text;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.Exchange;

namespace Journey.Domain.ProcessMining;

/// <summary>How an agency's exported log is mapped onto a journey type of the catalog.</summary>
/// <param name="JourneyType">The catalog journey type every trace becomes a journey of.</param>
/// <param name="Agency">Send every event as this agency; null to take each activity's agency from the catalog.</param>
/// <param name="Initiator">The initiator of events that are not an application (those are the citizen's).</param>
public sealed record LogImportOptions(string JourneyType, string? Agency = null, Initiator Initiator = Initiator.Agency);

/// <summary>One event of a log, mapped onto the catalog, ready to send as the agency would.</summary>
/// <param name="EventId">Deterministic: the same file, case and event give the same id, so a re-run is idempotent.</param>
/// <param name="Subject">The case id as an opaque subject id; the server pseudonymises it at the door.</param>
public sealed record ImportedEvent(
    Guid EventId,
    string JourneyType,
    string Agency,
    string Activity,
    string Subject,
    DateTimeOffset OccurredAt,
    Initiator Initiator,
    Lifecycle Lifecycle)
{
    /// <summary>The event as the projection folds it (the subject not yet pseudonymised).</summary>
    public JourneyEvent ToJourneyEvent() =>
        new(EventId, JourneyType, Agency, Activity, Subject, [], OccurredAt, Initiator, Lifecycle, null, JourneyEventJson.EmptyAttributes);
}

/// <summary>A trace of a log that cannot be mapped onto the catalog; the message says which and why.</summary>
public sealed class LogMappingException(string message) : Exception(message);

/// <summary>
/// Maps the traces of an exported log (XES or CSV, read by <see cref="XesReader"/> or <see cref="CsvLogReader"/>)
/// onto a journey type of the catalog: each trace is one journey, each event one journey event. The same
/// code serves <c>journey import</c> (which sends the events) and <c>journey analyze</c> (which folds them
/// offline), so both see the same events.
/// </summary>
/// <remarks>
/// <para><b>Activity.</b> An event's <c>concept:name</c> is either an activity code of the journey type or
/// one of an activity's <see cref="ActivityDefinition.LogNames"/>. When it names activities of several
/// agencies, the agency decides: <see cref="LogImportOptions.Agency"/> if given, else the event's
/// <c>org:group</c>, else its <c>org:resource</c>, when that is a catalog agency id.</para>
/// <para><b>Agency.</b> The chosen activity's agency (the door accepts an event only from the agency that
/// owns its activity); with <see cref="LogImportOptions.Agency"/>, an activity of another agency is an
/// error.</para>
/// <para><b>Subject.</b> <c>case-</c> followed by 32 letters derived from the case id (SHA-256): opaque,
/// injective in practice, and free of anything the door would take for an identity number. The door then
/// replaces it by its keyed pseudonym like any person identifier.</para>
/// <para><b>Event id.</b> A name-based UUID (RFC 9562 version 5) of the file's SHA-256, the journey type, the
/// case id and the event's index in the trace in file order.</para>
/// <para><b>Lifecycle.</b> <c>start</c> and <c>complete</c> (any case); none means complete. Other XES
/// transitions (schedule, suspend, …) have no meaning in a journey and are an error.</para>
/// <para><b>Initiator.</b> The event's own <c>initiator</c> attribute when it has one (<c>citizen</c>,
/// <c>agency</c> or <c>automatic</c>, as Journey's exports write it, so an exported log reads back with the
/// initiators it was recorded with); else the citizen for an application activity of a service, otherwise
/// <see cref="LogImportOptions.Initiator"/>. Any other value of the attribute is an error. Attributes,
/// resources and case references are not sent: they may name persons, and the catalog allows none for
/// drafted activities.</para>
/// </remarks>
public sealed class LogImportMapper
{
    // Fixed namespace of this importer's event ids (a random UUID chosen once): part of the idempotency contract.
    private static readonly Guid IdNamespace = new("6f1c0b9e-3a47-4e0c-9d52-8b7f2e41a0c3");

    private readonly JourneyTypeDefinition journeyType;
    private readonly LogImportOptions options;
    private readonly string fileDigest;
    private readonly JourneyCatalog catalog;
    private readonly Dictionary<string, List<ActivityDefinition>> byName = new(StringComparer.Ordinal);
    private readonly HashSet<string> applications = new(StringComparer.Ordinal);

    /// <param name="fileDigest">The log file's SHA-256 as lowercase hex (<see cref="DigestAsync"/>).</param>
    /// <exception cref="LogMappingException">The journey type or agency is not in the catalog.</exception>
    public LogImportMapper(JourneyCatalog catalog, LogImportOptions options, string fileDigest)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(fileDigest);
        this.catalog = catalog;
        this.options = options;
        this.fileDigest = fileDigest;
        journeyType = catalog.FindJourneyType(options.JourneyType)
            ?? throw new LogMappingException($"journey type '{options.JourneyType}' is not in the catalog (draft one from the log with --write-catalog)");
        if (options.Agency is not null && catalog.FindAgency(options.Agency) is null)
        {
            throw new LogMappingException($"agency '{options.Agency}' is not in the catalog");
        }
        foreach (var activity in journeyType.Activities)
        {
            foreach (var name in activity.LogNames.Prepend(activity.Code))
            {
                if (!byName.TryGetValue(name, out var list))
                {
                    byName[name] = list = [];
                }
                list.Add(activity);
            }
        }
        foreach (var service in journeyType.Services)
        {
            applications.UnionWith(service.ApplicationActivities);
        }
    }

    /// <summary>The journey type every trace is mapped onto.</summary>
    public JourneyTypeDefinition JourneyType => journeyType;

    /// <summary>The trace's events in file order, mapped.</summary>
    /// <exception cref="LogMappingException">An event cannot be mapped; the message names the trace, event and reason.</exception>
    public IReadOnlyList<ImportedEvent> Map(LogTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var subject = Subject(trace.CaseId);
        var result = new ImportedEvent[trace.Events.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var e = trace.Events[i];
            var activity = Activity(trace, i, e);
            var lifecycle = e.Lifecycle?.ToLowerInvariant() switch
            {
                null or "complete" => Lifecycle.Complete,
                "start" => Lifecycle.Start,
                var other => throw new LogMappingException(
                    $"trace '{trace.CaseId}' event {i + 1} ('{e.Activity}'): lifecycle:transition '{other}' cannot be sent; a journey knows start and complete"),
            };
            result[i] = new ImportedEvent(
                EventId(fileDigest, journeyType.Id, trace.CaseId, i),
                journeyType.Id,
                activity.Agency,
                activity.Code,
                subject,
                e.Timestamp,
                InitiatorOf(trace, i, e) ?? (applications.Contains(activity.Code) ? Initiator.Citizen : options.Initiator),
                lifecycle);
        }
        return result;
    }

    private static Initiator? InitiatorOf(LogTrace trace, int index, LogEvent e)
    {
        if (!e.Attributes.TryGetValue(ExchangeFields.Initiator, out var value))
        {
            return null;
        }
        return JourneyEventJson.TryParseInitiator(value as string, out var initiator)
            ? initiator
            : throw new LogMappingException(
                $"trace '{trace.CaseId}' event {index + 1} ('{e.Activity}'): initiator '{value}' is none of citizen, agency and automatic");
    }

    private ActivityDefinition Activity(LogTrace trace, int index, LogEvent e)
    {
        string Where() => $"trace '{trace.CaseId}' event {index + 1}";
        if (!byName.TryGetValue(e.Activity, out var candidates))
        {
            throw new LogMappingException(
                $"{Where()}: activity '{e.Activity}' is neither an activity code nor a logName of journey type '{journeyType.Id}' ({journeyType.SourceFile})");
        }
        if (options.Agency is { } agency)
        {
            return candidates.Find(a => a.Agency == agency)
                ?? throw new LogMappingException($"{Where()}: activity '{e.Activity}' belongs to agency '{candidates[0].Agency}', not '{agency}'");
        }
        if (candidates.Count == 1)
        {
            return candidates[0];
        }
        foreach (var named in new[] { e.Group, e.Resource })
        {
            if (named is not null && catalog.FindAgency(named) is not null && candidates.Find(a => a.Agency == named) is { } chosen)
            {
                return chosen;
            }
        }
        throw new LogMappingException(
            $"{Where()}: activity '{e.Activity}' names activities of agencies {string.Join(", ", candidates.Select(a => a.Agency))}; give --agency, or org:group naming one of them");
    }

    /// <summary>The opaque subject id of a case id: <c>case-</c> and 32 letters a–p (128 bits of its SHA-256).</summary>
    public static string Subject(string caseId)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes("journey.import.v1/case\n" + caseId), hash);
        // Letters only: nothing in it can look like (part of) an identity number.
        Span<char> text = stackalloc char[5 + 32];
        "case-".CopyTo(text);
        for (var i = 0; i < 16; i++)
        {
            text[5 + 2 * i] = (char)('a' + (hash[i] >> 4));
            text[6 + 2 * i] = (char)('a' + (hash[i] & 0xF));
        }
        return new string(text);
    }

    /// <summary>The deterministic event id of the <paramref name="index"/>-th event (0-based, file order) of a case.</summary>
    public static Guid EventId(string fileDigest, string journeyType, string caseId, int index)
    {
        var name = Encoding.UTF8.GetBytes($"{fileDigest}\n{journeyType}\n{caseId}\n{index}");
        Span<byte> input = stackalloc byte[16 + name.Length];
        IdNamespace.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input[16..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
#pragma warning disable CA5350 // RFC 9562 defines version-5 ids with SHA-1; it names events, it protects nothing.
        SHA1.HashData(input, hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    /// <summary>The SHA-256 of a file as lowercase hex, the file part of every event id.</summary>
    public static async Task<string> DigestAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }
}
