using System.Text;
using Journey.Domain.Events;

namespace Journey.Domain.Exchange;

/// <summary>An attribute an OCEL event or object type declares: its name and OCEL type (string, integer, time, …).</summary>
public sealed record OcelAttributeType(string Name, string Type);

/// <summary>An OCEL event or object type with the attributes it declares.</summary>
public sealed record OcelTypeDeclaration(string Name, IReadOnlyList<OcelAttributeType> Attributes);

/// <summary>An attribute value of an OCEL event or object, as text.</summary>
public sealed record OcelValue(string Name, string Value);

/// <summary>A qualified relation from an event or object to an object.</summary>
public sealed record OcelRelationship(string ObjectId, string Qualifier);

/// <summary>An OCEL object with its attributes, which do not change over time in a journey log.</summary>
public sealed record OcelObject(string Id, string Type, IReadOnlyList<OcelValue> Attributes);

/// <summary>A qualified relation between two objects.</summary>
public sealed record OcelObjectRelationship(string SourceId, string TargetId, string Qualifier);

/// <summary>
/// How the journey log maps onto OCEL 2.0: one life event touches a journey, its subject, related persons
/// and an agency's case, and OCEL keeps all of them instead of flattening onto one case notion.
/// </summary>
/// <remarks>
/// <para><b>Events.</b> id = the event id; type = the activity code; time = occurred-at with its offset;
/// attributes <c>agency</c>, <c>initiator</c>, <c>lifecycle</c>, <c>position</c>, <c>recorded_at</c> and the
/// catalog attributes (named as <see cref="ExchangeFields.AttributeName"/> says).</para>
/// <para><b>Objects.</b> <c>journey</c> (<c>journey:{journeyType}:{pseudonym}</c>, attribute
/// <c>journey_type</c>), <c>person</c> (<c>person:{pseudonym}</c>: the same person in several journeys is
/// one object) and <c>case</c> (<c>case:{agency}:{caseRef}</c>, attributes <c>agency</c> and
/// <c>case_ref</c>). Object attributes never change, so they carry OCEL's static time, the Unix epoch.</para>
/// <para><b>Relations.</b> Event to object: <c>journey</c>, <c>subject</c>, the related person's role (e.g.
/// <c>mother</c>), <c>case</c>. Object to object, from the journey: <c>subject</c>, each role, <c>case</c>.</para>
/// </remarks>
public static class OcelMapping
{
    public const string JourneyObjectType = "journey";
    public const string PersonObjectType = "person";
    public const string CaseObjectType = "case";

    public const string JourneyQualifier = "journey";
    public const string SubjectQualifier = "subject";
    public const string CaseQualifier = "case";

    /// <summary>The time OCEL gives attributes that hold from the start.</summary>
    public const string StaticTime = "1970-01-01T00:00:00Z";

    public static IReadOnlyList<OcelTypeDeclaration> ObjectTypes { get; } =
    [
        new(CaseObjectType, [new(ExchangeFields.Agency, "string"), new(ExchangeFields.CaseRef, "string")]),
        new(JourneyObjectType, [new(ExchangeFields.JourneyType, "string")]),
        new(PersonObjectType, []),
    ];

    /// <summary>The attributes every event has, before its catalog attributes.</summary>
    public static IReadOnlyList<OcelAttributeType> FixedEventAttributes { get; } =
    [
        new(ExchangeFields.Agency, "string"),
        new(ExchangeFields.Initiator, "string"),
        new(ExchangeFields.Lifecycle, "string"),
        new(ExchangeFields.Position, "integer"),
        new(ExchangeFields.RecordedAt, "time"),
    ];

    public static string JourneyObjectId(JourneyId journey) => $"journey:{journey.JourneyType}:{journey.Subject}";

    public static string PersonObjectId(string pseudonym) => "person:" + pseudonym;

    public static string CaseObjectId(string agency, string caseRef) => $"case:{agency}:{caseRef}";

    /// <summary>The event's attribute values: the fixed ones in declared order, then the catalog ones by exported name.</summary>
    public static IReadOnlyList<OcelValue> EventAttributes(RecordedJourneyEvent recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        var e = recorded.Event;
        var values = new List<OcelValue>(FixedEventAttributes.Count + e.Attributes.Count)
        {
            new(ExchangeFields.Agency, e.Agency),
            new(ExchangeFields.Initiator, JourneyEventJson.InitiatorName(e.Initiator)),
            new(ExchangeFields.Lifecycle, ExchangeFields.LifecycleName(e.Lifecycle)),
            new(ExchangeFields.Position, ExchangeFields.Number(recorded.Position)),
            new(ExchangeFields.RecordedAt, ExchangeFields.Timestamp(recorded.RecordedAt)),
        };
        var fixedCount = values.Count;
        foreach (var (key, value) in e.Attributes)
        {
            values.Add(new(ExchangeFields.AttributeName(key), value));
        }
        values.Sort(fixedCount, values.Count - fixedCount, ByName.Instance);
        return values;
    }

    /// <summary>The objects the event touches, each once, in a fixed order.</summary>
    public static IReadOnlyList<OcelObject> Objects(JourneyEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var objects = new List<OcelObject>(3 + e.Related.Count)
        {
            new(JourneyObjectId(e.JourneyId), JourneyObjectType, [new(ExchangeFields.JourneyType, e.JourneyType)]),
            new(PersonObjectId(e.Subject), PersonObjectType, []),
        };
        foreach (var person in e.Related)
        {
            var id = PersonObjectId(person.Person);
            if (!objects.Exists(o => o.Id == id))
            {
                objects.Add(new(id, PersonObjectType, []));
            }
        }
        if (e.CaseRef is { } caseRef)
        {
            objects.Add(new(CaseObjectId(e.Agency, caseRef), CaseObjectType, [new(ExchangeFields.Agency, e.Agency), new(ExchangeFields.CaseRef, caseRef)]));
        }
        return objects;
    }

    /// <summary>The event's qualified relations to its objects, each (object, qualifier) once.</summary>
    public static IReadOnlyList<OcelRelationship> EventRelationships(JourneyEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var relationships = new List<OcelRelationship>(3 + e.Related.Count)
        {
            new(JourneyObjectId(e.JourneyId), JourneyQualifier),
            new(PersonObjectId(e.Subject), SubjectQualifier),
        };
        foreach (var person in e.Related)
        {
            AddOnce(relationships, new(PersonObjectId(person.Person), person.Role));
        }
        if (e.CaseRef is { } caseRef)
        {
            relationships.Add(new(CaseObjectId(e.Agency, caseRef), CaseQualifier));
        }
        return relationships;
    }

    /// <summary>The relations between objects the event shows, from its journey to the others.</summary>
    public static IReadOnlyList<OcelObjectRelationship> ObjectRelationships(JourneyEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var journey = JourneyObjectId(e.JourneyId);
        var relationships = new List<OcelObjectRelationship>(2 + e.Related.Count)
        {
            new(journey, PersonObjectId(e.Subject), SubjectQualifier),
        };
        foreach (var person in e.Related)
        {
            AddOnce(relationships, new(journey, PersonObjectId(person.Person), person.Role));
        }
        if (e.CaseRef is { } caseRef)
        {
            relationships.Add(new(journey, CaseObjectId(e.Agency, caseRef), CaseQualifier));
        }
        return relationships;
    }

    /// <summary>
    /// The name part of a type's table in the OCEL SQLite layout (<c>event_{part}</c>, <c>object_{part}</c>):
    /// the type name's ASCII letters and digits, as PM4Py maps "Purchase Order" to "PurchaseOrder", with dots,
    /// hyphens and underscores as underscores so an activity code stays readable. Two names may map to the
    /// same part; the writer of the tables tells them apart.
    /// </summary>
    public static string TableSuffix(string typeName)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeName);
        var name = new StringBuilder(typeName.Length);
        foreach (var c in typeName)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                name.Append(c);
            }
            else if (c is '.' or '-' or '_')
            {
                name.Append('_');
            }
        }
        return name.ToString();
    }

    private static void AddOnce<T>(List<T> list, T item)
    {
        if (!list.Contains(item))
        {
            list.Add(item);
        }
    }

    private sealed class ByName : IComparer<OcelValue>
    {
        public static readonly ByName Instance = new();

        public int Compare(OcelValue? x, OcelValue? y) => string.CompareOrdinal(x?.Name, y?.Name);
    }
}
