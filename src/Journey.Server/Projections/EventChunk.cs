using System.Runtime.CompilerServices;
using System.Text;
using Journey.Domain.Events;
using Journey.Domain.LeadTimes;
using Journey.Storage;

namespace Journey.Server.Projections;

/// <summary>
/// Events of journey streams in log order: each one's position and, for journey events, its stored JSON
/// in one shared buffer. Reused from page to page, so reading the log into a fold allocates only while
/// buffers grow. A rebuild (<see cref="ProjectionReplay"/>) and the live projection (<see cref="ProjectionFeed"/>)
/// both read through chunks.
/// </summary>
internal sealed class EventChunk(int capacity) : IEventVisitor
{
    // A length for events of other types: read and counted, but not journey events.
    private const int NotJourneyEvent = -1;

    private static readonly byte[] JourneyEventType = Encoding.UTF8.GetBytes(JourneyEventJson.EventType);

    private ulong[] _positions = new ulong[capacity];
    private int[] _starts = new int[capacity];
    private int[] _lengths = new int[capacity];
    // Room for events of a typical size; grows when they are larger.
    private byte[] _data = new byte[capacity * 384];
    private int _used;

    public int Count { get; private set; }

    public ulong LastPosition => _positions[Count - 1];

    public void Clear()
    {
        Count = 0;
        _used = 0;
    }

    public void Visit(ulong position, ReadOnlySpan<byte> stream, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data) =>
        Add(position, type.SequenceEqual(JourneyEventType), data);

    public void Add(RecordedEvent recorded) =>
        Add(recorded.Position, recorded.Type == JourneyEventJson.EventType, recorded.Data.Span);

    // Runs per event of a rebuild, from cold: optimised at once rather than after tiering up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ulong position, bool journeyEvent, ReadOnlySpan<byte> data)
    {
        if (Count == _positions.Length)
        {
            Array.Resize(ref _positions, Count * 2);
            Array.Resize(ref _starts, Count * 2);
            Array.Resize(ref _lengths, Count * 2);
        }
        _positions[Count] = position;
        if (journeyEvent)
        {
            if (_used + data.Length > _data.Length)
            {
                Array.Resize(ref _data, Math.Max(_used + data.Length, _data.Length * 2));
            }
            data.CopyTo(_data.AsSpan(_used));
            _starts[Count] = _used;
            _lengths[Count] = data.Length;
            _used += data.Length;
        }
        else
        {
            _lengths[Count] = NotJourneyEvent;
        }
        Count++;
    }

    /// <summary>The position of the event at <paramref name="index"/>.</summary>
    public ulong PositionAt(int index) => _positions[index];

    // Runs per event of a rebuild, from cold: optimised at once rather than after tiering up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void FoldInto(LeadTimeProjection projection)
    {
        for (var i = 0; i < Count; i++)
        {
            Apply(i, projection);
        }
    }

    /// <summary>Folds the event at <paramref name="index"/> into <paramref name="projection"/>, when it is a journey event.</summary>
    /// <exception cref="System.Text.Json.JsonException">Its bytes are no journey event.</exception>
    /// <exception cref="FormatException">Its bytes are no journey event.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(int index, LeadTimeProjection projection)
    {
        if (_lengths[index] != NotJourneyEvent)
        {
            projection.Apply(_positions[index], JourneyEventJson.DecodeFields(_data.AsSpan(_starts[index], _lengths[index])));
        }
    }
}
