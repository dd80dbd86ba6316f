using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using Journey.Domain.Catalog;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Journey.Server.Hosting;

/// <summary>
/// The process owners' dashboard: a few static pages (built from <c>src/Journey.Server/Web</c> and
/// embedded in the server) that draw the query API's figures in the browser. The pages and their assets
/// hold no figures, so they are served to anyone; every figure is fetched from the query API with the
/// signed-in person's bearer token, under the same authorisation as any other client.
/// </summary>
public static class DashboardExtensions
{
    /// <summary>The page paths; each serves the same document, which reads its path to pick the page.</summary>
    public static readonly IReadOnlyList<string> PagePaths = ["/", "/journey-types/{journeyType}", "/journey-types/{journeyType}/process-map"];

    // No script, style, font or image from anywhere but this server; no framing; no form posts elsewhere.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Maps the pages, their assets and their context; fails at start-up when the build left the assets out.</summary>
    public static WebApplication MapJourneyDashboard(this WebApplication app)
    {
        var assets = DashboardAssets.Load(typeof(DashboardExtensions).Assembly);
        var dashboard = app.MapGroup("").AllowAnonymous().ExcludeFromDescription();
        foreach (var path in PagePaths)
        {
            dashboard.MapGet(path, (HttpContext context) => Serve(context, assets, DashboardAssets.Document));
        }
        dashboard.MapGet("/dashboard/{file}", (HttpContext context, string file) => Serve(context, assets, file));
        dashboard.MapGet("/dashboard/context.json", (HttpContext context, JourneyCatalog catalog, IHostEnvironment environment) =>
        {
            AddSecurityHeaders(context.Response);
            context.Response.Headers.CacheControl = "no-cache";
            return Results.Json(DashboardContext.From(catalog, environment.IsDevelopment()));
        });
        return app;
    }

    private static IResult Serve(HttpContext context, DashboardAssets assets, string file)
    {
        if (!assets.TryGet(file, out var asset))
        {
            return Results.NotFound();
        }
        var response = context.Response;
        AddSecurityHeaders(response);
        // Revalidate every time: the ETag makes that a 304 when nothing changed, and a new server build is seen at once.
        response.Headers.CacheControl = "no-cache";
        response.Headers.ETag = asset.ETag;
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (context.Request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag.Value == asset.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        var acceptsGzip = context.Request.GetTypedHeaders().AcceptEncoding.Any(encoding =>
            string.Equals(encoding.Value.Value, "gzip", StringComparison.OrdinalIgnoreCase) && (encoding.Quality ?? 1) > 0);
        if (acceptsGzip && asset.Compressible)
        {
            response.Headers.ContentEncoding = "gzip";
            return Results.Bytes(asset.Gzipped.Value, asset.ContentType);
        }
        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static void AddSecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["Cross-Origin-Opener-Policy"] = "same-origin";
    }
}

/// <summary>The dashboard's built files, embedded in the server assembly as <c>dashboard/{name}</c>.</summary>
public sealed class DashboardAssets
{
    public const string Document = "index.html";
    private const string ResourcePrefix = "dashboard/";

    private readonly FrozenDictionary<string, DashboardAsset> assets;

    private DashboardAssets(FrozenDictionary<string, DashboardAsset> assets) => this.assets = assets;

    /// <summary>The names of the embedded files, e.g. <c>dashboard.js</c>.</summary>
    public IEnumerable<string> Names => assets.Keys;

    public bool TryGet(string name, [MaybeNullWhen(false)] out DashboardAsset asset) =>
        assets.TryGetValue(name, out asset);

    public static DashboardAssets Load(Assembly assembly)
    {
        var types = new FileExtensionContentTypeProvider();
        var found = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"The embedded dashboard file {resource} cannot be read.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[ResourcePrefix.Length..];
            var contentType = types.TryGetContentType(name, out var known) ? known : "application/octet-stream";
            if (contentType.StartsWith("text/", StringComparison.Ordinal) && !contentType.Contains("charset", StringComparison.Ordinal))
            {
                contentType += "; charset=utf-8";
            }
            found[name] = new DashboardAsset(name, contentType, copy.ToArray());
        }
        if (!found.ContainsKey(Document))
        {
            throw new InvalidOperationException(
                "The dashboard is not embedded in the server: src/Journey.Server/Web/dist/index.html is missing. " +
                "Build it with `npm ci && npm run build` in src/Journey.Server/Web (see README, 'Dashboard').");
        }
        return new DashboardAssets(found.ToFrozenDictionary(StringComparer.Ordinal));
    }
}

/// <summary>One embedded file, with its validator and (for text) a gzip copy made on first use.</summary>
public sealed class DashboardAsset
{
    public DashboardAsset(string name, string contentType, byte[] content)
    {
        Name = name;
        ContentType = contentType;
        Content = content;
        ETag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..32]}\"";
        Compressible = !contentType.StartsWith("image/png", StringComparison.Ordinal);
        Gzipped = new Lazy<byte[]>(() => Compress(content));
    }

    public string Name { get; }

    public string ContentType { get; }

    public byte[] Content { get; }

    public string ETag { get; }

    public bool Compressible { get; }

    public Lazy<byte[]> Gzipped { get; }

    private static byte[] Compress(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            gzip.Write(content);
        }
        return output.ToArray();
    }
}

/// <summary>
/// What the pages need besides figures: the catalog's names in both languages (the query API speaks in
/// ids), the agencies to filter by, and whether this is a Development server (which offers signing in
/// with a token from <c>journey token</c>).
/// </summary>
public sealed record DashboardContext(bool Development, IReadOnlyList<DashboardAgency> Agencies, IReadOnlyList<DashboardJourneyType> JourneyTypes)
{
    public static DashboardContext From(JourneyCatalog catalog, bool development) => new(
        development,
        [.. catalog.Agencies.OrderBy(a => a.Id, StringComparer.Ordinal).Select(a => new DashboardAgency(a.Id, a.Name))],
        [
            .. catalog.JourneyTypes.Select(type => new DashboardJourneyType(
                type.Id,
                type.Name,
                type.Kind == JourneyKind.ProcessLog ? "processLog" : "lifeEvent",
                [.. type.Services.Select(s => new DashboardService(s.Id, s.Name, s.Agency))],
                [.. type.Activities.Select(a => new DashboardActivity(a.Code, a.Name, a.Agency))])),
        ]);
}

public sealed record DashboardAgency(string Id, LocalizedText Name);

public sealed record DashboardJourneyType(string Id, LocalizedText Name, string Kind, IReadOnlyList<DashboardService> Services, IReadOnlyList<DashboardActivity> Activities);

public sealed record DashboardService(string Id, LocalizedText Name, string Agency);

public sealed record DashboardActivity(string Code, LocalizedText Name, string Agency);
