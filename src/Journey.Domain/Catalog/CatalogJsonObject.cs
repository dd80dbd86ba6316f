using System.Globalization;
using System.Text.Json;

namespace Journey.Domain.Catalog;

/// <summary>
/// Reads one JSON object of a catalog file and turns every problem into a <see cref="CatalogException"/>
/// that names the file and the entry. Unknown properties are refused, so a misspelt optional field
/// (say <c>targetDay</c>) fails loudly instead of silently meaning "no target".
/// </summary>
internal sealed class CatalogJsonObject
{
    /// <summary>Properties with this name are free-text notes for the people who edit the file.</summary>
    public const string CommentProperty = "$comment";

    private readonly string file;
    private readonly string entry;
    private readonly Dictionary<string, JsonElement> properties = new(StringComparer.Ordinal);
    private readonly HashSet<string> read = new(StringComparer.Ordinal) { CommentProperty };

    private CatalogJsonObject(string file, string entry, JsonElement element)
    {
        this.file = file;
        this.entry = entry;
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error($"must be a JSON object, not {Describe(element.ValueKind)}");
        }
        foreach (var property in element.EnumerateObject())
        {
            // System.Text.Json keeps duplicates; a file that says two things must not mean either.
            if (!properties.TryAdd(property.Name, property.Value))
            {
                throw Error($"property '{property.Name}' appears more than once");
            }
        }
        if (properties.TryGetValue(CommentProperty, out var comment) && comment.ValueKind != JsonValueKind.String)
        {
            throw Error($"'{CommentProperty}' must be a string");
        }
    }

    /// <summary>The entry this object is, for messages: empty for a file's top level.</summary>
    public string Entry => entry;

    public static CatalogJsonObject Open(string file, string entry, JsonElement element) => new(file, entry, element);

    public CatalogException Error(string message) =>
        new(entry.Length == 0 ? $"{file}: {message}" : $"{file}: {entry}: {message}");

    /// <summary>Whether an optional property is given; an explicit null counts as not given.</summary>
    public bool Has(string name)
    {
        read.Add(name);
        return properties.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null;
    }

    /// <summary>A required, non-blank string.</summary>
    public string String(string name)
    {
        var value = Required(name);
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Error($"'{name}' must be a string, not {Describe(value.ValueKind)}");
        }
        var text = value.GetString() ?? "";
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Error($"'{name}' must not be empty");
        }
        return text;
    }

    /// <summary>An optional, non-blank string.</summary>
    public string? OptionalString(string name) => Has(name) ? String(name) : null;

    /// <summary>A required whole number of at least <paramref name="minimum"/>.</summary>
    public int Integer(string name, int minimum)
    {
        var value = Required(name);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < minimum)
        {
            throw Error($"'{name}' must be a whole number of at least {minimum.ToString(CultureInfo.InvariantCulture)}");
        }
        return number;
    }

    /// <summary>An optional number of days, turned into a duration.</summary>
    public TimeSpan? OptionalDays(string name, double maximum)
    {
        if (!Has(name))
        {
            return null;
        }
        var value = Required(name);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var days) || days <= 0 || days > maximum)
        {
            throw Error($"'{name}' must be a number of days greater than zero and at most {maximum.ToString(CultureInfo.InvariantCulture)}");
        }
        return TimeSpan.FromDays(days);
    }

    /// <summary>A required <c>{ "nb": …, "en": … }</c> object.</summary>
    public LocalizedText Text(string name)
    {
        var text = Open(file, entry.Length == 0 ? name : $"{entry}: {name}", Required(name));
        var result = new LocalizedText(text.String("nb"), text.String("en"));
        text.EnsureNoUnknownProperties();
        return result;
    }

    /// <summary>A required array of strings (possibly empty); each must pass <paramref name="check"/>, and none may repeat.</summary>
    public IReadOnlyList<string> Strings(string name, Func<string, string?> check)
    {
        var result = new List<string>();
        foreach (var (index, element) in Array(name))
        {
            if (element.ValueKind != JsonValueKind.String)
            {
                throw Error($"{name}[{index}] must be a string, not {Describe(element.ValueKind)}");
            }
            var value = element.GetString() ?? "";
            if (check(value) is { } problem)
            {
                throw Error($"{name}[{index}] '{value}' {problem}");
            }
            if (result.Contains(value, StringComparer.Ordinal))
            {
                throw Error($"{name}[{index}] '{value}' is listed more than once");
            }
            result.Add(value);
        }
        return result;
    }

    /// <summary>A required array, with each element's index.</summary>
    public IEnumerable<(int Index, JsonElement Element)> Array(string name)
    {
        var value = Required(name);
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Error($"'{name}' must be an array, not {Describe(value.ValueKind)}");
        }
        return value.EnumerateArray().Select((element, index) => (index, element));
    }

    /// <summary>
    /// The objects of a required array, each labelled for messages as <c>services[2] 'foreldrepenger'</c>
    /// by its <paramref name="key"/> property when it has one.
    /// </summary>
    public IEnumerable<CatalogJsonObject> Objects(string name, string key)
    {
        foreach (var (index, element) in Array(name))
        {
            var label = element.ValueKind == JsonValueKind.Object
                && element.TryGetProperty(key, out var id)
                && id.ValueKind == JsonValueKind.String
                ? $"{name}[{index}] '{id.GetString()}'"
                : $"{name}[{index}]";
            yield return Open(file, label, element);
        }
    }

    public void EnsureNoUnknownProperties()
    {
        foreach (var name in properties.Keys)
        {
            if (!read.Contains(name))
            {
                throw Error($"unknown property '{name}'");
            }
        }
    }

    private JsonElement Required(string name)
    {
        read.Add(name);
        if (!properties.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw Error($"missing required property '{name}'");
        }
        return value;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
