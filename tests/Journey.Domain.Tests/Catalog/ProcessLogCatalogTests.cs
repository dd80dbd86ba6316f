using System.Text.Json.Nodes;
using Journey.Domain.Catalog;

namespace Journey.Domain.Tests.Catalog;

/// <summary>Journey types of kind process-log, and activities' log names.</summary>
public sealed class ProcessLogCatalogTests
{
    private const string File = "wabo-mottak.v1.json";

    private static JsonObject ProcessLog() => JsonNode.Parse("""
        {
          "id": "wabo-mottak",
          "version": 1,
          "kind": "process-log",
          "name": { "nb": "Mottak av byggesøknad", "en": "Receipt of a permit application" },
          "lifeEventActivity": "kommune.wabo-mottak.confirmation-of-receipt",
          "relatedRoles": [],
          "activities": [
            {
              "code": "kommune.wabo-mottak.confirmation-of-receipt",
              "agency": "kommune",
              "name": { "nb": "Mottak bekreftet", "en": "Confirmation of receipt" },
              "attributes": [],
              "logNames": ["Confirmation of receipt"]
            },
            {
              "code": "kommune.wabo-mottak.t02-check-confirmation-of-receipt",
              "agency": "kommune",
              "name": { "nb": "Kontroll av mottak", "en": "Check confirmation of receipt" },
              "attributes": [],
              "logNames": ["T02 Check confirmation of receipt", "T02 Kontroll"]
            }
          ],
          "services": [],
          "intervals": []
        }
        """)!.AsObject();

    [Fact]
    public void a_process_log_may_list_no_services_and_maps_its_log_names()
    {
        using var catalog = new TempCatalog();
        catalog.WriteText(File, ProcessLog().ToJsonString());

        var loaded = CatalogLoader.LoadDirectory(catalog.Directory);

        var type = loaded.FindJourneyType("wabo-mottak")!;
        Assert.Equal(JourneyKind.ProcessLog, type.Kind);
        Assert.Empty(type.Services);
        Assert.Equal(["T02 Check confirmation of receipt", "T02 Kontroll"], type.FindActivity("kommune.wabo-mottak.t02-check-confirmation-of-receipt")!.LogNames);
        // The shipped journey types are life events, with no log names.
        Assert.Equal(JourneyKind.LifeEvent, loaded.FindJourneyType("fa-barn")!.Kind);
        Assert.All(loaded.FindJourneyType("fa-barn")!.Activities, a => Assert.Empty(a.LogNames));
    }

    [Theory]
    [InlineData("life event without services")]
    [InlineData("unknown kind")]
    [InlineData("log name twice in one agency")]
    [InlineData("log name that is another activity's code")]
    [InlineData("empty log name")]
    public void a_broken_process_log_is_refused_with_file_and_entry(string breakage)
    {
        using var catalog = new TempCatalog();
        var root = ProcessLog();
        var activities = root["activities"]!.AsArray();
        var expected = breakage switch
        {
            "life event without services" => Break(() => root.Remove("kind"),
                $"{File}: 'services' must list at least one service (only a journey type of kind 'process-log' may list none)"),
            "unknown kind" => Break(() => root["kind"] = "case-log",
                $"{File}: kind 'case-log' is not 'life-event' or 'process-log'"),
            "log name twice in one agency" => Break(() => activities[1]!["logNames"]!.AsArray().Add("Confirmation of receipt"),
                $"{File}: activities[1] 'kommune.wabo-mottak.t02-check-confirmation-of-receipt': log name 'Confirmation of receipt' is also given to activities[0] 'kommune.wabo-mottak.confirmation-of-receipt' of the same agency"),
            "log name that is another activity's code" => Break(() => activities[1]!["logNames"]!.AsArray().Add("kommune.wabo-mottak.confirmation-of-receipt"),
                $"{File}: log name 'kommune.wabo-mottak.confirmation-of-receipt' of activities[1] 'kommune.wabo-mottak.t02-check-confirmation-of-receipt' is the code of activities[0] 'kommune.wabo-mottak.confirmation-of-receipt'"),
            _ => Break(() => activities[0]!["logNames"] = new JsonArray(""),
                $"{File}: activities[0] 'kommune.wabo-mottak.confirmation-of-receipt': logNames[0] '' is not a log name: 1 to 256 characters, no control characters"),
        };
        catalog.WriteText(File, root.ToJsonString());

        var error = Assert.Throws<CatalogException>(() => CatalogLoader.LoadDirectory(catalog.Directory));

        Assert.Equal(expected, error.Message);
    }

    private static string Break(Action change, string message)
    {
        change();
        return message;
    }
}
