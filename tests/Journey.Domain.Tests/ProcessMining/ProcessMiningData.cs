using System.Runtime.CompilerServices;

namespace Journey.Domain.Tests.ProcessMining;

/// <summary>The real event logs in <c>shared/data</c>, found from the test binaries or the repository.</summary>
internal static class ProcessMiningData
{
    public static string Folder { get; } = Find();

    public static string Xes(string name) => Path.Combine(Folder, "xes", name);

    public static IEnumerable<string> AllXesFiles() =>
        Directory.EnumerateFiles(Path.Combine(Folder, "xes"))
            .Where(f => f.EndsWith(".xes", StringComparison.Ordinal) || f.EndsWith(".xes.gz", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    // Walks up from the test binaries first, as CI does. With an --artifacts-path outside the tree the
    // binaries have no repository above them, so this source file's own location is the fallback.
    private static string Find([CallerFilePath] string sourceFile = "")
    {
        string?[] starts = [AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile), Environment.CurrentDirectory];
        foreach (var start in starts)
        {
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var inside = Path.Combine(dir.FullName, "shared", "data");
                if (Directory.Exists(Path.Combine(inside, "xes")))
                {
                    return inside;
                }
                if (File.Exists(Path.Combine(dir.FullName, "Journey.sln")))
                {
                    var beside = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
                    if (Directory.Exists(Path.Combine(beside, "xes")))
                    {
                        return beside;
                    }
                }
            }
        }
        throw new DirectoryNotFoundException(
            $"shared/data not found above {AppContext.BaseDirectory} or {sourceFile}; clone shared/ beside the repository");
    }
}
