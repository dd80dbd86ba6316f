using System.Globalization;
using System.IO.Compression;
using System.Xml;

namespace Journey.Domain.ProcessMining;

/// <summary>
/// Reads XES (IEEE 1849) event logs, plain or gzip-compressed, one trace at a time.
/// </summary>
/// <remarks>
/// <para>The parse streams: memory is bounded by the largest trace, not the file, and traces are yielded
/// as they are read, so an error late in a file surfaces only when the enumeration reaches it.</para>
/// <para>Mapping: event <c>concept:name</c> → <see cref="LogEvent.Activity"/> (required);
/// <c>time:timestamp</c> → <see cref="LogEvent.Timestamp"/> (required, a date; a value without an offset
/// is UTC); <c>lifecycle:transition</c>, <c>org:resource</c>, <c>org:group</c> → the optional properties;
/// trace <c>concept:name</c> → <see cref="LogTrace.CaseId"/>, or <c>trace-{n}</c> (n = the trace's
/// 0-based position in the file) when the trace has none.</para>
/// <para>Typed attributes: string and id → <see cref="string"/>, date → <see cref="DateTimeOffset"/> with
/// its offset kept, int → <see cref="long"/>, float → <see cref="double"/>, boolean → <see cref="bool"/>.
/// Nested (meta-)attributes under an attribute are skipped, as are list and container attributes and
/// log-level attributes, extensions and classifiers: the analysis needs none of them.</para>
/// <para>Global defaults (<c>&lt;global scope="event|trace"&gt;</c>) fill attributes an event or trace
/// lacks, as the standard says, with one exception: a trace-scope default for <c>concept:name</c> is
/// ignored, because giving every unnamed trace the same case id would merge distinct cases.</para>
/// </remarks>
public static class XesReader
{
    private static readonly XmlReaderSettings Settings = new()
    {
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        // No DTD processing or external entities for a file from outside.
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        CloseInput = false,
    };

    /// <summary>
    /// Reads the traces of an XES document; gzip is detected by its magic bytes. The stream need not seek
    /// and is left open.
    /// </summary>
    /// <exception cref="EventLogFormatException">During enumeration, when the file is not valid XES.</exception>
    public static IEnumerable<LogTrace> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadTraces(stream);
    }

    /// <summary>Reads the traces of an XES file (<c>.xes</c> or <c>.xes.gz</c>, whatever its name).</summary>
    /// <exception cref="EventLogFormatException">During enumeration, when the file is not valid XES.</exception>
    public static IEnumerable<LogTrace> ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadFileTraces(path);
    }

    private static IEnumerable<LogTrace> ReadFileTraces(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        foreach (var trace in ReadTraces(file))
        {
            yield return trace;
        }
    }

    private static IEnumerable<LogTrace> ReadTraces(Stream stream)
    {
        using var input = Decompressed(stream);
        using var xml = XmlReader.Create(input, Settings);
        var parser = new Parser(xml);
        while (parser.Next() is { } trace)
        {
            yield return trace;
        }
    }

    /// <summary>The stream itself, or a gzip decompressor over it when it starts with the gzip magic bytes.</summary>
    private static Stream Decompressed(Stream stream)
    {
        Span<byte> magic = stackalloc byte[2];
        var read = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        Stream whole;
        if (stream.CanSeek)
        {
            stream.Seek(-read, SeekOrigin.Current);
            whole = new PrefixedStream([], stream);
        }
        else
        {
            whole = new PrefixedStream(magic[..read].ToArray(), stream);
        }
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b
            ? new GZipStream(whole, CompressionMode.Decompress, leaveOpen: false)
            : whole;
    }

    /// <summary>The pull parser: keeps the reader positioned on the next node not yet handled.</summary>
    private sealed class Parser
    {
        private const string ConceptName = "concept:name";
        private const string TimeTimestamp = "time:timestamp";
        private const string LifecycleTransition = "lifecycle:transition";
        private const string OrgResource = "org:resource";
        private const string OrgGroup = "org:group";

        private static readonly IReadOnlyDictionary<string, object?> NoAttributes = new Dictionary<string, object?>();

        private readonly XmlReader reader;
        private readonly IXmlLineInfo lineInfo;
        // Atomised names: element names compare by reference against the reader's name table.
        private readonly string log, trace, @event, global, stringName, date, intName, floatName, boolean, id;
        // Keys and the values of the mapped attributes repeat on every event: keep one copy of each.
        private readonly Dictionary<string, string> interned = new(StringComparer.Ordinal);
        private readonly List<KeyValuePair<string, object?>> eventDefaults = [];
        private readonly List<KeyValuePair<string, object?>> traceDefaults = [];
        private int traceIndex;
        private bool started;
        private bool finished;

        public Parser(XmlReader reader)
        {
            this.reader = reader;
            lineInfo = (IXmlLineInfo)reader;
            var names = reader.NameTable;
            log = names.Add("log");
            trace = names.Add("trace");
            @event = names.Add("event");
            global = names.Add("global");
            stringName = names.Add("string");
            date = names.Add("date");
            intName = names.Add("int");
            floatName = names.Add("float");
            boolean = names.Add("boolean");
            id = names.Add("id");
        }

        /// <summary>The next trace, or null at the end of the log.</summary>
        public LogTrace? Next()
        {
            try
            {
                return NextTrace();
            }
            catch (XmlException e)
            {
                // XmlException's message ends with its own "Line n, position m."; ours leads with the place.
                var place = string.Create(CultureInfo.InvariantCulture, $" Line {e.LineNumber}, position {e.LinePosition}.");
                var problem = e.Message.EndsWith(place, StringComparison.Ordinal) ? e.Message[..^place.Length] : e.Message;
                throw new EventLogFormatException($"malformed XML: {problem}", e.LineNumber, e.LinePosition, e);
            }
            catch (InvalidDataException e)
            {
                throw new EventLogFormatException($"corrupt gzip data: {e.Message}", lineInfo.LineNumber, lineInfo.LinePosition, e);
            }
        }

        private LogTrace? NextTrace()
        {
            if (!started)
            {
                started = true;
                EnterLog();
            }
            while (!finished)
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element when ReferenceEquals(reader.LocalName, trace):
                        return ReadTrace();
                    case XmlNodeType.Element when ReferenceEquals(reader.LocalName, global):
                        ReadGlobal();
                        break;
                    case XmlNodeType.Element when ReferenceEquals(reader.LocalName, @event):
                        throw Error("an <event> outside a <trace>");
                    case XmlNodeType.Element:
                        // Log attributes, extensions, classifiers: not needed by the analysis.
                        reader.Skip();
                        break;
                    case XmlNodeType.EndElement:
                        // Reading on to the end makes the reader reject anything malformed after </log>.
                        while (reader.Read())
                        {
                        }
                        finished = true;
                        break;
                    default:
                        Advance();
                        break;
                }
            }
            return null;
        }

        private void EnterLog()
        {
            if (reader.MoveToContent() != XmlNodeType.Element)
            {
                throw Error("no root element");
            }
            if (!ReferenceEquals(reader.LocalName, log))
            {
                throw Error($"the root element is <{reader.LocalName}>, expected <log>");
            }
            if (reader.IsEmptyElement)
            {
                finished = true;
                return;
            }
            reader.Read();
        }

        private void ReadGlobal()
        {
            var scope = reader.GetAttribute("scope") ?? "event";
            var defaults = scope switch
            {
                "event" => eventDefaults,
                "trace" => traceDefaults,
                _ => throw Error($"unknown global scope '{scope}'"),
            };
            if (FirstChild())
            {
                while (NextChild())
                {
                    if (ReadAttribute() is { } attribute)
                    {
                        defaults.Add(attribute);
                    }
                }
            }
        }

        private LogTrace ReadTrace()
        {
            var index = traceIndex++;
            string? caseId = null;
            var attributes = new Dictionary<string, object?>();
            var events = new List<LogEvent>();
            if (FirstChild())
            {
                while (NextChild())
                {
                    if (ReferenceEquals(reader.LocalName, @event))
                    {
                        events.Add(ReadEvent(caseId, index, events.Count + 1));
                    }
                    else if (ReadAttribute() is { } attribute)
                    {
                        if (attribute.Key == ConceptName)
                        {
                            caseId = Text(attribute.Value);
                        }
                        else
                        {
                            attributes[attribute.Key] = attribute.Value;
                        }
                    }
                }
            }
            foreach (var (key, value) in traceDefaults)
            {
                if (key != ConceptName)
                {
                    attributes.TryAdd(key, value);
                }
            }
            return new LogTrace(
                caseId ?? string.Create(CultureInfo.InvariantCulture, $"trace-{index}"),
                events,
                attributes.Count == 0 ? NoAttributes : attributes);
        }

        private LogEvent ReadEvent(string? caseId, int traceIndexInFile, int eventNumber)
        {
            var line = lineInfo.LineNumber;
            var position = lineInfo.LinePosition;
            var attributes = new Dictionary<string, object?>();
            if (FirstChild())
            {
                while (NextChild())
                {
                    if (ReferenceEquals(reader.LocalName, @event))
                    {
                        throw Error("an <event> inside an <event>");
                    }
                    if (ReadAttribute() is { } attribute)
                    {
                        attributes[attribute.Key] = attribute.Value;
                    }
                }
            }
            foreach (var (key, value) in eventDefaults)
            {
                attributes.TryAdd(key, value);
            }

            string Where() => caseId is null
                ? $"trace {traceIndexInFile} (0-based, its concept:name not yet read) event {eventNumber}"
                : $"trace '{caseId}' event {eventNumber}";

            if (!attributes.Remove(ConceptName, out var name) || name is null)
            {
                throw new EventLogFormatException($"missing concept:name in {Where()}", line, position);
            }
            if (!attributes.Remove(TimeTimestamp, out var time))
            {
                throw new EventLogFormatException($"missing time:timestamp in {Where()}", line, position);
            }
            if (time is not DateTimeOffset timestamp)
            {
                throw new EventLogFormatException($"time:timestamp is not a <date> in {Where()}", line, position);
            }
            attributes.Remove(LifecycleTransition, out var lifecycle);
            attributes.Remove(OrgResource, out var resource);
            attributes.Remove(OrgGroup, out var group);
            return new LogEvent(
                Intern(Text(name)),
                timestamp,
                OptionalText(lifecycle),
                OptionalText(resource),
                OptionalText(group),
                attributes.Count == 0 ? NoAttributes : attributes);
        }

        /// <summary>
        /// Moves from a start tag into the element; returns false, and moves past it, when it is empty.
        /// Then <see cref="NextChild"/> walks its children.
        /// </summary>
        private bool FirstChild()
        {
            var empty = reader.IsEmptyElement;
            Advance();
            return !empty;
        }

        /// <summary>
        /// Moves to the next child element and returns true (the caller must then move past that child),
        /// or moves past the parent's end tag and returns false.
        /// </summary>
        private bool NextChild()
        {
            while (true)
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        return true;
                    case XmlNodeType.EndElement:
                        Advance();
                        return false;
                    default:
                        Advance();
                        break;
                }
            }
        }

        /// <summary>
        /// Reads a typed attribute element and moves past it; skips (and returns null for) list, container
        /// and unknown elements.
        /// </summary>
        private KeyValuePair<string, object?>? ReadAttribute()
        {
            var kind = reader.LocalName;
            if (!ReferenceEquals(kind, stringName) && !ReferenceEquals(kind, date) && !ReferenceEquals(kind, intName)
                && !ReferenceEquals(kind, floatName) && !ReferenceEquals(kind, boolean) && !ReferenceEquals(kind, id))
            {
                reader.Skip();
                return null;
            }
            var key = reader.GetAttribute("key") ?? throw Error($"a <{kind}> attribute without a key");
            var text = reader.GetAttribute("value") ?? throw Error($"<{kind} key=\"{key}\"> without a value");
            object? value;
            if (ReferenceEquals(kind, stringName) || ReferenceEquals(kind, id))
            {
                value = text;
            }
            else if (ReferenceEquals(kind, date))
            {
                value = IsoTimestamp.TryParse(text, out var instant) ? instant : throw BadValue("date", key, text);
            }
            else if (ReferenceEquals(kind, intName))
            {
                value = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                    ? number
                    : throw BadValue("int", key, text);
            }
            else if (ReferenceEquals(kind, floatName))
            {
                value = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    ? number
                    : throw BadValue("float", key, text);
            }
            else
            {
                value = bool.TryParse(text, out var flag) ? flag : throw BadValue("boolean", key, text);
            }
            // Nested meta-attributes are skipped along with the element.
            reader.Skip();
            return new(Intern(key), value);
        }

        private void Advance()
        {
            if (!reader.Read())
            {
                throw Error("unexpected end of file");
            }
        }

        private string Intern(string text)
        {
            if (interned.TryGetValue(text, out var known))
            {
                return known;
            }
            interned.Add(text, text);
            return text;
        }

        private string? OptionalText(object? value) => value is null ? null : Intern(Text(value));

        private static string Text(object? value) => value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

        private EventLogFormatException BadValue(string kind, string key, string text) =>
            Error($"bad {kind} value '{text}' for '{key}'");

        private EventLogFormatException Error(string problem) =>
            new(problem, lineInfo.LineNumber, lineInfo.LinePosition);
    }

    /// <summary>Replays bytes already read to sniff the format, then the rest of the stream, which it does not own.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream rest) : Stream
    {
        private int offset;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<byte> buffer)
        {
            if (offset < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - offset);
                prefix.AsSpan(offset, n).CopyTo(buffer);
                offset += n;
                return n;
            }
            return rest.Read(buffer);
        }

        public override void Flush()
        {
        }

        public override long Seek(long position, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int index, int count) => throw new NotSupportedException();
    }
}
