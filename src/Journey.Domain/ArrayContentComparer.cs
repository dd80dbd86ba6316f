using System.Runtime.InteropServices;

namespace Journey.Domain;

/// <summary>
/// Compares arrays of plain values by content, and looks them up by a span as well, so that finding a key
/// already present allocates nothing: activity sequences of a log's variants, the UTF-8 subjects the
/// lead-time projection keys its journeys by.
/// </summary>
internal sealed class ArrayContentComparer<T> : IEqualityComparer<T[]>, IAlternateEqualityComparer<ReadOnlySpan<T>, T[]>
    where T : unmanaged, IEquatable<T>
{
    public static readonly ArrayContentComparer<T> Instance = new();

    public bool Equals(T[]? x, T[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(T[] obj) => Hash(obj);

    public bool Equals(ReadOnlySpan<T> alternate, T[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<T> alternate) => Hash(alternate);

    public T[] Create(ReadOnlySpan<T> alternate) => alternate.ToArray();

    // HashCode is seeded per process, so keys chosen to collide cannot slow a dictionary down.
    private static int Hash(ReadOnlySpan<T> values)
    {
        var hash = new HashCode();
        hash.AddBytes(MemoryMarshal.AsBytes(values));
        return hash.ToHashCode();
    }
}
