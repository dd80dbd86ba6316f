using System.Globalization;
using System.Text.Json;

namespace Journey.Server.Tests.Dashboard;

/// <summary>
/// Reading the query API's JSON (proto3 JSON mapping: 64-bit integers as strings, fields at their
/// default value possibly left out).
/// </summary>
public static class ApiJson
{
    public const double SecondsPerDay = 86_400;

    public static double Number(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String => double.Parse(value.GetString()!, CultureInfo.InvariantCulture),
            _ => throw new InvalidOperationException($"{name} is {value.ValueKind}."),
        } : 0;

    public static bool Flag(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    public static string Text(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";

    public static JsonElement Child(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value : JsonDocument.Parse("{}").RootElement;

    public static IReadOnlyList<JsonElement> Items(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? [.. value.EnumerateArray()] : [];

    /// <summary>The entry of <c>journeyTypes</c> for one journey type.</summary>
    public static JsonElement JourneyType(this JsonElement response, string id) =>
        response.Items("journeyTypes").Single(t => t.Text("journeyType") == id);

    /// <summary>Seconds as the days a chart plots, or null where the figure is suppressed.</summary>
    public static double? Days(this JsonElement stats, bool suppressed, string field = "medianSeconds") =>
        suppressed ? null : stats.Number(field) / SecondsPerDay;
}
