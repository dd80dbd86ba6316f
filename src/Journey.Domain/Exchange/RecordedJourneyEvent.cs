using Journey.Domain.Events;

namespace Journey.Domain.Exchange;

/// <summary>
/// A stored journey event with its place and time in the log: what a replay delivers and an export writes.
/// Every person in <see cref="Event"/> is a pseudonym.
/// </summary>
/// <param name="Position">Position in the global log.</param>
/// <param name="RecordedAt">When the server recorded the event.</param>
/// <param name="Event">The event as stored.</param>
public sealed record RecordedJourneyEvent(ulong Position, DateTimeOffset RecordedAt, JourneyEvent Event);
