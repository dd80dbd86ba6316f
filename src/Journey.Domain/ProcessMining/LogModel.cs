namespace Journey.Domain.ProcessMining;

/// <summary>
/// One event of a case as an agency's case system exported it (XES or CSV).
/// </summary>
/// <param name="Activity">The activity name (XES <c>concept:name</c>).</param>
/// <param name="Timestamp">When it happened, with the offset the file gave; a value without an offset is read as UTC.</param>
/// <param name="Lifecycle">XES <c>lifecycle:transition</c> (<c>start</c>, <c>complete</c>, …), if any.</param>
/// <param name="Resource">XES <c>org:resource</c>, if any.</param>
/// <param name="Group">XES <c>org:group</c>, if any.</param>
/// <param name="Attributes">
/// Every other attribute of the event, keyed by its name: the five above are not repeated here. Values are
/// <see cref="string"/> (XES string and id), <see cref="DateTimeOffset"/> (date), <see cref="long"/> (int),
/// <see cref="double"/> (float) or <see cref="bool"/> (boolean).
/// </param>
public sealed record LogEvent(
    string Activity,
    DateTimeOffset Timestamp,
    string? Lifecycle,
    string? Resource,
    string? Group,
    IReadOnlyDictionary<string, object?> Attributes);

/// <summary>One case (an XES trace) with its events in file order, not re-ordered by time.</summary>
/// <param name="CaseId">The case id (XES trace <c>concept:name</c>).</param>
/// <param name="Events">The events in the order the file lists them.</param>
/// <param name="Attributes">The other attributes of the case, typed as in <see cref="LogEvent.Attributes"/>.</param>
public sealed record LogTrace(
    string CaseId,
    IReadOnlyList<LogEvent> Events,
    IReadOnlyDictionary<string, object?> Attributes);
