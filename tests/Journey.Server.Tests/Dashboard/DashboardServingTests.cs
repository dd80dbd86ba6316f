using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Journey.Server.Security;

namespace Journey.Server.Tests.Dashboard;

/// <summary>
/// What the web address serves, over plain HTTP/1.1: the pages and their assets to anyone (they hold no
/// figures), the figures only to a process owner's token. Needs no browser.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardServingTests(DashboardFixture fixture)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/journey-types/fa-barn")]
    [InlineData("/journey-types/fa-barn/process-map")]
    public async Task every_page_address_serves_the_dashboard_document_without_a_token_under_a_strict_content_security_policy(string path)
    {
        using var client = new HttpClient { BaseAddress = new Uri(fixture.Server.WebAddress) };

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script type=\"module\" src=\"/dashboard/dashboard.js\"></script>", html, StringComparison.Ordinal);
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task the_bundle_is_served_from_the_server_itself_gzipped_on_request_and_revalidated_by_etag()
    {
        using var plain = new HttpClient { BaseAddress = new Uri(fixture.Server.WebAddress) };
        using var first = await plain.GetAsync("/dashboard/dashboard.js");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/javascript", first.Content.Headers.ContentType?.MediaType);
        var script = await first.Content.ReadAsByteArrayAsync();
        // Chart.js and Cytoscape.js are inside the bundle: the page fetches nothing from elsewhere.
        var text = System.Text.Encoding.UTF8.GetString(script);
        Assert.DoesNotContain("https://cdn", text, StringComparison.Ordinal);
        Assert.Contains("cytoscape", text, StringComparison.Ordinal);

        using var gzipRequest = new HttpRequestMessage(HttpMethod.Get, "/dashboard/dashboard.js");
        gzipRequest.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var gzipped = await plain.SendAsync(gzipRequest);
        Assert.Equal("gzip", Assert.Single(gzipped.Content.Headers.ContentEncoding));
        var compressed = await gzipped.Content.ReadAsByteArrayAsync();
        Assert.True(compressed.Length < script.Length / 2);
        await using (var unzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress))
        using (var copy = new MemoryStream())
        {
            await unzip.CopyToAsync(copy);
            Assert.Equal(script, copy.ToArray());
        }

        using var again = new HttpRequestMessage(HttpMethod.Get, "/dashboard/dashboard.js");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var notModified = await plain.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var missing = await plain.GetAsync("/dashboard/no-such-file.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task the_context_names_every_journey_type_service_and_agency_in_both_languages()
    {
        using var client = new HttpClient { BaseAddress = new Uri(fixture.Server.WebAddress) };

        using var document = JsonDocument.Parse(await client.GetStringAsync("/dashboard/context.json"));

        var root = document.RootElement;
        Assert.True(root.GetProperty("development").GetBoolean());
        var faBarn = root.GetProperty("journeyTypes").EnumerateArray().Single(t => t.GetProperty("id").GetString() == "fa-barn");
        Assert.Equal("Få barn", faBarn.GetProperty("name").GetProperty("nb").GetString());
        Assert.Equal("Having a child", faBarn.GetProperty("name").GetProperty("en").GetString());
        Assert.NotEmpty(faBarn.GetProperty("services").EnumerateArray());
        Assert.NotEmpty(faBarn.GetProperty("activities").EnumerateArray());
        Assert.Contains(root.GetProperty("agencies").EnumerateArray(), a => a.GetProperty("id").GetString() == "nav");
    }

    [Fact]
    public async Task the_figures_the_pages_draw_need_a_process_owners_token()
    {
        using var client = new HttpClient { BaseAddress = new Uri(fixture.Server.WebAddress) };
        const string figures = "/v1/analytics/overview";

        using var anonymous = await client.GetAsync(figures);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var asAgency = new HttpRequestMessage(HttpMethod.Get, figures);
        asAgency.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Server.TokenFor(JourneyRoles.Agency, "nav"));
        using var forbidden = await client.SendAsync(asAgency);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using var asProcessOwner = new HttpRequestMessage(HttpMethod.Get, figures);
        asProcessOwner.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.ProcessOwnerToken);
        using var allowed = await client.SendAsync(asProcessOwner);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }
}
