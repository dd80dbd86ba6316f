using System.Collections.Concurrent;

namespace Journey.Storage.Sqlite;

/// <summary>
/// The streams this process knows of whose names are not yet in the name index (<c>stream_names</c>), by name:
/// shared by the store's writer, which adds a stream once the transaction that began it has committed and
/// removes it once a run has written its name to the index (<see cref="StreamNameIndex"/>), and the store's
/// readers, which look here before they look in the file (<see cref="SqliteSchema.StreamNumber"/>).
/// </summary>
/// <remarks>
/// <see cref="Known"/> is the highest stream number up to which every stream is here or in the index. The writer
/// adds a stream before it raises <see cref="Known"/> past it, and a reader takes <see cref="Known"/> before it
/// looks a name up: a stream the reader misses here is then either indexed or numbered above what it took, where
/// its query looks too. A stream is removed only after the run holding its name has committed, so a reader's
/// query, which begins after the lookup, finds it in the index.
/// </remarks>
internal sealed class RecentStreams
{
    private readonly ConcurrentDictionary<string, long> _numbers = new(StringComparer.Ordinal);
    private long _known;

    /// <summary>Every stream numbered up to this is held here or in the name index.</summary>
    public long Known => Volatile.Read(ref _known);

    /// <summary>Streams held.</summary>
    public int Count => _numbers.Count;

    /// <summary>The stream's number if it is held, and what <see cref="Known"/> was just before the lookup.</summary>
    public (long? Number, long Known) Find(string name)
    {
        var known = Known;
        return (_numbers.TryGetValue(name, out var number) ? number : null, known);
    }

    /// <summary>A stream whose beginning has committed (or that another process began).</summary>
    public void Add(string name, long number) => _numbers[name] = number;

    /// <summary>Raises <see cref="Known"/>: every stream up to <paramref name="number"/> has been added or is indexed.</summary>
    public void KnowThrough(long number)
    {
        if (number > Known)
        {
            Volatile.Write(ref _known, number);
        }
    }

    /// <summary>A stream whose name the index now has.</summary>
    public void Remove(string name) => _numbers.TryRemove(name, out _);

    /// <summary>What is held now, for a run of names to write.</summary>
    public KeyValuePair<string, long>[] Snapshot() => _numbers.ToArray();
}
