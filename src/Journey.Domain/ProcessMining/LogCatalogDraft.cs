using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Journey.Domain.ProcessMining;

/// <summary>
/// Drafts a catalog journey type (<c>{id}.v1.json</c>, kind <c>process-log</c>) for an agency's exported
/// log whose process the catalog does not describe yet: every activity name of the log becomes an activity
/// of the agency, with the name as its <c>logNames</c> entry, and the activity that most often starts a case
/// stands for the life event. The draft is data for a person to review and add to the catalog (it may then
/// gain services, names and dependsOn); the catalog loader validates it like any other file.
/// </summary>
public static class LogCatalogDraft
{
    private const int MaxCodeLength = 128;

    /// <summary>The draft as indented JSON.</summary>
    /// <param name="traces">The log's traces (read once).</param>
    /// <param name="journeyTypeId">The new journey type's id, e.g. <c>wabo-mottak</c>.</param>
    /// <param name="agency">The catalog agency that owns every activity.</param>
    /// <param name="source">The log's file name, noted in the draft.</param>
    /// <exception cref="LogMappingException">The log has no events, or the ids leave no room for activity codes.</exception>
    public static string Create(IEnumerable<LogTrace> traces, string journeyTypeId, string agency, string source)
    {
        ArgumentNullException.ThrowIfNull(traces);
        ArgumentException.ThrowIfNullOrEmpty(journeyTypeId);
        ArgumentException.ThrowIfNullOrEmpty(agency);
        var room = MaxCodeLength - agency.Length - journeyTypeId.Length - 2;
        if (room < 8)
        {
            throw new LogMappingException($"agency '{agency}' and journey type '{journeyTypeId}' leave no room for activity codes of at most {MaxCodeLength} characters");
        }

        var names = new List<string>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        var starts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var trace in traces)
        {
            LogEvent? first = null;
            foreach (var e in trace.Events)
            {
                if (known.Add(e.Activity))
                {
                    names.Add(e.Activity);
                }
                // The first by time, ties in file order, as the analysis orders a case.
                if (first is null || e.Timestamp.UtcTicks < first.Timestamp.UtcTicks)
                {
                    first = e;
                }
            }
            if (first is not null)
            {
                starts[first.Activity] = starts.GetValueOrDefault(first.Activity) + 1;
            }
        }
        if (names.Count == 0)
        {
            throw new LogMappingException("the log has no events to draft a journey type from");
        }
        var start = names.Where(starts.ContainsKey).MaxBy(n => starts[n])!;

        var codes = new Dictionary<string, string>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var step = Slug(name, room);
            var code = $"{agency}.{journeyTypeId}.{step}";
            for (var n = 2; !used.Add(code); n++)
            {
                var suffix = $"-{n}";
                code = $"{agency}.{journeyTypeId}.{Slug(name, room - suffix.Length)}{suffix}";
            }
            codes[name] = code;
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("$comment", $"Drafted by 'journey import --write-catalog' from {source}. Review the names; add services, dependsOn and intervals when the process has them.");
            w.WriteString("id", journeyTypeId);
            w.WriteNumber("version", 1);
            w.WriteString("kind", "process-log");
            WriteText(w, "name", $"{journeyTypeId} (importert logg)", $"{journeyTypeId} (imported log)");
            w.WriteString("lifeEventActivity", codes[start]);
            w.WriteStartArray("relatedRoles");
            w.WriteEndArray();
            w.WriteStartArray("activities");
            foreach (var name in names)
            {
                w.WriteStartObject();
                w.WriteString("code", codes[name]);
                w.WriteString("agency", agency);
                WriteText(w, "name", name, name);
                w.WriteStartArray("attributes");
                w.WriteEndArray();
                w.WriteStartArray("logNames");
                w.WriteStringValue(name);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("services");
            w.WriteEndArray();
            w.WriteStartArray("intervals");
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    /// <summary>
    /// The step part of an activity code: lowercase ASCII letters and digits in hyphen-separated runs, common
    /// Latin letters with diacritics folded (ø → o, æ → ae), at most <paramref name="maxLength"/> characters.
    /// </summary>
    public static string Slug(string name, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            var folded = Fold(c);
            foreach (var f in folded)
            {
                if (char.IsAsciiLetterLower(f) || char.IsAsciiDigit(f))
                {
                    text.Append(f);
                }
                else if (text.Length > 0 && text[^1] != '-')
                {
                    text.Append('-');
                }
            }
        }
        var slug = text.ToString().Trim('-');
        if (slug.Length > maxLength)
        {
            slug = slug[..maxLength].TrimEnd('-');
        }
        return slug.Length == 0 ? "activity" : slug;
    }

    private static string Fold(char c) => c switch
    {
        'à' or 'á' or 'â' or 'ã' or 'ä' or 'å' or 'ā' => "a",
        'æ' => "ae",
        'ç' or 'č' => "c",
        'ð' => "d",
        'è' or 'é' or 'ê' or 'ë' or 'ē' or 'ę' => "e",
        'ì' or 'í' or 'î' or 'ï' => "i",
        'ñ' or 'ń' => "n",
        'ò' or 'ó' or 'ô' or 'õ' or 'ö' or 'ø' => "o",
        'œ' => "oe",
        'ß' => "ss",
        'š' or 'ś' => "s",
        'þ' => "th",
        'ù' or 'ú' or 'û' or 'ü' => "u",
        'ý' or 'ÿ' => "y",
        'ž' or 'ź' or 'ż' => "z",
        _ => c.ToString(),
    };

    private static void WriteText(Utf8JsonWriter w, string property, string nb, string en)
    {
        w.WriteStartObject(property);
        w.WriteString("nb", nb);
        w.WriteString("en", en);
        w.WriteEndObject();
    }
}
