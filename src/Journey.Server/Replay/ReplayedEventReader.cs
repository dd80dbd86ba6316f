using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Journey.Domain.Events;
using Journey.Domain.Exchange;
using Journey.Storage;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Replay;

/// <summary>
/// Turns a stored journey event (<see cref="JourneyEventJson"/>'s UTF-8 JSON and the metadata beside it)
/// straight into a <see cref="Contract.ReplayedEvent"/>: one pass over the bytes, no intermediate
/// <see cref="JourneyEvent"/>, text such as <c>occurredAt</c> and <c>eventId</c> copied as stored rather than
/// parsed and formatted again, and the few values that repeat on every event (journey types, agencies,
/// activities, roles, attribute names, key ids) kept once. Replay spends most of its time here, so it is
/// written for speed; <c>ReplayedEventReaderTests</c> holds it to <see cref="JourneyEventJson.Deserialize"/>.
/// </summary>
/// <remarks>One per replay call: it caches strings and is not thread-safe.</remarks>
internal sealed class ReplayedEventReader
{
    private const int MaxInterned = 4096;
    private const int MaxInternedLength = 128;

    private readonly Dictionary<string, string> interned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> lookup;

    public ReplayedEventReader() => lookup = interned.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// Fills <paramref name="target"/> (every field is set, so a message can be reused) when the event is a
    /// journey event the selection takes; returns false and leaves it in an unspecified state otherwise.
    /// </summary>
    /// <exception cref="JsonException">The stored data is not a journey event.</exception>
    /// <exception cref="FormatException">A value in it cannot be read.</exception>
    public bool TryRead(RecordedEvent recorded, EventSelection selection, Contract.ReplayedEvent target)
    {
        if (recorded.Type != JourneyEventJson.EventType)
        {
            return false;
        }
        target.Position = recorded.Position;
        target.StreamRevision = recorded.StreamRevision;
        target.EventId = "";
        target.JourneyType = "";
        target.Agency = "";
        target.Activity = "";
        target.Subject = "";
        target.Related.Clear();
        target.OccurredAt = "";
        target.Initiator = Contract.Initiator.Citizen;
        target.Lifecycle = Contract.Lifecycle.Complete;
        target.CaseRef = "";
        target.Attributes.Clear();

        var reader = new Utf8JsonReader(recorded.Data.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a stored journey event is a JSON object");
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("eventId"u8))
            {
                reader.Read();
                target.EventId = Text(ref reader);
            }
            else if (reader.ValueTextEquals("journeyType"u8))
            {
                reader.Read();
                target.JourneyType = Interned(ref reader);
            }
            else if (reader.ValueTextEquals("agency"u8))
            {
                reader.Read();
                target.Agency = Interned(ref reader);
            }
            else if (reader.ValueTextEquals("activity"u8))
            {
                reader.Read();
                target.Activity = Interned(ref reader);
            }
            else if (reader.ValueTextEquals("subject"u8))
            {
                reader.Read();
                target.Subject = Text(ref reader);
            }
            else if (reader.ValueTextEquals("occurredAt"u8))
            {
                reader.Read();
                target.OccurredAt = Text(ref reader);
            }
            else if (reader.ValueTextEquals("initiator"u8))
            {
                reader.Read();
                target.Initiator = reader.ValueTextEquals("citizen"u8) ? Contract.Initiator.Citizen
                    : reader.ValueTextEquals("agency"u8) ? Contract.Initiator.Agency
                    : reader.ValueTextEquals("automatic"u8) ? Contract.Initiator.Automatic
                    : throw new JsonException("unknown initiator");
            }
            else if (reader.ValueTextEquals("lifecycle"u8))
            {
                reader.Read();
                target.Lifecycle = reader.ValueTextEquals("start"u8) ? Contract.Lifecycle.Start : Contract.Lifecycle.Complete;
            }
            else if (reader.ValueTextEquals("caseRef"u8))
            {
                reader.Read();
                target.CaseRef = Text(ref reader);
            }
            else if (reader.ValueTextEquals("related"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    var person = new Contract.ReplayedPerson();
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("role"u8))
                        {
                            reader.Read();
                            person.Role = Interned(ref reader);
                        }
                        else if (reader.ValueTextEquals("person"u8))
                        {
                            reader.Read();
                            person.Pseudonym = Text(ref reader);
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                    target.Related.Add(person);
                }
            }
            else if (reader.ValueTextEquals("attributes"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var key = Interned(ref reader);
                    reader.Read();
                    target.Attributes[key] = reader.TokenType == JsonTokenType.Null ? "" : Interned(ref reader);
                }
            }
            else
            {
                // Fields from newer writers: skipped, as JourneyEventJson does.
                reader.Read();
                reader.Skip();
            }
        }
        if (target.JourneyType.Length == 0 || target.Agency.Length == 0 || target.Activity.Length == 0 || target.Subject.Length == 0 || target.OccurredAt.Length == 0)
        {
            throw new JsonException("a stored journey event lacks a required field");
        }

        if (!selection.MatchesContent(target.JourneyType, target.Agency, target.Activity))
        {
            return false;
        }
        if (selection.Occurred.IsBounded && !selection.Occurred.Contains(DateTimeOffset.Parse(target.OccurredAt, CultureInfo.InvariantCulture)))
        {
            return false;
        }
        ReadMetadata(recorded, target);
        return !selection.Recorded.IsBounded || selection.Recorded.Contains(target.RecordedAt.ToDateTimeOffset());
    }

    /// <summary>Recorded-at, correlation id and key id from the metadata; the store's own time when recorded-at is missing.</summary>
    private void ReadMetadata(RecordedEvent recorded, Contract.ReplayedEvent target)
    {
        DateTimeOffset? recordedAt = null;
        target.CorrelationId = "";
        target.PseudonymKeyId = "";
        var reader = new Utf8JsonReader(recorded.Metadata.Span);
        try
        {
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("recordedAt"u8))
                    {
                        reader.Read();
                        recordedAt = reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var at) ? at : null;
                    }
                    else if (reader.ValueTextEquals("$correlationId"u8))
                    {
                        reader.Read();
                        target.CorrelationId = reader.TokenType == JsonTokenType.String ? Interned(ref reader) : "";
                    }
                    else if (reader.ValueTextEquals("pseudonymKeyId"u8))
                    {
                        reader.Read();
                        target.PseudonymKeyId = reader.TokenType == JsonTokenType.String ? Interned(ref reader) : "";
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Metadata is advisory (as StoredEventMetadata reads it): the event still replays.
        }
        // As Timestamp.FromDateTimeOffset, into the message's own Timestamp so a reused message allocates none.
        var ticks = (recordedAt ?? recorded.Created).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }
        target.RecordedAt ??= new Timestamp();
        target.RecordedAt.Seconds = seconds;
        target.RecordedAt.Nanos = (int)(remainder * 100);
    }

    private static string Text(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("expected a string");

    /// <summary>A string value or property name, shared with earlier equal values while the cache has room.</summary>
    private string Interned(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            throw new JsonException("expected a string");
        }
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > MaxInternedLength)
        {
            return reader.GetString()!;
        }
        var utf8 = reader.ValueSpan;
        Span<char> chars = stackalloc char[MaxInternedLength];
        var length = Encoding.UTF8.GetChars(utf8, chars);
        var text = chars[..length];
        if (lookup.TryGetValue(text, out var known))
        {
            return known;
        }
        var value = new string(text);
        if (interned.Count < MaxInterned)
        {
            interned[value] = value;
        }
        return value;
    }
}
