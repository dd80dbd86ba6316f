using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Journey.Server.Hosting;

namespace Journey.Server.Tests.Dashboard;

/// <summary>
/// The built dashboard (src/Journey.Server/Web/dist) is committed so that building the server needs no
/// Node.js; these tests make sure it is the build of the committed sources and is what the server embeds.
/// </summary>
public sealed class DashboardBuildTests
{
    private static readonly string WebDir = FindWebDir();

    [Fact]
    public void the_committed_bundle_was_built_from_the_current_sources()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(WebDir, "dist", "build.json")));

        var built = manifest.RootElement.GetProperty("sourceHash").GetString();

        Assert.True(built == SourceHash(),
            "src/Journey.Server/Web/dist is out of date with its sources: run `npm ci && npm run build` in src/Journey.Server/Web and commit dist/.");
    }

    [Fact]
    public void the_server_embeds_exactly_the_built_files()
    {
        var assets = DashboardAssets.Load(typeof(DashboardAssets).Assembly);

        var files = Directory.GetFiles(Path.Combine(WebDir, "dist")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(files, assets.Names.Order(StringComparer.Ordinal));
        foreach (var name in assets.Names)
        {
            Assert.True(assets.TryGet(name, out var asset));
            Assert.Equal(File.ReadAllBytes(Path.Combine(WebDir, "dist", name)), asset.Content);
        }
    }

    [Fact]
    public void the_chart_libraries_are_pinned_to_exact_versions_and_locked()
    {
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(WebDir, "package.json")));
        using var lockFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(WebDir, "package-lock.json")));

        foreach (var section in new[] { "dependencies", "devDependencies" })
        {
            foreach (var dependency in package.RootElement.GetProperty(section).EnumerateObject())
            {
                var version = dependency.Value.GetString()!;
                Assert.Matches(@"^\d+\.\d+\.\d+$", version);
                Assert.Equal(version, lockFile.RootElement.GetProperty("packages").GetProperty($"node_modules/{dependency.Name}").GetProperty("version").GetString());
            }
        }
    }

    /// <summary>As build.mjs computes it: SHA-256 over path, NUL, content (LF line ends), NUL, paths in ordinal order.</summary>
    private static string SourceHash()
    {
        var files = new[] { "build.mjs", "package.json", "package-lock.json" }
            .Concat(Directory.GetFiles(Path.Combine(WebDir, "src"), "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(WebDir, f).Replace('\\', '/')))
            .Order(StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            var content = File.ReadAllText(Path.Combine(WebDir, file), Encoding.UTF8).Replace("\r\n", "\n", StringComparison.Ordinal);
            hash.AppendData(Encoding.UTF8.GetBytes($"{file}\0{content}\0"));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string FindWebDir([CallerFilePath] string sourceFile = "")
    {
        // This file is tests/Journey.Server.Tests/Dashboard/DashboardBuildTests.cs in the repository.
        var repository = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile) ?? ".", "..", "..", ".."));
        var web = Path.Combine(repository, "src", "Journey.Server", "Web");
        return Directory.Exists(web)
            ? web
            : throw new DirectoryNotFoundException($"src/Journey.Server/Web not found from {sourceFile}; the tests need the repository's sources.");
    }
}
