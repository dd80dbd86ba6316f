using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

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

    /// <summary>Serialises deterministically: the same event always gives the same bytes.</summary>
    public static byte[] Serialize(JourneyEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
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
            w.WriteString("occurredAt", e.OccurredAt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", System.Globalization.CultureInfo.InvariantCulture));
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
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A digest of the stored bytes, to tell a true re-send from an id reused for other content.</summary>
    public static byte[] ContentHash(ReadOnlySpan<byte> data) => SHA256.HashData(data);

    public static JourneyEvent Deserialize(ReadOnlySpan<byte> data)
    {
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
                case "journeyType": journeyType = reader.GetString(); break;
                case "agency": agency = reader.GetString(); break;
                case "activity": activity = reader.GetString(); break;
                case "subject": subject = reader.GetString(); break;
                case "occurredAt": occurredAt = DateTimeOffset.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture); break;
                case "initiator": initiator = ParseInitiator(reader.GetString()); break;
                case "lifecycle": lifecycle = reader.GetString() == "start" ? Lifecycle.Start : Lifecycle.Complete; break;
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
                            if (p == "role") role = reader.GetString();
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

    public static readonly IReadOnlyDictionary<string, string> EmptyAttributes = new Dictionary<string, string>();

    public static string InitiatorName(Initiator initiator) => initiator switch
    {
        Initiator.Citizen => "citizen",
        Initiator.Agency => "agency",
        _ => "automatic",
    };

    private static Initiator ParseInitiator(string? value) => value switch
    {
        "citizen" => Initiator.Citizen,
        "agency" => Initiator.Agency,
        "automatic" => Initiator.Automatic,
        _ => throw new JsonException($"unknown initiator '{value}'"),
    };

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new JsonException($"expected {type}");
        }
    }
}
