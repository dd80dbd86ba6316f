using System.Text.Json.Nodes;
using Journey.Domain.Catalog;

namespace Journey.Domain.Tests.Catalog;

public sealed class CatalogLoaderTests
{
    private static readonly JourneyCatalog Shipped = CatalogLoader.LoadDefault();

    [Fact]
    public void the_shipped_catalog_loads_with_the_three_required_journey_types()
    {
        var ids = Shipped.JourneyTypes.Select(j => j.Id).ToList();

        Assert.Contains("fa-barn", ids);
        Assert.Contains("alvorlig-sykt-barn", ids);
        Assert.Contains("dodsfall-og-arv", ids);
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
    }

    [Fact]
    public void having_a_child_starts_at_the_registered_birth_and_child_benefit_is_proactive()
    {
        var faBarn = Shipped.FindJourneyType("fa-barn")!;
        var barnetrygd = faBarn.FindService("barnetrygd")!;

        Assert.Equal("folkeregisteret.fodsel.registrert", faBarn.LifeEventActivity);
        Assert.Equal("fa-barn.v1.json", faBarn.SourceFile);
        Assert.Equal(["mother", "father", "co-mother"], faBarn.RelatedRoles);
        Assert.Equal("nav", barnetrygd.Agency);
        Assert.Equal(["nav.barnetrygd.behandling-opprettet"], barnetrygd.ProactiveActivities);
        Assert.Contains(faBarn.LifeEventActivity, barnetrygd.DependsOn);
        Assert.Equal(TimeSpan.FromDays(60), barnetrygd.Target);
        Assert.Null(faBarn.FindService("foreldrepenger")!.Target);
        Assert.Equal(["municipality-number", "multiple-birth"], faBarn.FindActivity("folkeregisteret.fodsel.registrert")!.Attributes);
    }

    [Fact]
    public void the_seriously_ill_child_and_death_journeys_start_at_their_life_events()
    {
        var sick = Shipped.FindJourneyType("alvorlig-sykt-barn")!;
        var death = Shipped.FindJourneyType("dodsfall-og-arv")!;

        Assert.Equal("helseforetak", sick.FindActivity(sick.LifeEventActivity)!.Agency);
        Assert.Equal(["nav.pleiepenger.soknad-mottatt"], sick.FindService("pleiepenger")!.ApplicationActivities);
        Assert.Equal("folkeregisteret.dodsfall.registrert", death.LifeEventActivity);
        Assert.Equal("tingrett", death.FindService("skifteattest")!.Agency);
        Assert.NotEmpty(death.FindService("barnepensjon")!.ProactiveActivities);
        Assert.Equal(TimeSpan.FromDays(60), death.Intervals.Single(i => i.Id == "dodsfall-til-skifteerklaering").Target);
    }

    [Fact]
    public void folkeregisteret_is_its_own_agency_run_by_skatteetaten()
    {
        Assert.Equal("skatteetaten", Shipped.FindAgency("folkeregisteret")!.OperatedBy);
        Assert.Null(Shipped.FindAgency("skatteetaten")!.OperatedBy);
        Assert.Equal("Brønnøysundregistrene", Shipped.FindAgency("brreg")!.Name.Nb);
    }

    [Fact]
    public void the_national_agencies_carry_their_organisation_numbers_and_folkeregisteret_acts_through_skatteetaten()
    {
        Assert.Equal("889640782", Shipped.FindAgency("nav")!.OrganisationNumber);
        Assert.Equal("974761076", Shipped.FindAgency("skatteetaten")!.OrganisationNumber);
        Assert.Null(Shipped.FindAgency("folkeregisteret")!.OrganisationNumber);
        Assert.Null(Shipped.FindAgency("kommune")!.OrganisationNumber);
        var numbers = Shipped.Agencies.Select(a => a.OrganisationNumber).OfType<string>().ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
    }

    [Fact]
    public void every_shipped_service_names_the_data_it_depends_on()
    {
        // Without dependsOn a service can never show proactive potential, the figure the catalog exists for.
        var withoutDependencies = Shipped.JourneyTypes
            .SelectMany(j => j.Services.Where(s => s.DependsOn.Count == 0).Select(s => $"{j.Id}/{s.Id}"));

        Assert.Empty(withoutDependencies);
    }

    [Fact]
    public void every_shipped_activity_code_starts_with_its_agency_and_has_three_parts()
    {
        Assert.All(Shipped.JourneyTypes.SelectMany(j => j.Activities), a =>
        {
            Assert.StartsWith(a.Agency + ".", a.Code, StringComparison.Ordinal);
            Assert.Equal(3, a.Code.Split('.').Length);
        });
    }

    [Fact]
    public void the_highest_version_of_a_journey_type_is_the_active_one()
    {
        using var catalog = new TempCatalog();
        File.Copy(catalog.PathOf("fa-barn.v1.json"), catalog.PathOf("fa-barn.v2.json"));
        catalog.Edit("fa-barn.v2.json", root =>
        {
            root["version"] = 2;
            root["name"]!["en"] = "Having a child, revised";
        });
        File.Copy(catalog.PathOf("fa-barn.v1.json"), catalog.PathOf("fa-barn.v10.json"));
        catalog.Edit("fa-barn.v10.json", root => root["version"] = 10);

        var loaded = CatalogLoader.LoadDirectory(catalog.Directory);

        Assert.Equal(10, loaded.FindJourneyType("fa-barn")!.Version);
        Assert.Equal("fa-barn.v10.json", loaded.FindJourneyType("fa-barn")!.SourceFile);
        Assert.Equal(3, loaded.JourneyTypes.Count());
    }

    [Fact]
    public void an_older_version_is_validated_even_though_it_is_not_active()
    {
        using var catalog = new TempCatalog();
        File.Copy(catalog.PathOf("fa-barn.v1.json"), catalog.PathOf("fa-barn.v2.json"));
        catalog.Edit("fa-barn.v2.json", root => root["version"] = 2);
        catalog.Edit("fa-barn.v1.json", root => root["lifeEventActivity"] = "folkeregisteret.fodsel.meldt");

        var error = Assert.Throws<CatalogException>(() => CatalogLoader.LoadDirectory(catalog.Directory));

        Assert.StartsWith("fa-barn.v1.json: lifeEventActivity", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_file_saved_with_a_byte_order_mark_loads()
    {
        using var catalog = new TempCatalog();
        catalog.WriteText("agencies.json", "\uFEFF" + catalog.ReadText("agencies.json"));
        File.WriteAllBytes(catalog.PathOf("fa-barn.v1.json"), [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(catalog.PathOf("fa-barn.v1.json"))]);

        var loaded = CatalogLoader.LoadDirectory(catalog.Directory);

        Assert.NotNull(loaded.FindJourneyType("fa-barn"));
    }

    [Fact]
    public void comments_and_other_files_than_json_are_ignored()
    {
        using var catalog = new TempCatalog();
        catalog.WriteText("README.md", "# notes");
        catalog.Edit("fa-barn.v1.json", root => root["activities"]![0]!["$comment"] = "a note for editors");

        var loaded = CatalogLoader.LoadDirectory(catalog.Directory);

        Assert.NotNull(loaded.FindJourneyType("fa-barn"));
    }

    [Fact]
    public void a_missing_directory_is_reported_by_name()
    {
        var missing = Path.Combine(Path.GetTempPath(), "journey-no-such-catalog-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<CatalogException>(() => CatalogLoader.LoadDirectory(missing));

        Assert.Equal($"{missing}: the catalog directory does not exist", error.Message);
    }

    [Fact]
    public void a_catalog_without_journey_types_is_refused()
    {
        using var catalog = new TempCatalog();
        foreach (var file in Directory.EnumerateFiles(catalog.Directory, "*.v*.json"))
        {
            File.Delete(file);
        }

        var error = Assert.Throws<CatalogException>(() => CatalogLoader.LoadDirectory(catalog.Directory));

        Assert.Contains("no journey type files", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void the_edit_helper_leaves_a_catalog_that_still_loads()
    {
        // Guards the broken-catalog table: its failures must come from the breakage, not the rewrite.
        using var catalog = new TempCatalog();
        foreach (var file in Directory.EnumerateFiles(catalog.Directory, "*.json"))
        {
            catalog.Edit(Path.GetFileName(file), _ => { });
        }

        Assert.Equal(Shipped.JourneyTypes.Count(), CatalogLoader.LoadDirectory(catalog.Directory).JourneyTypes.Count());
        Assert.IsType<JsonObject>(JsonNode.Parse(catalog.ReadText("agencies.json")));
    }
}
