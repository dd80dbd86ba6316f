using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Journey.Domain.Events;

/// <summary>
/// The stored form of a <see cref="JourneyEvent"/>: UTF-8 JSON under a stable event type name that does
/// not depend on the CLR type. The layout is a storage contract: add fields, never rename or reuse them.
/// </summary>
public static class JourneyEventJson
{
    /// <summary>The stored event type name.</summary>
    public const string EventType = "JourneyEventRecorded";

    public const string ContentType = "application/json";

    // Every event is serialised at the door and decoded by each projection: one writer, one buffer and
    // one cache of the catalog's few strings per thread keep that to the allocations the result needs.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? threadBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? threadWriter;

    [ThreadStatic]
    private static Utf8StringCache? threadStrings;

    /// <summary>Serialises deterministically: the same event always gives the same bytes.</summary>
    public static byte[] Serialize(JourneyEvent e)
    {
        var w = RentWriter(out var buffer);
        {
            w.WriteStartObject();
            w.WriteString("eventId", e.EventId);
            w.WriteString("journeyType", e.JourneyType);
            w.WriteString("agency", e.Agency);
            w.WriteString("activity", e.Activity);
            w.WriteString("subject", e.Subject);
            if (e.Related.Count > 0)
            {
                w.WriteStartArray("related");
                foreach (var r in e.Related)
                {
                    w.WriteStartObject();
                    w.WriteString("role", r.Role);
                    w.WriteString("person", r.Person);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            // Round-trip format keeps the offset the agency sent.
            Span<char> occurredAt = stackalloc char[40];
            e.OccurredAt.TryFormat(occurredAt, out var length, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", System.Globalization.CultureInfo.InvariantCulture);
            w.WriteString("occurredAt", occurredAt[..length]);
            w.WriteString("initiator", InitiatorName(e.Initiator));
            w.WriteString("lifecycle", e.Lifecycle == Lifecycle.Start ? "start" : "complete");
            if (e.CaseRef is not null)
            {
                w.WriteString("caseRef", e.CaseRef);
            }
            if (e.Attributes.Count > 0)
            {
                w.WriteStartObject("attributes");
                foreach (var (key, value) in e.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
                {
                    w.WriteString(key, value);
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// This thread's JSON writer, reset onto its emptied buffer. For callers that write a small JSON
    /// document and copy it out before writing the next; never across an await.
    /// </summary>
    public static Utf8JsonWriter RentWriter(out ArrayBufferWriter<byte> buffer)
    {
        buffer = threadBuffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = threadWriter ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        return writer;
    }

    public static JourneyEvent Deserialize(ReadOnlySpan<byte> data)
    {
        var strings = threadStrings ??= new Utf8StringCache();
        var reader = new Utf8JsonReader(data);
        Guid eventId = default;
        string? journeyType = null, agency = null, activity = null, subject = null, caseRef = null;
        DateTimeOffset occurredAt = default;
        var initiator = Initiator.Citizen;
        var lifecycle = Lifecycle.Complete;
        List<RelatedPerson>? related = null;
        Dictionary<string, string>? attributes = null;

        Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "eventId": eventId = reader.GetGuid(); break;
                // Catalog values: a few dozen distinct strings, so each is allocated once per thread.
                case "journeyType": journeyType = strings.Get(ref reader); break;
                case "agency": agency = strings.Get(ref reader); break;
                case "activity": activity = strings.Get(ref reader); break;
                case "subject": subject = reader.GetString(); break;
                case "occurredAt": occurredAt = ReadInstant(ref reader); break;
                case "initiator": initiator = ParseInitiator(strings.Get(ref reader)); break;
                case "lifecycle": lifecycle = reader.ValueTextEquals("start"u8) ? Lifecycle.Start : Lifecycle.Complete; break;
                case "caseRef": caseRef = reader.GetString(); break;
                case "related":
                    related = [];
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        string? role = null, person = null;
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var p = reader.GetString();
                            reader.Read();
                            if (p == "role") role = strings.Get(ref reader);
                            else if (p == "person") person = reader.GetString();
                            else reader.Skip();
                        }
                        related.Add(new RelatedPerson(role ?? "", person ?? ""));
                    }
                    break;
                case "attributes":
                    attributes = new Dictionary<string, string>(StringComparer.Ordinal);
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var key = reader.GetString()!;
                        reader.Read();
                        attributes[key] = reader.GetString() ?? "";
                    }
                    break;
                default:
                    // Unknown fields come from newer writers: keep reading.
                    reader.Skip();
                    break;
            }
        }

        return new JourneyEvent(
            eventId,
            journeyType ?? throw new JsonException("journeyType is missing"),
            agency ?? throw new JsonException("agency is missing"),
            activity ?? throw new JsonException("activity is missing"),
            subject ?? throw new JsonException("subject is missing"),
            (IReadOnlyList<RelatedPerson>?)related ?? [],
            occurredAt,
            initiator,
            lifecycle,
            caseRef,
            (IReadOnlyDictionary<string, string>?)attributes ?? EmptyAttributes);
    }

    /// <summary>
    /// Decodes only what the lead-time fold reads, without allocating (<see cref="JourneyEventFields"/>). Fails
    /// where <see cref="Deserialize"/> fails on those fields and on the ones it requires (eventId, agency,
    /// lifecycle); fields the fold does not read are skipped, so their JSON must only be well-formed.
    /// </summary>
    // Runs per event of a rebuild, from cold: optimised at once rather than after tiering up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static JourneyEventFields DecodeFields(ReadOnlySpan<byte> data) =>
        WrittenLayout.TryDecode(data, out var fields) ? fields : DecodeAnyFields(data);

    // Any JSON: the general reader, for what WrittenLayout does not take.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static JourneyEventFields DecodeAnyFields(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        ReadOnlySpan<byte> journeyType = default, activity = default, subject = default;
        bool hasJourneyType = false, hasAgency = false, hasActivity = false, hasSubject = false;
        DateTimeOffset occurredAt = default;
        var initiator = Initiator.Citizen;

        Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Identify(ref reader);
            reader.Read();
            switch (field)
            {
                case Field.EventId:
                    // Parsed only to fail as Deserialize does on an event id that is not one.
                    _ = reader.GetGuid();
                    break;
                case Field.JourneyType:
                    journeyType = Utf8Value(ref reader);
                    hasJourneyType = true;
                    break;
                case Field.Agency:
                    _ = Utf8Value(ref reader);
                    hasAgency = true;
                    break;
                case Field.Activity:
                    activity = Utf8Value(ref reader);
                    hasActivity = true;
                    break;
                case Field.Subject:
                    // Deserialize reads the subject without the catalog cache, so a JSON null is a missing subject.
                    hasSubject = reader.TokenType != JsonTokenType.Null;
                    subject = Utf8Value(ref reader);
                    break;
                case Field.OccurredAt:
                    occurredAt = ReadInstant(ref reader);
                    break;
                case Field.Initiator:
                    initiator = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("citizen"u8) ? Initiator.Citizen
                        : reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("agency"u8) ? Initiator.Agency
                        : reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("automatic"u8) ? Initiator.Automatic
                        : ParseInitiator(reader.GetString() ?? "");
                    break;
                case Field.Lifecycle:
                    // Not folded; compared only to fail where Deserialize does (a value that is not a string).
                    _ = reader.ValueTextEquals("start"u8);
                    break;
                default:
                    // caseRef, related, attributes and fields of newer writers: the fold reads none of them.
                    reader.Skip();
                    break;
            }
        }

        if (!hasJourneyType)
        {
            throw new JsonException("journeyType is missing");
        }
        if (!hasAgency)
        {
            throw new JsonException("agency is missing");
        }
        if (!hasActivity)
        {
            throw new JsonException("activity is missing");
        }
        if (!hasSubject)
        {
            throw new JsonException("subject is missing");
        }
        return new JourneyEventFields(journeyType, activity, subject, occurredAt, initiator);
    }

    private enum Field
    {
        Other,
        EventId,
        JourneyType,
        Agency,
        Activity,
        Subject,
        OccurredAt,
        Initiator,
        Lifecycle,
    }

    // By length, then one comparison: the names of one event cost a few comparisons instead of dozens.
    private static Field Identify(scoped ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            // Rare: ValueTextEquals unescapes before it compares.
            return reader.ValueTextEquals("eventId"u8) ? Field.EventId
                : reader.ValueTextEquals("journeyType"u8) ? Field.JourneyType
                : reader.ValueTextEquals("agency"u8) ? Field.Agency
                : reader.ValueTextEquals("activity"u8) ? Field.Activity
                : reader.ValueTextEquals("subject"u8) ? Field.Subject
                : reader.ValueTextEquals("occurredAt"u8) ? Field.OccurredAt
                : reader.ValueTextEquals("initiator"u8) ? Field.Initiator
                : reader.ValueTextEquals("lifecycle"u8) ? Field.Lifecycle
                : Field.Other;
        }
        var name = reader.ValueSpan;
        return name.Length switch
        {
            6 when name.SequenceEqual("agency"u8) => Field.Agency,
            7 when name.SequenceEqual("eventId"u8) => Field.EventId,
            7 when name.SequenceEqual("subject"u8) => Field.Subject,
            8 when name.SequenceEqual("activity"u8) => Field.Activity,
            9 when name.SequenceEqual("initiator"u8) => Field.Initiator,
            9 when name.SequenceEqual("lifecycle"u8) => Field.Lifecycle,
            10 when name.SequenceEqual("occurredAt"u8) => Field.OccurredAt,
            11 when name.SequenceEqual("journeyType"u8) => Field.JourneyType,
            _ => Field.Other,
        };
    }

    // The value's UTF-8 in place when it needs no unescaping; else (escapes, or invalid UTF-8, which GetString
    // refuses) as GetString reads it, JSON null being the empty string the catalog cache makes of it.
    private static ReadOnlySpan<byte> Utf8Value(scoped ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence && Utf8.IsValid(reader.ValueSpan))
        {
            return reader.ValueSpan;
        }
        return Encoding.UTF8.GetBytes(reader.GetString() ?? "");
    }

    public static readonly IReadOnlyDictionary<string, string> EmptyAttributes = new Dictionary<string, string>();

    // What Serialize writes parses straight from the stored bytes; anything else ISO 8601 allows still parses
    // as before, through the reader (which unescapes first) or, failing that, DateTimeOffset.Parse.
    private static DateTimeOffset ReadInstant(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String && !reader.HasValueSequence && TryParseStoredInstant(reader.ValueSpan, out var instant)
            ? instant
            : reader.TryGetDateTimeOffset(out instant)
                ? instant
                : DateTimeOffset.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses the form Serialize writes: RFC 3339 (<see cref="Rfc3339"/>) with one to seven fraction digits,
    /// its '+' escaped as \u002B as the writer escapes it. False for anything else, which then takes the general
    /// path and fails or succeeds there. Unescaping and the general ISO 8601 parser were a third of the time a
    /// rebuild spent decoding an event.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TryParseStoredInstant(ReadOnlySpan<byte> value, out DateTimeOffset instant)
    {
        var escaped = value.IndexOf("\\u002B"u8);
        if (escaped < 0)
        {
            return Rfc3339.TryParse(value, maxFractionDigits: 7, out instant);
        }
        // The offset's '+' is the only escape in a stored instant: put it back, within a short stack copy.
        Span<byte> plain = stackalloc byte[40];
        var length = value.Length - 5;
        if (length > plain.Length)
        {
            instant = default;
            return false;
        }
        value[..escaped].CopyTo(plain);
        plain[escaped] = (byte)'+';
        value[(escaped + 6)..].CopyTo(plain[(escaped + 1)..]);
        return Rfc3339.TryParse((ReadOnlySpan<byte>)plain[..length], maxFractionDigits: 7, out instant);
    }

    public static string InitiatorName(Initiator initiator) => initiator switch
    {
        Initiator.Citizen => "citizen",
        Initiator.Agency => "agency",
        _ => "automatic",
    };

    /// <summary>The initiator <see cref="InitiatorName"/> names; false for anything else.</summary>
    public static bool TryParseInitiator(string? value, out Initiator initiator)
    {
        (var known, initiator) = value switch
        {
            "citizen" => (true, Initiator.Citizen),
            "agency" => (true, Initiator.Agency),
            "automatic" => (true, Initiator.Automatic),
            _ => (false, Initiator.Citizen),
        };
        return known;
    }

    private static Initiator ParseInitiator(string? value) =>
        TryParseInitiator(value, out var initiator) ? initiator : throw new JsonException($"unknown initiator '{value}'");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new JsonException($"expected {type}");
        }
    }
}
