using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;

namespace Journey.Server.Tests.Analytics;

/// <summary>The query API as JSON over HTTP refuses bad input as clearly as over gRPC.</summary>
public sealed class TranscodedErrorTests
{
    [Fact]
    public async Task a_bad_query_over_json_is_a_400_with_field_violations_and_no_exception_text()
    {
        await using var server = await RunningServer.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.WebAddress) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.TokenFor(JourneyRoles.ProcessOwner));

        using var response = await http.GetAsync("/v1/analytics/overview?agency=nope");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(3, json.RootElement.GetProperty("code").GetInt32());
        Assert.Contains("BadRequest", json.RootElement.GetProperty("details")[0].GetProperty("@type").GetString(), StringComparison.Ordinal);
    }
}
