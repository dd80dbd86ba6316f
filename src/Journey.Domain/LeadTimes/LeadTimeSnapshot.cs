using System.Buffers;
using System.Text;

namespace Journey.Domain.LeadTimes;

/// <summary>
/// The binary snapshot of a <see cref="LeadTimeProjection"/>. Layout, version 2 (integers are unsigned
/// LEB128 varints, strings a varint byte length then UTF-8):
/// <code>
/// "JLTS" version flags(bit 0: has checkpoint) [checkpoint] eventsApplied eventsIgnored typeCount
///   type:    id activityCount activityCode* journeyCount journey*
///   journey: subject entryCount entry*
///   entry:   activityIndex ticksDelta zigzag(offsetMinutes) initiator
/// </code>
/// Entries are in journey order, so each one's UTC ticks are stored as the (non-negative) delta from the
/// previous one in its journey (the first from zero). Activities are stored by code, not by the index a
/// catalog happened to give them. Bump <see cref="Version"/> on any change of layout; an older version is
/// refused, and the projection is then folded again from the log.
/// </summary>
/// <remarks>Version 2 keeps every known activity (version 1 kept only those with a lead-time role) and each
/// event's initiator.</remarks>
internal static class LeadTimeSnapshot
{
    public const int Version = 2;

    private static ReadOnlySpan<byte> Magic => "JLTS"u8;

    private const int MaxOffsetMinutes = 14 * 60;
    private const int MaxInitiator = (int)Events.Initiator.Automatic;

    public static byte[] Write(LeadTimeProjection projection, IReadOnlyList<CompiledJourneyType> journeyTypes)
    {
        var w = new Writer(64 * 1024);
        w.Bytes(Magic);
        w.VarUInt(Version);
        w.VarUInt(projection.Checkpoint.HasValue ? 1u : 0u);
        if (projection.Checkpoint is { } checkpoint)
        {
            w.VarUInt(checkpoint);
        }
        w.VarUInt((ulong)projection.EventsApplied);
        w.VarUInt((ulong)projection.EventsIgnored);
        w.VarUInt((ulong)journeyTypes.Count);
        foreach (var type in journeyTypes)
        {
            w.String(type.Id);
            w.VarUInt((ulong)type.ActivityCodes.Length);
            foreach (var code in type.ActivityCodes)
            {
                w.String(code);
            }
            w.VarUInt((ulong)type.Journeys.Count);
            foreach (var (subject, journey) in type.Journeys)
            {
                w.Utf8(subject);
                var entries = journey.Entries;
                w.VarUInt((ulong)entries.Length);
                long previous = 0;
                foreach (var entry in entries)
                {
                    w.VarUInt((ulong)entry.Activity);
                    w.VarUInt((ulong)(entry.UtcTicks - previous));
                    w.VarUInt(ZigZag(entry.OffsetMinutes));
                    w.VarUInt(entry.Initiator);
                    previous = entry.UtcTicks;
                }
            }
        }
        return w.ToArray();
    }

    public readonly record struct Counters(ulong? Checkpoint, long EventsApplied, long EventsIgnored, int Journeys);

    /// <summary>Reads a snapshot into the journey types of a fresh projection; returns its counters.</summary>
    public static Counters Read(ReadOnlySpan<byte> snapshot, Dictionary<string, CompiledJourneyType> journeyTypes)
    {
        var r = new Reader(snapshot);
        if (!r.Bytes(Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException("Not a lead-time snapshot.");
        }
        var version = r.VarUInt();
        if (version != Version)
        {
            throw new InvalidDataException($"Lead-time snapshot version {version} is not supported (expected {Version}).");
        }
        ulong? checkpoint = r.VarUInt() switch
        {
            0 => null,
            1 => r.VarUInt(),
            _ => throw new InvalidDataException("Corrupt lead-time snapshot: bad flags."),
        };
        var applied = r.Count(long.MaxValue);
        var ignored = r.Count(applied);
        var journeys = 0;
        var typeCount = r.Count(int.MaxValue);
        for (var t = 0; t < typeCount; t++)
        {
            var typeId = r.String();
            journeyTypes.TryGetValue(typeId, out var type);

            // Snapshot activity index → this catalog's index, or -1 when the catalog no longer knows it.
            var activityCount = r.Count(short.MaxValue + 1);
            var map = new short[activityCount];
            for (var a = 0; a < activityCount; a++)
            {
                var code = r.String();
                map[a] = type is not null && type.ActivityIndex.TryGetValue(code, out var index) ? index : (short)-1;
            }

            var journeyCount = r.Count(int.MaxValue);
            for (var j = 0; j < journeyCount; j++)
            {
                var subject = r.Utf8();
                var entryCount = r.Count(r.Remaining / 4);
                var entries = new TimelineEntry[entryCount];
                var kept = 0;
                long ticks = 0;
                for (var e = 0; e < entryCount; e++)
                {
                    var activity = r.Count(activityCount - 1);
                    ticks += r.Count(DateTime.MaxValue.Ticks - ticks);
                    var offset = UnZigZag(r.VarUInt());
                    if (offset is < -MaxOffsetMinutes or > MaxOffsetMinutes)
                    {
                        throw new InvalidDataException("Corrupt lead-time snapshot: UTC offset out of range.");
                    }
                    var initiator = r.Count(MaxInitiator);
                    if (map[activity] >= 0)
                    {
                        entries[kept++] = new TimelineEntry(ticks, (short)offset, map[activity], (byte)initiator);
                    }
                }
                if (type is null)
                {
                    continue;
                }
                if (kept < entries.Length)
                {
                    Array.Resize(ref entries, kept);
                }
                if (!type.Journeys.TryAdd(subject, new JourneyTimeline(entries, type.LifeEventActivity)))
                {
                    throw new InvalidDataException($"Corrupt lead-time snapshot: journey {typeId}/{Encoding.UTF8.GetString(subject)} appears twice.");
                }
                journeys++;
            }
        }
        if (r.Remaining != 0)
        {
            throw new InvalidDataException("Corrupt lead-time snapshot: trailing bytes.");
        }
        return new Counters(checkpoint, (long)applied, (long)ignored, journeys);
    }

    private static ulong ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    private static int UnZigZag(ulong value) =>
        value > uint.MaxValue
            ? throw new InvalidDataException("Corrupt lead-time snapshot: UTC offset out of range.")
            : (int)((uint)value >> 1) ^ -(int)((uint)value & 1);

    private sealed class Writer(int capacity)
    {
        private readonly ArrayBufferWriter<byte> buffer = new(capacity);

        public void Bytes(ReadOnlySpan<byte> bytes) => buffer.Write(bytes);

        public void VarUInt(ulong value)
        {
            var span = buffer.GetSpan(10);
            var i = 0;
            while (value >= 0x80)
            {
                span[i++] = (byte)(value | 0x80);
                value >>= 7;
            }
            span[i++] = (byte)value;
            buffer.Advance(i);
        }

        public void String(string value)
        {
            var length = Encoding.UTF8.GetByteCount(value);
            VarUInt((ulong)length);
            var written = Encoding.UTF8.GetBytes(value, buffer.GetSpan(length));
            buffer.Advance(written);
        }

        /// <summary>Text already in UTF-8, laid out as <see cref="String(string)"/> lays out a string.</summary>
        public void Utf8(ReadOnlySpan<byte> value)
        {
            VarUInt((ulong)value.Length);
            buffer.Write(value);
        }

        public byte[] ToArray() => buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads the layout back, refusing truncated or out-of-range data rather than misreading it.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private int position;

        public readonly int Remaining => data.Length - position;

        public ReadOnlySpan<byte> Bytes(int length)
        {
            if (length > Remaining)
            {
                throw Truncated();
            }
            var bytes = data.Slice(position, length);
            position += length;
            return bytes;
        }

        public ulong VarUInt()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (position >= data.Length)
                {
                    throw Truncated();
                }
                var b = data[position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
            throw new InvalidDataException("Corrupt lead-time snapshot: varint too long.");
        }

        /// <summary>A varint that must lie in [0, <paramref name="max"/>].</summary>
        public int Count(int max) => (int)Count((long)max);

        public long Count(long max)
        {
            var value = VarUInt();
            if (max < 0 || value > (ulong)max)
            {
                throw new InvalidDataException("Corrupt lead-time snapshot: value out of range.");
            }
            return (long)value;
        }

        public string String()
        {
            var length = Count(Remaining);
            return Encoding.UTF8.GetString(Bytes(length));
        }

        public byte[] Utf8() => Bytes(Count(Remaining)).ToArray();

        private static InvalidDataException Truncated() => new("Corrupt lead-time snapshot: truncated.");
    }
}
