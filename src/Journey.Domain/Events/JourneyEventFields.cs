namespace Journey.Domain.Events;

/// <summary>
/// The fields of a stored journey event that the lead-time fold reads, decoded in place from its JSON by
/// <see cref="JourneyEventJson.DecodeFields"/>: the strings stay UTF-8 spans, so a rebuild decodes millions of
/// events without allocating a <see cref="JourneyEvent"/> or a string for each. The spans point into the
/// stored bytes (or, for a value JSON escaped, a copy), so a value lives no longer than those bytes.
/// </summary>
public readonly ref struct JourneyEventFields(
    ReadOnlySpan<byte> journeyType,
    ReadOnlySpan<byte> activity,
    ReadOnlySpan<byte> subject,
    DateTimeOffset occurredAt,
    Initiator initiator)
{
    /// <summary>UTF-8 of <see cref="JourneyEvent.JourneyType"/>.</summary>
    public ReadOnlySpan<byte> JourneyType { get; } = journeyType;

    /// <summary>UTF-8 of <see cref="JourneyEvent.Activity"/>.</summary>
    public ReadOnlySpan<byte> Activity { get; } = activity;

    /// <summary>UTF-8 of <see cref="JourneyEvent.Subject"/>.</summary>
    public ReadOnlySpan<byte> Subject { get; } = subject;

    public DateTimeOffset OccurredAt { get; } = occurredAt;

    public Initiator Initiator { get; } = initiator;
}
