using System.Globalization;
using System.Reflection;
using System.Xml;

namespace Journey.Storage.Tests;

/// <summary>One case of a real process log: its id and its events in file order.</summary>
public sealed record LogCase(string Id, IReadOnlyList<LogEvent> Events);

public sealed record LogEvent(string Activity, DateTimeOffset Timestamp, string? Resource);

/// <summary>The real public-sector logs in the shared data folder, read as cases of events.</summary>
public static class RealLog
{
    /// <summary>The Dutch municipality's environmental-permit receipt process: 1,434 cases, 8,577 events.</summary>
    public static IReadOnlyList<LogCase> Receipt() => ReadXes(DataFile("xes/receipt.xes"));

    /// <summary>
    /// A file of the shared data folder: $JOURNEY_DATA when set, else the nearest <c>shared/data</c> or
    /// <c>data</c> folder above the repository (or the test binaries) that holds the file.
    /// </summary>
    public static string DataFile(string relative)
    {
        if (Environment.GetEnvironmentVariable("JOURNEY_DATA") is { Length: > 0 } root)
        {
            return Path.Combine(root, relative);
        }
        var repoRoot = typeof(RealLog).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        foreach (var start in new[] { repoRoot, AppContext.BaseDirectory }.OfType<string>())
        {
            if (FindAbove(start, relative) is { } found)
            {
                return found;
            }
        }
        throw new FileNotFoundException($"No data folder above {repoRoot} or {AppContext.BaseDirectory} holds {relative}; set JOURNEY_DATA.", relative);
    }

    private static string? FindAbove(string start, string relative)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "data", relative), Path.Combine(dir.FullName, "data", relative) })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static List<LogCase> ReadXes(string path)
    {
        var cases = new List<LogCase>();
        using var reader = XmlReader.Create(path);
        string? caseId = null;
        List<LogEvent>? events = null;
        Dictionary<string, string>? current = null;
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                switch (reader.LocalName)
                {
                    case "trace":
                        caseId = null;
                        events = [];
                        break;
                    case "event":
                        current = [];
                        break;
                    case "string" or "date" when events is not null && reader.GetAttribute("key") is { } key && reader.GetAttribute("value") is { } value:
                        if (current is not null)
                        {
                            current[key] = value;
                        }
                        else if (key == "concept:name")
                        {
                            caseId = value;
                        }
                        break;
                }
            }
            else if (reader.NodeType == XmlNodeType.EndElement)
            {
                if (reader.LocalName == "event" && current is not null && events is not null)
                {
                    events.Add(new LogEvent(
                        current["concept:name"],
                        DateTimeOffset.Parse(current["time:timestamp"], CultureInfo.InvariantCulture),
                        current.GetValueOrDefault("org:resource")));
                    current = null;
                }
                else if (reader.LocalName == "trace" && events is not null)
                {
                    cases.Add(new LogCase(caseId ?? throw new InvalidDataException($"A trace in {path} has no concept:name."), events));
                    events = null;
                }
            }
        }
        return cases;
    }
}
