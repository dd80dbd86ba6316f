using System.Text;
using System.Xml;
using Journey.Domain.Events;

namespace Journey.Domain.Exchange;

/// <summary>
/// Writes an XES (IEEE 1849-2016) event log, one trace per journey, as it is fed: nothing but the current
/// element is held in memory. Readable by <see cref="ProcessMining.XesReader"/>, PM4Py, ProM and Disco.
/// </summary>
/// <remarks>
/// <para>The log declares the standard Concept, Time, Lifecycle, Organizational and Identity extensions,
/// globals for the attributes every event has, and two classifiers. A trace carries <c>concept:name</c> =
/// <c>{journeyType}:{pseudonym}</c>, <c>journey_type</c> and <c>subject</c>; an event carries the fields
/// <see cref="ExchangeFields"/> describes, <c>identity:id</c> = the event id, <c>position</c> (int) and
/// <c>recorded_at</c> (date). Events should come in journey order (occurred-at, ties by position), which
/// is how tools that do not sort expect a trace.</para>
/// <para>The output depends only on what is written: no clock, no machine name, so the same events give
/// the same bytes.</para>
/// </remarks>
public sealed class XesExportWriter : IDisposable
{
    private const string Ns = "http://www.xes-standard.org/";

    private static readonly (string Name, string Prefix)[] Extensions =
    [
        ("Concept", "concept"),
        ("Time", "time"),
        ("Lifecycle", "lifecycle"),
        ("Organizational", "org"),
        ("Identity", "identity"),
    ];

    private readonly XmlWriter xml;
    private readonly List<KeyValuePair<string, string>> attributes = [];
    private bool completed;

    /// <summary>Starts the log on <paramref name="output"/>, which is left open.</summary>
    public XesExportWriter(Stream output, string logName = "Journey export")
    {
        ArgumentNullException.ThrowIfNull(output);
        xml = XmlWriter.Create(output, new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            CloseOutput = false,
        });
        xml.WriteStartDocument();
        xml.WriteStartElement("log", Ns);
        xml.WriteAttributeString("xes.version", "1849-2016");
        xml.WriteAttributeString("xes.features", "");
        foreach (var (name, prefix) in Extensions)
        {
            xml.WriteStartElement("extension", Ns);
            xml.WriteAttributeString("name", name);
            xml.WriteAttributeString("prefix", prefix);
            xml.WriteAttributeString("uri", $"http://www.xes-standard.org/{prefix}.xesext");
            xml.WriteEndElement();
        }
        xml.WriteStartElement("global", Ns);
        xml.WriteAttributeString("scope", "trace");
        Attribute("string", "concept:name", "__INVALID__");
        xml.WriteEndElement();
        xml.WriteStartElement("global", Ns);
        xml.WriteAttributeString("scope", "event");
        Attribute("string", "concept:name", "__INVALID__");
        Attribute("date", "time:timestamp", "1970-01-01T00:00:00.000+00:00");
        Attribute("string", "lifecycle:transition", "complete");
        Attribute("string", "org:group", "__INVALID__");
        xml.WriteEndElement();
        Classifier("Activity", "concept:name");
        Classifier("Activity and transition", "concept:name lifecycle:transition");
        Attribute("string", "concept:name", logName);
    }

    /// <summary>Writes one journey as a trace with its events in the order given.</summary>
    public void WriteTrace(JourneyId journey, IEnumerable<RecordedJourneyEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        ObjectDisposedException.ThrowIf(completed, this);
        xml.WriteStartElement("trace", Ns);
        Attribute("string", "concept:name", ExchangeFields.CaseId(journey));
        Attribute("string", ExchangeFields.JourneyType, journey.JourneyType);
        Attribute("string", ExchangeFields.Subject, journey.Subject);
        foreach (var recorded in events)
        {
            WriteEvent(recorded);
        }
        xml.WriteEndElement();
    }

    /// <summary>Closes the log and flushes; the stream stays open.</summary>
    public void Complete()
    {
        if (completed)
        {
            return;
        }
        completed = true;
        xml.WriteEndElement();
        xml.WriteEndDocument();
        xml.Flush();
    }

    public void Dispose() => xml.Dispose();

    private void WriteEvent(RecordedJourneyEvent recorded)
    {
        var e = recorded.Event;
        xml.WriteStartElement("event", Ns);
        Attribute("string", "concept:name", e.Activity);
        Attribute("date", "time:timestamp", ExchangeFields.Timestamp(e.OccurredAt));
        Attribute("string", "lifecycle:transition", ExchangeFields.LifecycleName(e.Lifecycle));
        Attribute("string", "org:group", e.Agency);
        if (ExchangeFields.Resource(e.Initiator) is { } resource)
        {
            Attribute("string", "org:resource", resource);
        }
        Attribute("id", "identity:id", e.EventId.ToString());
        Attribute("string", ExchangeFields.Initiator, JourneyEventJson.InitiatorName(e.Initiator));
        Attribute("int", ExchangeFields.Position, ExchangeFields.Number(recorded.Position));
        Attribute("date", ExchangeFields.RecordedAt, ExchangeFields.Timestamp(recorded.RecordedAt));
        if (e.CaseRef is { } caseRef)
        {
            Attribute("string", ExchangeFields.CaseRef, caseRef);
        }
        if (e.Related.Count > 0)
        {
            Attribute("string", ExchangeFields.Related, ExchangeFields.RelatedText(e.Related));
        }
        attributes.Clear();
        foreach (var (key, value) in e.Attributes)
        {
            attributes.Add(new(ExchangeFields.AttributeName(key), value));
        }
        attributes.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var (key, value) in attributes)
        {
            Attribute("string", key, value);
        }
        xml.WriteEndElement();
    }

    private void Attribute(string type, string key, string value)
    {
        xml.WriteStartElement(type, Ns);
        xml.WriteAttributeString("key", key);
        xml.WriteAttributeString("value", value);
        xml.WriteEndElement();
    }

    private void Classifier(string name, string keys)
    {
        xml.WriteStartElement("classifier", Ns);
        xml.WriteAttributeString("name", name);
        xml.WriteAttributeString("keys", keys);
        xml.WriteEndElement();
    }
}
