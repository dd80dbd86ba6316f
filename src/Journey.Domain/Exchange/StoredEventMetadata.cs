using System.Text.Json;

namespace Journey.Domain.Exchange;

/// <summary>
/// The metadata the server stores beside each journey event (UTF-8 JSON, EventStoreDB conventions):
/// <c>$correlationId</c>, <c>$causationId</c>, <c>recordedAt</c> and <c>pseudonymKeyId</c>.
/// </summary>
public sealed record StoredEventMetadata(string? CorrelationId, string? CausationId, DateTimeOffset? RecordedAt, string? PseudonymKeyId)
{
    private static readonly StoredEventMetadata Empty = new(null, null, null, null);

    /// <summary>Reads what is there; unknown fields are skipped, missing ones are null, and unreadable metadata gives all nulls.</summary>
    public static StoredEventMetadata Parse(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            return Empty;
        }
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Empty;
            }
            string? correlation = null, causation = null, keyId = null;
            DateTimeOffset? recordedAt = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("$correlationId"u8))
                {
                    reader.Read();
                    correlation = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("$causationId"u8))
                {
                    reader.Read();
                    causation = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("recordedAt"u8))
                {
                    reader.Read();
                    recordedAt = reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var at) ? at : null;
                }
                else if (reader.ValueTextEquals("pseudonymKeyId"u8))
                {
                    reader.Read();
                    keyId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            return new StoredEventMetadata(correlation, causation, recordedAt, keyId);
        }
        catch (JsonException)
        {
            // Metadata is advisory: an event with unreadable metadata is still an event.
            return Empty;
        }
    }
}
