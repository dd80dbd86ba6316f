namespace Journey.Storage.Sqlite;

/// <summary>
/// A Bloom filter over event ids: "certainly not stored" for almost every new id, so the writer looks an id up
/// in the store only when it may be there. About ten bits an id, one false "maybe" in a hundred.
/// </summary>
internal sealed class IdFilter
{
    private const int BitsPerId = 10;
    private const int Probes = 7;

    private readonly ulong[] _bits;
    private readonly ulong _bitCount;

    public IdFilter(long capacity)
    {
        Capacity = Math.Max(capacity, 1 << 16);
        _bitCount = (ulong)(Capacity * BitsPerId);
        _bits = new ulong[(_bitCount + 63) / 64];
    }

    /// <summary>Ids it was sized for: past this its false "maybe"s grow.</summary>
    public long Capacity { get; }

    public long Count { get; private set; }

    public void Add(Guid id)
    {
        var (h1, h2) = Hashes(id);
        for (var i = 0UL; i < Probes; i++)
        {
            var bit = (h1 + i * h2) % _bitCount;
            _bits[bit >> 6] |= 1UL << (int)(bit & 63);
        }
        Count++;
    }

    /// <summary>False: the id was never added. True: it may have been.</summary>
    public bool MayContain(Guid id)
    {
        var (h1, h2) = Hashes(id);
        for (var i = 0UL; i < Probes; i++)
        {
            var bit = (h1 + i * h2) % _bitCount;
            if ((_bits[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
            {
                return false;
            }
        }
        return true;
    }

    // Agencies' ids need not be random (time-ordered UUIDs share their first bytes): both halves are mixed.
    private static (ulong, ulong) Hashes(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        var low = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var high = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        return (Mix(low ^ Mix(high)), Mix(high + 0x9E3779B97F4A7C15UL) | 1);
    }

    // SplitMix64's finaliser.
    private static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
