namespace Journey.Storage.Sqlite;

/// <summary>
/// A Bloom filter over event ids: "certainly not stored" for almost every new id, so the writer looks an id up
/// in the store only when it may be there. About ten bits an id, one false "maybe" in a hundred.
/// </summary>
/// <remarks>
/// It grows without being built again: when the newest layer holds as many ids as it was sized for, a layer of
/// twice the size takes the next ones (a scalable Bloom filter, Almeida et al., 2007). Built again from the id
/// table, it stopped the writer, and every append queued behind it, for about a second per million stored ids
/// each time the store doubled. Each new layer spends two more bits an id and probes once more, so the false
/// "maybe"s of all layers together stay under about one and a half in a hundred.
/// </remarks>
internal sealed class IdFilter
{
    private const int MinimumCapacity = 1 << 16;

    private readonly List<Layer> _layers = [];

    public IdFilter(long capacity)
    {
        _layers.Add(new Layer(Math.Max(capacity, MinimumCapacity), depth: 0));
    }

    /// <summary>Ids the layers so far were sized for; past it the next id opens a new layer.</summary>
    public long Capacity => _layers.Sum(layer => layer.Capacity);

    public long Count { get; private set; }

    /// <summary>Layers so far: one, until the filter first outgrows its first size.</summary>
    public int Layers => _layers.Count;

    public void Add(Guid id)
    {
        var layer = _layers[^1];
        if (layer.Count >= layer.Capacity)
        {
            layer = new Layer(layer.Capacity * 2, _layers.Count);
            _layers.Add(layer);
        }
        var (h1, h2) = Hashes(id);
        layer.Add(h1, h2);
        Count++;
    }

    /// <summary>False: the id was never added. True: it may have been.</summary>
    public bool MayContain(Guid id)
    {
        var (h1, h2) = Hashes(id);
        foreach (var layer in _layers)
        {
            if (layer.MayContain(h1, h2))
            {
                return true;
            }
        }
        return false;
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

    /// <summary>
    /// One Bloom filter of fixed size. The first has ten bits an id and seven probes (~1 % false "maybe"s when
    /// full); each deeper one two bits and one probe more (~0.3 %, ~0.1 %, …).
    /// </summary>
    private sealed class Layer
    {
        private readonly ulong _probes;
        private readonly ulong _bitCount;
        private readonly ulong[] _bits;

        public Layer(long capacity, int depth)
        {
            var deeper = Math.Min(depth, 8);
            Capacity = capacity;
            _probes = (ulong)(7 + deeper);
            _bitCount = (ulong)(capacity * (10 + 2 * deeper));
            _bits = new ulong[(_bitCount + 63) / 64];
        }

        public long Capacity { get; }

        public long Count { get; private set; }

        public void Add(ulong h1, ulong h2)
        {
            for (var i = 0UL; i < _probes; i++)
            {
                var bit = (h1 + i * h2) % _bitCount;
                _bits[bit >> 6] |= 1UL << (int)(bit & 63);
            }
            Count++;
        }

        public bool MayContain(ulong h1, ulong h2)
        {
            for (var i = 0UL; i < _probes; i++)
            {
                var bit = (h1 + i * h2) % _bitCount;
                if ((_bits[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
                {
                    return false;
                }
            }
            return true;
        }
    }
}
