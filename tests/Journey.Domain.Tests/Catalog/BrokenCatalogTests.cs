using System.Text.Json.Nodes;
using Journey.Domain.Catalog;

namespace Journey.Domain.Tests.Catalog;

/// <summary>Each case breaks one thing in a copy of the shipped catalog and expects a message naming file and entry.</summary>
public sealed class BrokenCatalogTests
{
    private const string FaBarn = "fa-barn.v1.json";

    /// <summary>Breaks the catalog and returns the message the loader must give.</summary>
    private delegate string Breakage(TempCatalog catalog);

    private static readonly Dictionary<string, Breakage> Cases = new()
    {
        ["decision activity not in the journey type"] = catalog =>
            EditService(catalog, "foreldrepenger", s => s["decisionActivity"] = "nav.x",
                entry => $"{FaBarn}: {entry}: decisionActivity 'nav.x' is not an activity of journey type 'fa-barn'"),

        ["delivery activity of another agency"] = catalog =>
            EditService(catalog, "foreldrepenger", s => s["deliveryActivity"] = "kommune.barnehage.oppstart",
                entry => $"{FaBarn}: {entry}: deliveryActivity 'kommune.barnehage.oppstart' belongs to agency 'kommune', not to the service's agency 'nav'"),

        ["one activity in two roles of a service"] = catalog =>
            EditService(catalog, "foreldrepenger", s => s["applicationActivities"]!.AsArray().Add("nav.foreldrepenger.vedtak"),
                entry => $"{FaBarn}: {entry}: decisionActivity 'nav.foreldrepenger.vedtak' is already used as applicationActivities in this service"),

        ["dependsOn an unknown activity"] = catalog =>
            EditService(catalog, "barnetrygd", s => s["dependsOn"]!.AsArray().Add("skatteetaten.a-ordningen.inntekt"),
                entry => $"{FaBarn}: {entry}: dependsOn 'skatteetaten.a-ordningen.inntekt' is not an activity of journey type 'fa-barn'"),

        ["service with no trigger"] = catalog =>
            EditService(catalog, "foreldrepenger", s => s["applicationActivities"] = new JsonArray(),
                entry => $"{FaBarn}: {entry}: a service needs at least one of applicationActivities and proactiveActivities"),

        ["misspelt optional property"] = catalog =>
            EditService(catalog, "barnetrygd", s => s["targetDay"] = 30,
                entry => $"{FaBarn}: {entry}: unknown property 'targetDay'"),

        ["negative target"] = catalog =>
            EditService(catalog, "barnetrygd", s => s["targetDays"] = -1,
                entry => $"{FaBarn}: {entry}: 'targetDays' must be a number of days greater than zero and at most 3650"),

        ["duplicate service id"] = catalog =>
        {
            var index = 0;
            catalog.Edit(FaBarn, root =>
            {
                var services = root["services"]!.AsArray();
                services.Add(services[0]!.DeepClone());
                index = services.Count - 1;
            });
            return $"{FaBarn}: services[{index}] 'foreldrepenger': duplicate service id (also services[0] 'foreldrepenger')";
        },

        ["life event activity missing"] = catalog =>
        {
            catalog.Edit(FaBarn, root => root["lifeEventActivity"] = "folkeregisteret.fodsel.meldt");
            return $"{FaBarn}: lifeEventActivity 'folkeregisteret.fodsel.meldt' is not an activity of journey type 'fa-barn'";
        },

        ["required property missing"] = catalog =>
        {
            catalog.Edit(FaBarn, root => root.Remove("lifeEventActivity"));
            return $"{FaBarn}: missing required property 'lifeEventActivity'";
        },

        ["required name text missing"] = catalog =>
        {
            catalog.Edit(FaBarn, root => root["activities"]![1]!["name"]!.AsObject().Remove("en"));
            return $"{FaBarn}: activities[1] 'folkeregisteret.farskap.registrert': name: missing required property 'en'";
        },

        ["version of the wrong type"] = catalog =>
        {
            catalog.Edit(FaBarn, root => root["version"] = "1");
            return $"{FaBarn}: 'version' must be a whole number of at least 1";
        },

        ["duplicate activity code"] = catalog =>
        {
            var index = 0;
            catalog.Edit(FaBarn, root =>
            {
                var activities = root["activities"]!.AsArray();
                activities.Add(activities[0]!.DeepClone());
                index = activities.Count - 1;
            });
            return $"{FaBarn}: activities[{index}] 'folkeregisteret.fodsel.registrert': duplicate activity code (also activities[0] 'folkeregisteret.fodsel.registrert')";
        },

        ["activity of an unknown agency"] = catalog =>
        {
            catalog.Edit(FaBarn, root => root["activities"]![0]!["agency"] = "skatt");
            return $"{FaBarn}: activities[0] 'folkeregisteret.fodsel.registrert': agency 'skatt' is not in agencies.json";
        },

        ["activity code not starting with its agency"] = catalog =>
        {
            catalog.Edit(FaBarn, root => root["activities"]![1]!["code"] = "nav.farskap.registrert");
            return $"{FaBarn}: activities[1] 'nav.farskap.registrert': code must start with its agency 'folkeregisteret.'";
        },

        ["activity code with capitals and four parts"] = catalog =>
        {
            catalog.Edit(FaBarn, root => root["activities"]![1]!["code"] = "folkeregisteret.Farskap.registrert.ny");
            return $"{FaBarn}: activities[1] 'folkeregisteret.Farskap.registrert.ny': code must be '{{agency}}.{{service-or-area}}.{{step}}': three dot-separated parts of lowercase ASCII letters, digits and single hyphens";
        },

        ["malformed attribute name"] = catalog =>
        {
            catalog.Edit(FaBarn, root => root["activities"]![0]!["attributes"]!.AsArray().Add("Municipality Number"));
            return $"{FaBarn}: activities[0] 'folkeregisteret.fodsel.registrert': attributes[2] 'Municipality Number' is not a well-formed attribute name (lowercase ASCII letters, digits and single hyphens, starting with a letter, at most 64 characters)";
        },

        ["repeated related role"] = catalog =>
        {
            catalog.Edit(FaBarn, root => root["relatedRoles"]!.AsArray().Add("mother"));
            return $"{FaBarn}: relatedRoles[3] 'mother' is listed more than once";
        },

        ["interval from an unknown activity"] = catalog =>
        {
            catalog.Edit(FaBarn, root => root["intervals"]![0]!["fromActivity"] = "folkeregisteret.fodsel.meldt");
            return $"{FaBarn}: intervals[0] 'fodsel-til-barnetrygd': fromActivity 'folkeregisteret.fodsel.meldt' is not an activity of journey type 'fa-barn'";
        },

        ["malformed JSON"] = catalog =>
        {
            // Drop the comma after the version: the parser stops on the next line, the fourth of the file.
            var text = catalog.ReadText(FaBarn);
            Assert.Equal("  \"version\": 1,", text.Split('\n')[2]);
            catalog.WriteText(FaBarn, text.Replace("\"version\": 1,", "\"version\": 1", StringComparison.Ordinal));
            return $"{FaBarn}: not well-formed JSON at line 4, position 3: ";
        },

        ["trailing comma"] = catalog =>
        {
            var text = catalog.ReadText(FaBarn);
            catalog.WriteText(FaBarn, text.Replace("\"co-mother\"]", "\"co-mother\",]", StringComparison.Ordinal));
            return $"{FaBarn}: not well-formed JSON at line 6, position ";
        },

        ["duplicate JSON property"] = catalog =>
        {
            var text = catalog.ReadText(FaBarn);
            catalog.WriteText(FaBarn, text.Replace("\"version\": 1,", "\"version\": 1, \"version\": 2,", StringComparison.Ordinal));
            return $"{FaBarn}: property 'version' appears more than once";
        },

        ["file name version differs from the content"] = catalog =>
        {
            File.Move(catalog.PathOf(FaBarn), catalog.PathOf("fa-barn.v2.json"));
            return "fa-barn.v2.json: version 1 does not match the file name (expected 2)";
        },

        ["file name id differs from the content"] = catalog =>
        {
            File.Move(catalog.PathOf(FaBarn), catalog.PathOf("fa-barnet.v1.json"));
            return "fa-barnet.v1.json: id 'fa-barn' does not match the file name (expected 'fa-barnet')";
        },

        ["file without a version in its name"] = catalog =>
        {
            File.Move(catalog.PathOf(FaBarn), catalog.PathOf("fa-barn.json"));
            return "fa-barn.json: a catalog file must be named 'agencies.json' or '{journeyTypeId}.v{version}.json', e.g. 'fa-barn.v1.json'";
        },

        ["agencies file missing"] = catalog =>
        {
            File.Delete(catalog.PathOf("agencies.json"));
            return $"agencies.json: missing from the catalog directory {catalog.Directory}";
        },

        ["duplicate agency"] = catalog =>
        {
            var index = 0;
            catalog.Edit("agencies.json", root =>
            {
                var agencies = root["agencies"]!.AsArray();
                agencies.Add(agencies[0]!.DeepClone());
                index = agencies.Count - 1;
            });
            return $"agencies.json: agencies[{index}] 'nav': duplicate agency id (also agencies[0] 'nav')";
        },

        ["agency run by an unknown agency"] = catalog =>
        {
            var index = 0;
            catalog.Edit("agencies.json", root =>
            {
                (index, var folkeregisteret) = TempCatalog.Find(root, "agencies", "id", "folkeregisteret");
                folkeregisteret["operatedBy"] = "skatt";
            });
            return $"agencies.json: agencies[{index}] 'folkeregisteret': operatedBy 'skatt' is not another agency in agencies.json";
        },

        ["organisation number with a wrong check digit"] = catalog =>
        {
            var index = 0;
            catalog.Edit("agencies.json", root =>
            {
                (index, var nav) = TempCatalog.Find(root, "agencies", "id", "nav");
                nav["organisationNumber"] = "889640783";
            });
            return $"agencies.json: agencies[{index}] 'nav': organisationNumber '889640783' is not an organisation number: nine digits with a valid modulus-11 check digit";
        },

        ["one organisation number for two agencies"] = catalog =>
        {
            int navIndex = 0, brregIndex = 0;
            catalog.Edit("agencies.json", root =>
            {
                (navIndex, _) = TempCatalog.Find(root, "agencies", "id", "nav");
                (brregIndex, var brreg) = TempCatalog.Find(root, "agencies", "id", "brreg");
                brreg["organisationNumber"] = "889640782";
            });
            return $"agencies.json: agencies[{brregIndex}] 'brreg': organisationNumber '889640782' is also given to agencies[{navIndex}] 'nav'";
        },
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void a_broken_catalog_is_refused_with_a_message_naming_file_and_entry(string name)
    {
        using var catalog = new TempCatalog();
        var expected = Cases[name](catalog);

        var error = Assert.Throws<CatalogException>(() => CatalogLoader.LoadDirectory(catalog.Directory));

        if (expected.EndsWith(": ", StringComparison.Ordinal) || expected.EndsWith("position ", StringComparison.Ordinal))
        {
            // The parser words its own reason; the file, line and position are ours.
            Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(expected, error.Message);
        }
    }

    private static string EditService(TempCatalog catalog, string service, Action<JsonObject> edit, Func<string, string> message)
    {
        var index = 0;
        catalog.Edit(FaBarn, root =>
        {
            (index, var entry) = TempCatalog.Find(root, "services", "id", service);
            edit(entry);
        });
        return message($"services[{index}] '{service}'");
    }
}
