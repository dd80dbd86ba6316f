namespace Journey.Domain.Events;

/// <summary>Who started a step of a journey.</summary>
public enum Initiator
{
    /// <summary>The citizen asked for it (an application).</summary>
    Citizen,
    /// <summary>An agency case worker started it.</summary>
    Agency,
    /// <summary>A system started it on data the public sector already holds.</summary>
    Automatic,
}

/// <summary>XES lifecycle transition of an event.</summary>
public enum Lifecycle
{
    Complete,
    Start,
}

/// <summary>A person related to the journey's subject, already pseudonymised.</summary>
public sealed record RelatedPerson(string Role, string Person);

/// <summary>
/// One recorded step of a journey, as stored: validated, with every person replaced by a pseudonym.
/// Never carries an identity number.
/// </summary>
public sealed record JourneyEvent(
    Guid EventId,
    string JourneyType,
    string Agency,
    string Activity,
    string Subject,
    IReadOnlyList<RelatedPerson> Related,
    DateTimeOffset OccurredAt,
    Initiator Initiator,
    Lifecycle Lifecycle,
    string? CaseRef,
    IReadOnlyDictionary<string, string> Attributes)
{
    public JourneyId JourneyId => new(JourneyType, Subject);
}

/// <summary>A journey is all events of one journey type for one (pseudonymised) subject.</summary>
public readonly record struct JourneyId(string JourneyType, string Subject)
{
    public const string StreamCategory = "journey";

    /// <summary>EventStoreDB-style stream name: one category, one stream per journey.</summary>
    public string StreamName => $"{StreamCategory}-{JourneyType}-{Subject}";

    public override string ToString() => StreamName;
}
