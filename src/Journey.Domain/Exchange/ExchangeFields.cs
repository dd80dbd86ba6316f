using System.Globalization;
using System.Text;
using Journey.Domain.Events;

namespace Journey.Domain.Exchange;

/// <summary>
/// How a journey event's fields are named and written in every export format, so XES, CSV and OCEL say
/// the same thing the same way.
/// </summary>
/// <remarks>
/// <para>Standard process-mining keys: <c>concept:name</c> = activity code, <c>time:timestamp</c> =
/// occurred-at with the offset the agency sent, <c>lifecycle:transition</c> = start | complete,
/// <c>org:group</c> = the emitting agency, <c>org:resource</c> = who performed the step where the log knows
/// it: <c>citizen</c> for steps the citizen started, <c>system</c> for automatic ones; a step an agency
/// started has no resource, because the log never names case workers.</para>
/// <para>Journey's own fields use names with an underscore (<c>recorded_at</c>, <c>case_ref</c>, …) or
/// plain words (<c>initiator</c>, <c>position</c>, <c>related</c>). Catalog attributes keep their names;
/// the catalog only allows lowercase letters, digits and hyphens there, so the one clash possible is
/// with a plain word, and such an attribute is written as <c>attribute:{name}</c>.</para>
/// </remarks>
public static class ExchangeFields
{
    public const string Initiator = "initiator";
    public const string Position = "position";
    public const string RecordedAt = "recorded_at";
    public const string CaseRef = "case_ref";
    public const string Related = "related";
    public const string EventId = "event_id";
    public const string JourneyType = "journey_type";
    public const string Subject = "subject";
    public const string Agency = "agency";
    public const string Lifecycle = "lifecycle";

    public const string CitizenResource = "citizen";
    public const string SystemResource = "system";

    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        Initiator, Position, Related, Subject, Agency, Lifecycle,
    };

    /// <summary>The case id of a journey in XES and CSV: <c>{journeyType}:{subject pseudonym}</c>.</summary>
    public static string CaseId(JourneyId journey) => $"{journey.JourneyType}:{journey.Subject}";

    /// <summary>The name an event's catalog attribute is exported under.</summary>
    public static string AttributeName(string catalogName) =>
        Reserved.Contains(catalogName) ? "attribute:" + catalogName : catalogName;

    /// <summary><c>citizen</c>, <c>system</c>, or null when the step was started by an agency (no named resource).</summary>
    public static string? Resource(Events.Initiator initiator) => initiator switch
    {
        Events.Initiator.Citizen => CitizenResource,
        Events.Initiator.Automatic => SystemResource,
        _ => null,
    };

    public static string LifecycleName(Events.Lifecycle lifecycle) => lifecycle == Events.Lifecycle.Start ? "start" : "complete";

    /// <summary>Related persons as one value: <c>role=pseudonym</c> pairs joined by <c>;</c>, in stored order.</summary>
    public static string RelatedText(IReadOnlyList<RelatedPerson> related)
    {
        var text = new StringBuilder();
        foreach (var person in related)
        {
            if (text.Length > 0)
            {
                text.Append(';');
            }
            text.Append(person.Role).Append('=').Append(person.Person);
        }
        return text.ToString();
    }

    /// <summary>
    /// RFC 3339 / xs:dateTime with the instant's own offset: milliseconds always, and all seven digits
    /// when the value is finer than a millisecond, so nothing is lost and common values stay short.
    /// </summary>
    public static string Timestamp(DateTimeOffset instant) =>
        instant.ToString(
            instant.Ticks % TimeSpan.TicksPerMillisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss.fffzzz" : "yyyy-MM-dd'T'HH:mm:ss.fffffffzzz",
            CultureInfo.InvariantCulture);

    public static string Number(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
