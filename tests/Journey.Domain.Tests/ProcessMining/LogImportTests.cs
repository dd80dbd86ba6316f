using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.LeadTimes;
using Journey.Domain.Privacy;
using Journey.Domain.ProcessMining;
using Journey.Domain.Tests.Catalog;

namespace Journey.Domain.Tests.ProcessMining;

/// <summary>Mapping agencies' exported logs onto the catalog, and drafting journey types for them.</summary>
public sealed class LogImportTests
{
    private const string Digest = "0000000000000000000000000000000000000000000000000000000000000000";

    public static TheoryData<string> XesFiles() => [.. ProcessMiningData.AllXesFiles().Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(XesFiles))]
    public void every_shared_log_drafts_a_valid_journey_type_whose_projection_equals_the_offline_analysis(string file)
    {
        var path = ProcessMiningData.Xes(file);
        using var catalog = new TempCatalog();
        var id = JourneyTypeId(file);
        catalog.WriteText($"{id}.v1.json", LogCatalogDraft.Create(XesReader.ReadFile(path), id, "kommune", file));
        var loaded = CatalogLoader.LoadDirectory(catalog.Directory);
        var mapper = new LogImportMapper(loaded, new LogImportOptions(id), Digest);

        var analysis = new EventLogAnalysis();
        var projection = new LeadTimeProjection(loaded);
        ulong position = 0;
        foreach (var trace in XesReader.ReadFile(path))
        {
            analysis.Add(trace);
            foreach (var e in mapper.Map(trace))
            {
                projection.Apply(++position, e.ToJourneyEvent());
            }
        }
        var offline = analysis.Result();
        var live = projection.Report(new LeadTimeFilter(id)).JourneyTypes.Single();

        Assert.Equal(offline.Cases, live.JourneysSeen);
        Assert.Equal(offline.Events, projection.EventsApplied);
        Assert.Equal(0, projection.EventsIgnored);
        var span = live.Span;
        Assert.Equal(
            (offline.CaseDuration.Count, offline.CaseDuration.MinSeconds, offline.CaseDuration.MeanSeconds, offline.CaseDuration.MedianSeconds, offline.CaseDuration.P90Seconds, offline.CaseDuration.MaxSeconds),
            (span.Count, span.MinSeconds, span.MeanSeconds, span.MedianSeconds, span.P90Seconds, span.MaxSeconds));
        var codes = loaded.FindJourneyType(id)!.Activities.ToDictionary(a => a.LogNames.Single(), a => a.Code);
        Assert.Equal(
            offline.DirectlyFollows.Select(e => (codes[e.From], codes[e.To], e.Count, e.MeanSeconds, e.MedianSeconds)).Order(),
            live.DirectlyFollows.Select(a => (a.From, a.To, a.Times.Count, a.Times.MeanSeconds, a.Times.MedianSeconds)).Order());
    }

    [Fact]
    public void the_running_example_maps_to_opaque_subjects_and_deterministic_ids()
    {
        var (catalog, id) = Drafted("running-example.xes");
        var mapper = new LogImportMapper(catalog, new LogImportOptions(id), Digest);
        var traces = XesReader.ReadFile(ProcessMiningData.Xes("running-example.xes")).ToList();

        var mapped = traces.Select(mapper.Map).ToList();

        Assert.Equal(42, mapped.Sum(m => m.Count));
        var subjects = mapped.Select(m => m.Select(e => e.Subject).Distinct().Single()).ToList();
        Assert.Equal(6, subjects.Distinct().Count());
        // Opaque ids the door accepts, with nothing in them it could take for an identity number.
        Assert.All(subjects, s => Assert.Null(PersonIdentifier.Validate(s)));
        Assert.All(subjects, s => Assert.DoesNotContain(s, traces.Select(t => t.CaseId)));
        var first = mapped[0][0];
        Assert.Equal(("kommune", "kommune.running-example.register-request", Lifecycle.Complete, Initiator.Agency),
            (first.Agency, first.Activity, first.Lifecycle, first.Initiator));
        // 2010-12-30T14:32:00.000+01:00 keeps its offset.
        Assert.Equal(new DateTimeOffset(2010, 12, 30, 14, 32, 0, TimeSpan.FromHours(1)), first.OccurredAt);
        Assert.Equal(42, mapped.SelectMany(m => m).Select(e => e.EventId).Distinct().Count());
        // Same file, case and index: the same id; another file digest: another id.
        Assert.Equal(first.EventId, new LogImportMapper(catalog, new LogImportOptions(id), Digest).Map(traces[0])[0].EventId);
        Assert.NotEqual(first.EventId, new LogImportMapper(catalog, new LogImportOptions(id), Digest.Replace('0', '1')).Map(traces[0])[0].EventId);
        Assert.Equal(5, first.EventId.Version);
    }

    [Fact]
    public void the_catalog_says_which_activities_are_applications_and_so_the_citizens()
    {
        var catalog = CatalogLoader.LoadDirectory(TempCatalog.ShippedDirectory);
        var mapper = new LogImportMapper(catalog, new LogImportOptions("fa-barn"), Digest);
        var at = new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.FromHours(1));

        var events = mapper.Map(Trace("1", ("folkeregisteret.fodsel.registrert", at, null), ("nav.barnetrygd.soknad-mottatt", at.AddDays(3), "start")));

        Assert.Equal(
            [("folkeregisteret", Initiator.Agency, Lifecycle.Complete), ("nav", Initiator.Citizen, Lifecycle.Start)],
            events.Select(e => (e.Agency, e.Initiator, e.Lifecycle)));
    }

    [Theory]
    [InlineData("unknown activity", "trace 'X' event 2: activity 'Send Fine' is neither an activity code nor a logName of journey type 'running-example' (running-example.v1.json)")]
    [InlineData("other lifecycle", "trace 'X' event 1 ('register request'): lifecycle:transition 'schedule' cannot be sent; a journey knows start and complete")]
    [InlineData("other agency", "trace 'X' event 1: activity 'register request' belongs to agency 'kommune', not 'nav'")]
    public void a_trace_that_does_not_map_is_refused_naming_trace_event_and_reason(string breakage, string expected)
    {
        var (catalog, id) = Drafted("running-example.xes");
        var at = new DateTimeOffset(2024, 1, 1, 9, 0, 0, TimeSpan.Zero);
        var mapper = new LogImportMapper(catalog, new LogImportOptions(id, Agency: breakage == "other agency" ? "nav" : null), Digest);
        var trace = breakage switch
        {
            "unknown activity" => Trace("X", ("register request", at, null), ("Send Fine", at, null)),
            "other lifecycle" => Trace("X", ("register request", at, "schedule")),
            _ => Trace("X", ("register request", at, null)),
        };

        var error = Assert.Throws<LogMappingException>(() => mapper.Map(trace));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void a_name_of_activities_of_two_agencies_is_resolved_by_org_group()
    {
        var catalog = new JourneyCatalog(
            [new AgencyDefinition("nav", new("Nav", "Nav")), new AgencyDefinition("kommune", new("Kommune", "Municipality"))],
            [
                new JourneyTypeDefinition(
                    "sak", 1, new("Sak", "Case"), "nav.sak.mottatt", [],
                    [
                        new ActivityDefinition("nav.sak.mottatt", "nav", new("Mottatt", "Received"), []) { LogNames = ["Received"] },
                        new ActivityDefinition("kommune.sak.mottatt", "kommune", new("Mottatt", "Received"), []) { LogNames = ["Received"] },
                    ],
                    [], [], "inline") { Kind = JourneyKind.ProcessLog },
            ]);
        var mapper = new LogImportMapper(catalog, new LogImportOptions("sak"), Digest);
        var at = DateTimeOffset.UnixEpoch;
        LogEvent Received(string? group) => new("Received", at, null, null, group, new Dictionary<string, object?>());

        var mapped = mapper.Map(new LogTrace("1", [Received("kommune"), Received("nav")], new Dictionary<string, object?>()));

        Assert.Equal(["kommune.sak.mottatt", "nav.sak.mottatt"], mapped.Select(e => e.Activity));
        Assert.Throws<LogMappingException>(() => mapper.Map(new LogTrace("2", [Received("Group 1")], new Dictionary<string, object?>())));
    }

    [Fact]
    public void the_draft_names_codes_after_the_log_and_picks_the_most_frequent_start()
    {
        var at = new DateTimeOffset(2024, 1, 1, 9, 0, 0, TimeSpan.Zero);
        var traces = new[]
        {
            Trace("1", ("Søknad mottatt", at, null), ("Vedtak fattet", at.AddDays(1), null)),
            Trace("2", ("Vedtak fattet", at.AddDays(1), null), ("Søknad mottatt", at, null)),
            Trace("3", ("vedtak FATTET!", at, null)),
        };
        using var catalog = new TempCatalog();

        catalog.WriteText("sak.v1.json", LogCatalogDraft.Create(traces, "sak", "nav", "sak.xes"));
        var type = CatalogLoader.LoadDirectory(catalog.Directory).FindJourneyType("sak")!;

        Assert.Equal(["nav.sak.soknad-mottatt", "nav.sak.vedtak-fattet", "nav.sak.vedtak-fattet-2"], type.Activities.Select(a => a.Code));
        Assert.Equal(["Søknad mottatt", "Vedtak fattet", "vedtak FATTET!"], type.Activities.Select(a => a.LogNames.Single()));
        // Cases 1 and 2 start (by time) with the application, case 3 with the other decision name.
        Assert.Equal("nav.sak.soknad-mottatt", type.LifeEventActivity);
        Assert.Equal(JourneyKind.ProcessLog, type.Kind);
    }

    [Theory]
    [InlineData("T02 Check confirmation of receipt", "t02-check-confirmation-of-receipt")]
    [InlineData("Fødsel – registrert (Ærlig)", "fodsel-registrert-aerlig")]
    [InlineData("  --  ", "activity")]
    [InlineData("Send for Credit Collection", "send-for")]
    public void slugs_are_lowercase_ascii_runs_joined_by_single_hyphens(string name, string expected)
    {
        Assert.Equal(expected, LogCatalogDraft.Slug(name, maxLength: expected == "send-for" ? 9 : 64));
    }

    private static (JourneyCatalog Catalog, string Id) Drafted(string file)
    {
        var id = JourneyTypeId(file);
        using var catalog = new TempCatalog();
        catalog.WriteText($"{id}.v1.json", LogCatalogDraft.Create(XesReader.ReadFile(ProcessMiningData.Xes(file)), id, "kommune", file));
        return (CatalogLoader.LoadDirectory(catalog.Directory), id);
    }

    private static string JourneyTypeId(string file)
    {
        var name = file.Replace(".xes.gz", "", StringComparison.Ordinal).Replace(".xes", "", StringComparison.Ordinal);
        var id = LogCatalogDraft.Slug(name, 40);
        return char.IsAsciiLetter(id[0]) ? id : "log-" + id;
    }

    private static LogTrace Trace(string caseId, params (string Activity, DateTimeOffset At, string? Lifecycle)[] events) =>
        new(caseId, [.. events.Select(e => new LogEvent(e.Activity, e.At, e.Lifecycle, null, null, new Dictionary<string, object?>()))], new Dictionary<string, object?>());
}
