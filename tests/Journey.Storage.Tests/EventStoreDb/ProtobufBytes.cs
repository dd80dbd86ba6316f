using System.Text;

namespace Journey.Storage.Tests.EventStoreDb;

/// <summary>
/// Protocol-buffer encoding written out from the specification (protobuf.dev, "Encoding"), to build
/// expected bytes by hand: a field is a tag, the varint of <c>(field number &lt;&lt; 3) | wire type</c>,
/// followed by a varint (wire type 0) or a varint length and that many bytes (wire type 2).
/// </summary>
internal static class ProtobufBytes
{
    public const int VarintWireType = 0;
    public const int LengthDelimitedWireType = 2;

    public static byte[] Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    /// <summary>Seven bits per byte, least significant group first, the high bit set on all but the last.</summary>
    public static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)((value & 0x7F) | 0x80));
            value >>= 7;
        }
        bytes.Add((byte)value);
        return [.. bytes];
    }

    /// <summary>A varint field (uint64, uint32, bool, enum).</summary>
    public static byte[] UInt(int field, ulong value) => [.. Tag(field, VarintWireType), .. Varint(value)];

    /// <summary>A length-delimited field (message, string, bytes, map entry) holding the concatenated parts.</summary>
    public static byte[] Len(int field, params byte[][] parts)
    {
        var body = parts.SelectMany(p => p).ToArray();
        return [.. Tag(field, LengthDelimitedWireType), .. Varint((ulong)body.Length), .. body];
    }

    public static byte[] Str(int field, string value) => Len(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A map&lt;string, string&gt; entry: a message with the key as field 1 and the value as field 2.</summary>
    public static byte[] MapEntry(int field, string key, string value) => Len(field, Str(1, key), Str(2, value));

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
