using System.Text;

namespace Journey.Domain.ProcessMining;

/// <summary>
/// Column names and delimiter of a CSV event log. The defaults are the names PM4Py and other
/// process-mining tools write.
/// </summary>
/// <param name="CaseColumn">Column of the case id (required).</param>
/// <param name="ActivityColumn">Column of the activity (required).</param>
/// <param name="TimestampColumn">Column of the timestamp, ISO 8601 (required).</param>
/// <param name="LifecycleColumn">Column of the lifecycle transition, used when the header has it.</param>
/// <param name="ResourceColumn">Column of the resource, used when the header has it.</param>
/// <param name="GroupColumn">Column of the group, used when the header has it.</param>
/// <param name="Delimiter">Field delimiter.</param>
public sealed record CsvLogOptions(
    string CaseColumn = "case:concept:name",
    string ActivityColumn = "concept:name",
    string TimestampColumn = "time:timestamp",
    string? LifecycleColumn = "lifecycle:transition",
    string? ResourceColumn = "org:resource",
    string? GroupColumn = "org:group",
    char Delimiter = ',');

/// <summary>
/// Reads a CSV event log (RFC 4180, with a header row): one row per event, grouped into one
/// <see cref="LogTrace"/> per case.
/// </summary>
/// <remarks>
/// <para>The rows of a case must be contiguous (as PM4Py writes them, sorted by case): the reader streams
/// one case at a time, so memory is bounded by the largest case, as for <see cref="XesReader"/>. A case id
/// that comes back after other cases is an error naming both lines; sort such an export by case id first.</para>
/// <para>Timestamps are ISO 8601 with a <c>T</c> or a space between date and time; one without an offset
/// is UTC. Columns other than the mapped ones become attributes as strings, empty cells omitted; columns
/// named <c>case:…</c> are case attributes (from the case's first row, the prefix removed), as in PM4Py.</para>
/// <para>Errors are <see cref="EventLogFormatException"/> with the physical line number, thrown when the
/// enumeration reaches the bad row.</para>
/// </remarks>
public sealed class CsvLogReader(CsvLogOptions? options = null)
{
    private const string CasePrefix = "case:";

    private static readonly IReadOnlyDictionary<string, object?> NoAttributes = new Dictionary<string, object?>();

    private readonly CsvLogOptions options = options ?? new CsvLogOptions();

    /// <summary>Reads the traces of CSV text.</summary>
    public IEnumerable<LogTrace> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return ReadTraces(reader);
    }

    /// <summary>Reads the traces of a CSV stream, UTF-8 unless a byte-order mark says otherwise.</summary>
    public IEnumerable<LogTrace> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadStream(stream);
    }

    /// <summary>Reads the traces of a CSV file.</summary>
    public IEnumerable<LogTrace> ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadPath(path);
    }

    private IEnumerable<LogTrace> ReadPath(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        foreach (var trace in ReadStream(file))
        {
            yield return trace;
        }
    }

    private IEnumerable<LogTrace> ReadStream(Stream stream)
    {
        using var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16, leaveOpen: true);
        foreach (var trace in ReadTraces(text))
        {
            yield return trace;
        }
    }

    private IEnumerable<LogTrace> ReadTraces(TextReader text)
    {
        var records = new CsvRecordReader(text, options.Delimiter);
        var row = new List<string>();
        if (!records.TryRead(row))
        {
            throw new EventLogFormatException("the file is empty: a header row is needed", 1, 0);
        }
        var columns = Columns.Of(row, options, records.RecordLine);
        var interned = new Dictionary<string, string>(StringComparer.Ordinal);
        // Where each finished case ended, to tell a case split across the file from a new one.
        var finished = new Dictionary<string, int>(StringComparer.Ordinal);

        string? caseId = null;
        var caseLine = 0;
        List<LogEvent> events = [];
        Dictionary<string, object?>? caseAttributes = null;

        while (records.TryRead(row))
        {
            var line = records.RecordLine;
            if (row.Count != columns.Count)
            {
                throw new EventLogFormatException($"expected {columns.Count} fields as in the header, found {row.Count}", line, 0);
            }
            var rowCase = Required(row, columns.Case, options.CaseColumn, line);
            if (rowCase != caseId)
            {
                if (caseId is not null)
                {
                    finished[caseId] = caseLine;
                    yield return new LogTrace(caseId, events, caseAttributes ?? NoAttributes);
                }
                if (finished.TryGetValue(rowCase, out var endedAt))
                {
                    throw new EventLogFormatException(
                        $"case '{rowCase}' comes back after other cases (its rows ended at line {endedAt}); the rows of a case must be contiguous, so sort the file by case id",
                        line,
                        0);
                }
                caseId = rowCase;
                events = [];
                caseAttributes = CaseAttributes(row, columns);
            }
            caseLine = line;
            events.Add(Event(row, columns, line, interned));
        }
        if (caseId is not null)
        {
            yield return new LogTrace(caseId, events, caseAttributes ?? NoAttributes);
        }
    }

    private LogEvent Event(List<string> row, Columns columns, int line, Dictionary<string, string> interned)
    {
        var activity = Intern(Required(row, columns.Activity, options.ActivityColumn, line), interned);
        var time = Required(row, columns.Timestamp, options.TimestampColumn, line);
        if (!IsoTimestamp.TryParse(time, out var timestamp))
        {
            throw new EventLogFormatException($"bad timestamp '{time}' in column '{options.TimestampColumn}' (expected ISO 8601, e.g. 2024-03-31T02:30:00+02:00)", line, 0);
        }
        Dictionary<string, object?>? attributes = null;
        foreach (var (index, name) in columns.EventAttributes)
        {
            if (row[index].Length > 0)
            {
                attributes ??= [];
                attributes[name] = row[index];
            }
        }
        return new LogEvent(
            activity,
            timestamp,
            Optional(row, columns.Lifecycle, interned),
            Optional(row, columns.Resource, interned),
            Optional(row, columns.Group, interned),
            attributes ?? NoAttributes);
    }

    private static Dictionary<string, object?>? CaseAttributes(List<string> row, Columns columns)
    {
        Dictionary<string, object?>? attributes = null;
        foreach (var (index, name) in columns.CaseAttributes)
        {
            if (row[index].Length > 0)
            {
                attributes ??= [];
                attributes[name] = row[index];
            }
        }
        return attributes;
    }

    private static string Required(List<string> row, int index, string column, int line)
    {
        var value = row[index];
        return value.Length > 0 ? value : throw new EventLogFormatException($"empty value in column '{column}'", line, 0);
    }

    private static string? Optional(List<string> row, int index, Dictionary<string, string> interned) =>
        index < 0 || row[index].Length == 0 ? null : Intern(row[index], interned);

    private static string Intern(string text, Dictionary<string, string> interned)
    {
        if (interned.TryGetValue(text, out var known))
        {
            return known;
        }
        interned.Add(text, text);
        return text;
    }

    /// <summary>Where each needed value is in a row; -1 for an optional column the header lacks.</summary>
    private sealed record Columns(
        int Count,
        int Case,
        int Activity,
        int Timestamp,
        int Lifecycle,
        int Resource,
        int Group,
        IReadOnlyList<(int Index, string Name)> EventAttributes,
        IReadOnlyList<(int Index, string Name)> CaseAttributes)
    {
        public static Columns Of(List<string> header, CsvLogOptions options, int line)
        {
            var byName = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
            {
                if (!byName.TryAdd(header[i], i))
                {
                    throw new EventLogFormatException($"column '{header[i]}' appears twice in the header", line, 0);
                }
            }
            int Find(string? name, bool required)
            {
                if (name is not null && byName.TryGetValue(name, out var index))
                {
                    return index;
                }
                return required
                    ? throw new EventLogFormatException($"the header has no column '{name}' (it has: {string.Join(", ", header)})", line, 0)
                    : -1;
            }
            var caseColumn = Find(options.CaseColumn, required: true);
            var activity = Find(options.ActivityColumn, required: true);
            var timestamp = Find(options.TimestampColumn, required: true);
            var lifecycle = Find(options.LifecycleColumn, required: false);
            var resource = Find(options.ResourceColumn, required: false);
            var group = Find(options.GroupColumn, required: false);
            int[] mapped = [caseColumn, activity, timestamp, lifecycle, resource, group];
            var eventAttributes = new List<(int, string)>();
            var caseAttributes = new List<(int, string)>();
            for (var i = 0; i < header.Count; i++)
            {
                if (Array.IndexOf(mapped, i) >= 0)
                {
                    continue;
                }
                if (header[i].StartsWith(CasePrefix, StringComparison.Ordinal))
                {
                    caseAttributes.Add((i, header[i][CasePrefix.Length..]));
                }
                else
                {
                    eventAttributes.Add((i, header[i]));
                }
            }
            return new Columns(header.Count, caseColumn, activity, timestamp, lifecycle, resource, group, eventAttributes, caseAttributes);
        }
    }
}
