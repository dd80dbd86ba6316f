using System.Text;
using Journey.Domain.Events;

namespace Journey.Domain.Exchange;

/// <summary>
/// Writes a CSV event log (RFC 4180, UTF-8, CRLF) with the column names process-mining tools expect, one
/// row per event, the rows of a journey together: what <see cref="ProcessMining.CsvLogReader"/> and
/// PM4Py's <c>format_dataframe</c> read without a column mapping.
/// </summary>
/// <remarks>
/// Columns: <c>case:concept:name</c> (<c>{journeyType}:{pseudonym}</c>), <c>case:journey_type</c>,
/// <c>case:subject</c>, <c>concept:name</c>, <c>time:timestamp</c>, <c>lifecycle:transition</c>,
/// <c>org:group</c>, <c>org:resource</c>, <c>event_id</c>, <c>position</c>, <c>recorded_at</c>,
/// <c>initiator</c>, <c>case_ref</c>, <c>related</c>, then one column per catalog attribute in ordinal
/// order (see <see cref="ExchangeFields"/>). An empty cell is a value the event does not have. The header
/// is fixed by the attribute names given up front, so a writer needs them before the first row.
/// </remarks>
public sealed class CsvExportWriter : IDisposable
{
    private static readonly string[] FixedColumns =
    [
        "case:concept:name", "case:" + ExchangeFields.JourneyType, "case:" + ExchangeFields.Subject,
        "concept:name", "time:timestamp", "lifecycle:transition", "org:group", "org:resource",
        ExchangeFields.EventId, ExchangeFields.Position, ExchangeFields.RecordedAt, ExchangeFields.Initiator,
        ExchangeFields.CaseRef, ExchangeFields.Related,
    ];

    private readonly StreamWriter writer;
    private readonly Dictionary<string, int> attributeColumns;
    private readonly string?[] attributeValues;

    /// <summary>Writes the header on <paramref name="output"/> (left open).</summary>
    /// <param name="output">Where the CSV goes.</param>
    /// <param name="attributeNames">Every catalog attribute name an event written later may carry.</param>
    public CsvExportWriter(Stream output, IEnumerable<string> attributeNames)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(attributeNames);
        var names = attributeNames.Distinct(StringComparer.Ordinal)
            .Select(n => (Catalog: n, Exported: ExchangeFields.AttributeName(n)))
            .OrderBy(n => n.Exported, StringComparer.Ordinal)
            .ToArray();
        attributeColumns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            attributeColumns[names[i].Catalog] = i;
        }
        attributeValues = new string?[names.Length];
        writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
        var first = true;
        foreach (var column in FixedColumns.Concat(names.Select(n => n.Exported)))
        {
            Field(column, ref first);
        }
        writer.WriteLine();
    }

    /// <summary>Writes the rows of one journey, in the order given.</summary>
    /// <exception cref="ArgumentException">An event carries an attribute that was not named up front.</exception>
    public void WriteTrace(JourneyId journey, IEnumerable<RecordedJourneyEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var caseId = ExchangeFields.CaseId(journey);
        foreach (var recorded in events)
        {
            var e = recorded.Event;
            var first = true;
            Field(caseId, ref first);
            Field(journey.JourneyType, ref first);
            Field(journey.Subject, ref first);
            Field(e.Activity, ref first);
            Field(ExchangeFields.Timestamp(e.OccurredAt), ref first);
            Field(ExchangeFields.LifecycleName(e.Lifecycle), ref first);
            Field(e.Agency, ref first);
            Field(ExchangeFields.Resource(e.Initiator), ref first);
            Field(e.EventId.ToString(), ref first);
            Field(ExchangeFields.Number(recorded.Position), ref first);
            Field(ExchangeFields.Timestamp(recorded.RecordedAt), ref first);
            Field(JourneyEventJson.InitiatorName(e.Initiator), ref first);
            Field(e.CaseRef, ref first);
            Field(e.Related.Count > 0 ? ExchangeFields.RelatedText(e.Related) : null, ref first);
            Array.Clear(attributeValues);
            foreach (var (key, value) in e.Attributes)
            {
                if (!attributeColumns.TryGetValue(key, out var column))
                {
                    throw new ArgumentException($"Event {e.EventId} carries attribute '{key}', which has no column.", nameof(events));
                }
                attributeValues[column] = value;
            }
            foreach (var value in attributeValues)
            {
                Field(value, ref first);
            }
            writer.WriteLine();
        }
    }

    /// <summary>Flushes; the stream stays open.</summary>
    public void Complete() => writer.Flush();

    public void Dispose() => writer.Dispose();

    private void Field(string? value, ref bool first)
    {
        if (!first)
        {
            writer.Write(',');
        }
        first = false;
        if (string.IsNullOrEmpty(value))
        {
            return;
        }
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            writer.Write(value);
            return;
        }
        writer.Write('"');
        writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        writer.Write('"');
    }
}
