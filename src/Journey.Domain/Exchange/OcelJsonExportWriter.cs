using System.Text.Encodings.Web;
using System.Text.Json;

namespace Journey.Domain.Exchange;

/// <summary>
/// Writes an OCEL 2.0 JSON log as it is fed (valid against the OCEL 2.0 JSON schema), in the mapping
/// <see cref="OcelMapping"/> describes. Events come first, in the order written; then the objects; then the
/// event and object types, which are known only at the end. JSON objects are unordered, so this order is
/// allowed, and it is what lets a log of any size stream through a small buffer.
/// </summary>
/// <remarks>
/// Call <see cref="WriteEvent"/> for every event, then <see cref="WriteObject"/> for every object (each
/// once, with all its relations; the caller collects them, e.g. in a temporary index), then
/// <see cref="Complete"/>. The event types list every activity written, with the attributes seen on it.
/// The output depends only on what is written, so the same input gives the same bytes.
/// </remarks>
public sealed class OcelJsonExportWriter : IDisposable
{
    private const int FlushThreshold = 1 << 16;

    private readonly Stream output;
    private readonly Utf8JsonWriter json;
    // Activity → the catalog attribute names seen on it (the fixed ones are always declared).
    private readonly SortedDictionary<string, SortedSet<string>> eventTypes = new(StringComparer.Ordinal);
    private Phase phase = Phase.Events;

    /// <summary>Starts the document on <paramref name="output"/>, which is left open.</summary>
    public OcelJsonExportWriter(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        this.output = output;
        json = new Utf8JsonWriter(output, new JsonWriterOptions
        {
            // Compact: a log of a million events is half the size, and every tool reads it with a parser.
            Indented = false,
            // Timestamps keep a readable "+01:00"; the output is a file, never embedded in HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        json.WriteStartObject();
        json.WriteStartArray("events");
    }

    private enum Phase
    {
        Events,
        Objects,
        Completed,
    }

    /// <summary>Writes one event with its attributes and qualified relations to objects.</summary>
    public void WriteEvent(RecordedJourneyEvent recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        if (phase != Phase.Events)
        {
            throw new InvalidOperationException("Events must all be written before the first object.");
        }
        var e = recorded.Event;
        if (!eventTypes.TryGetValue(e.Activity, out var names))
        {
            eventTypes[e.Activity] = names = new SortedSet<string>(StringComparer.Ordinal);
        }
        foreach (var key in e.Attributes.Keys)
        {
            names.Add(ExchangeFields.AttributeName(key));
        }

        json.WriteStartObject();
        json.WriteString("id", e.EventId.ToString());
        json.WriteString("type", e.Activity);
        json.WriteString("time", ExchangeFields.Timestamp(e.OccurredAt));
        json.WriteStartArray("attributes");
        foreach (var value in OcelMapping.EventAttributes(recorded))
        {
            json.WriteStartObject();
            json.WriteString("name", value.Name);
            json.WriteString("value", value.Value);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        WriteRelationships(OcelMapping.EventRelationships(e));
        json.WriteEndObject();
        FlushIfFull();
    }

    /// <summary>Writes one object with its relations to other objects; after the last event.</summary>
    public void WriteObject(OcelObject ocelObject, IEnumerable<OcelRelationship> relationships)
    {
        ArgumentNullException.ThrowIfNull(ocelObject);
        ArgumentNullException.ThrowIfNull(relationships);
        EnterObjects();
        json.WriteStartObject();
        json.WriteString("id", ocelObject.Id);
        json.WriteString("type", ocelObject.Type);
        json.WriteStartArray("attributes");
        foreach (var value in ocelObject.Attributes)
        {
            json.WriteStartObject();
            json.WriteString("name", value.Name);
            json.WriteString("value", value.Value);
            json.WriteString("time", OcelMapping.StaticTime);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        WriteRelationships(relationships);
        json.WriteEndObject();
        FlushIfFull();
    }

    /// <summary>Writes the type declarations, closes the document and flushes; the stream stays open.</summary>
    public void Complete()
    {
        if (phase == Phase.Completed)
        {
            return;
        }
        EnterObjects();
        json.WriteEndArray();
        phase = Phase.Completed;

        json.WriteStartArray("eventTypes");
        foreach (var (activity, names) in eventTypes)
        {
            var attributes = OcelMapping.FixedEventAttributes.Concat(names.Select(n => new OcelAttributeType(n, "string")));
            WriteType(new OcelTypeDeclaration(activity, [.. attributes]));
        }
        json.WriteEndArray();
        json.WriteStartArray("objectTypes");
        foreach (var type in OcelMapping.ObjectTypes)
        {
            WriteType(type);
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.Flush();
    }

    public void Dispose() => json.Dispose();

    private void EnterObjects()
    {
        if (phase == Phase.Completed)
        {
            throw new InvalidOperationException("The log is complete.");
        }
        if (phase == Phase.Events)
        {
            json.WriteEndArray();
            json.WriteStartArray("objects");
            phase = Phase.Objects;
        }
    }

    private void WriteRelationships(IEnumerable<OcelRelationship> relationships)
    {
        json.WriteStartArray("relationships");
        foreach (var relationship in relationships)
        {
            json.WriteStartObject();
            json.WriteString("objectId", relationship.ObjectId);
            json.WriteString("qualifier", relationship.Qualifier);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private void WriteType(OcelTypeDeclaration type)
    {
        json.WriteStartObject();
        json.WriteString("name", type.Name);
        json.WriteStartArray("attributes");
        foreach (var attribute in type.Attributes)
        {
            json.WriteStartObject();
            json.WriteString("name", attribute.Name);
            json.WriteString("type", attribute.Type);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void FlushIfFull()
    {
        if (json.BytesPending >= FlushThreshold)
        {
            json.Flush();
        }
    }
}
