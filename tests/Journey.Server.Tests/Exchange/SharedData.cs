using System.Runtime.CompilerServices;

namespace Journey.Server.Tests.Exchange;

/// <summary><c>shared/data</c> beside the repository (the OCEL schema and example logs), found from the binaries or this file.</summary>
internal static class SharedData
{
    public static string Folder { get; } = Find();

    // With --artifacts-path the binaries are outside the tree, so this source file's place is the fallback.
    private static string Find([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) })
        {
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "data"), Path.Combine(dir.FullName, "..", "shared", "data") })
                {
                    if (File.Exists(Path.Combine(candidate, "ocel", "schema_ocel2.json")))
                    {
                        return Path.GetFullPath(candidate);
                    }
                }
            }
        }
        throw new DirectoryNotFoundException($"shared/data not found above {AppContext.BaseDirectory} or {sourceFile}; clone shared/ beside the repository");
    }
}
