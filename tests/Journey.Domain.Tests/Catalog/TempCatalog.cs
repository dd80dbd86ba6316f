using System.Text.Json.Nodes;

namespace Journey.Domain.Tests.Catalog;

/// <summary>A copy of the shipped catalog in a temporary directory, to break on purpose.</summary>
internal sealed class TempCatalog : IDisposable
{
    public static readonly string ShippedDirectory = Path.Combine(AppContext.BaseDirectory, "catalog");

    public TempCatalog()
    {
        Directory = Path.Combine(Path.GetTempPath(), "journey-catalog-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var file in System.IO.Directory.EnumerateFiles(ShippedDirectory, "*.json"))
        {
            File.Copy(file, Path.Combine(Directory, Path.GetFileName(file)));
        }
    }

    public string Directory { get; }

    public string PathOf(string file) => Path.Combine(Directory, file);

    public string ReadText(string file) => File.ReadAllText(PathOf(file));

    public void WriteText(string file, string text) => File.WriteAllText(PathOf(file), text);

    /// <summary>Changes a file through its JSON tree and writes it back.</summary>
    public void Edit(string file, Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(ReadText(file))!.AsObject();
        edit(root);
        WriteText(file, root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The index and object of the array entry whose <paramref name="key"/> is <paramref name="value"/>.</summary>
    public static (int Index, JsonObject Entry) Find(JsonObject root, string array, string key, string value)
    {
        var items = root[array]!.AsArray();
        for (var i = 0; i < items.Count; i++)
        {
            if ((string?)items[i]![key] == value)
            {
                return (i, items[i]!.AsObject());
            }
        }
        throw new InvalidOperationException($"No {array} entry with {key} '{value}'.");
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; a failing dispose would hide the test's own result.
        }
    }
}
