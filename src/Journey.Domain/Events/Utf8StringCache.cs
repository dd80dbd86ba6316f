using System.Text;
using System.Text.Json;

namespace Journey.Domain.Events;

/// <summary>
/// Strings for JSON values drawn from a small set (journey types, agencies, activities, roles): each
/// distinct value is allocated once and handed out again when its UTF-8 bytes come back. A fixed table
/// whose slots are overwritten on collision, so a value that is not from a small set costs one string,
/// as it would without the cache. Not thread-safe: one per thread.
/// </summary>
internal sealed class Utf8StringCache
{
    private const int Slots = 1024;

    // An empty slot has no key.
    private readonly Entry[] entries = new Entry[Slots];

    /// <summary>The current token's string value.</summary>
    public string Get(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > 128)
        {
            return reader.GetString() ?? "";
        }
        var utf8 = reader.ValueSpan;
        var slot = (int)(Fnv1a(utf8) & (Slots - 1));
        var entry = entries[slot];
        if (entry.Key is not null && utf8.SequenceEqual(entry.Key))
        {
            return entry.Value;
        }
        var value = Encoding.UTF8.GetString(utf8);
        entries[slot] = new Entry(utf8.ToArray(), value);
        return value;
    }

    private readonly record struct Entry(byte[] Key, string Value);

    private static uint Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 16777619u;
        }
        return hash;
    }
}
