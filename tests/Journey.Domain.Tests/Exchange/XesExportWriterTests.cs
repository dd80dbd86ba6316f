using System.Xml.Linq;
using Journey.Domain.Exchange;
using Journey.Domain.ProcessMining;

namespace Journey.Domain.Tests.Exchange;

public sealed class XesExportWriterTests
{
    [Fact]
    public void an_xes_export_reads_back_one_trace_per_journey_with_the_standard_attributes_and_offsets()
    {
        var log = ExchangeTestData.Log();

        var traces = XesReader.Read(new MemoryStream(Write(log))).ToList();

        Assert.Equal(
            [$"dodsfall-og-arv:{ExchangeTestData.Deceased}", $"fa-barn:{ExchangeTestData.Child}", $"fa-barn:{ExchangeTestData.Twin}"],
            traces.Select(t => t.CaseId));
        var child = traces[1];
        Assert.Equal("fa-barn", child.Attributes["journey_type"]);
        Assert.Equal(ExchangeTestData.Child, child.Attributes["subject"]);
        // Journey order: the late application happened first.
        Assert.Equal(
            ["nav.foreldrepenger.soknad-mottatt", "folkeregisteret.fodsel.registrert", "nav.barnetrygd.behandling-opprettet", "nav.barnetrygd.vedtak"],
            child.Events.Select(e => e.Activity));

        var application = child.Events[0];
        Assert.Equal(new DateTimeOffset(2025, 3, 19, 9, 0, 0, 250, TimeSpan.FromHours(1)), application.Timestamp);
        Assert.Equal(TimeSpan.FromHours(1), application.Timestamp.Offset);
        Assert.Equal("complete", application.Lifecycle);
        Assert.Equal("nav", application.Group);
        Assert.Equal("citizen", application.Resource);
        Assert.Equal("citizen", application.Attributes["initiator"]);
        Assert.Equal(5L, application.Attributes["position"]);
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 12, 0, 5, TimeSpan.Zero), application.Attributes["recorded_at"]);
        Assert.Equal("NAV, \"FP\" 12", application.Attributes["case_ref"]);
        Assert.Equal("digital", application.Attributes["channel"]);
        Assert.Equal("100", application.Attributes["coverage-percent"]);
        Assert.Equal(log[4].Event.EventId.ToString(), application.Attributes["identity:id"]);

        var birth = child.Events[1];
        Assert.Null(birth.Resource);
        Assert.Equal($"mother={ExchangeTestData.Mother};father={ExchangeTestData.Father}", birth.Attributes["related"]);
        Assert.Equal("system", child.Events[2].Resource);
        var decision = child.Events[3];
        Assert.Equal(TimeSpan.FromHours(2), decision.Timestamp.Offset);

        var estate = traces[0].Events[^1];
        Assert.Equal("start", estate.Lifecycle);
        Assert.Equal(new DateTimeOffset(2025, 4, 2, 8, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567), estate.Timestamp);
    }

    [Fact]
    public void the_log_declares_the_standard_extensions_it_uses_and_the_xes_version()
    {
        var document = XDocument.Parse(System.Text.Encoding.UTF8.GetString(Write(ExchangeTestData.Log())));
        XNamespace xes = "http://www.xes-standard.org/";

        var root = document.Root!;
        Assert.Equal(xes + "log", root.Name);
        Assert.Equal("1849-2016", (string?)root.Attribute("xes.version"));
        var extensions = root.Elements(xes + "extension").ToDictionary(e => (string)e.Attribute("prefix")!, e => (string)e.Attribute("uri")!);
        Assert.Equal(["concept", "identity", "lifecycle", "org", "time"], extensions.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("http://www.xes-standard.org/concept.xesext", extensions["concept"]);
        // Every prefixed key in the log belongs to a declared extension.
        var prefixes = document.Descendants().Select(e => (string?)e.Attribute("key")).OfType<string>()
            .Where(k => k.Contains(':', StringComparison.Ordinal)).Select(k => k[..k.IndexOf(':', StringComparison.Ordinal)]).Distinct();
        Assert.All(prefixes, p => Assert.Contains(p, extensions.Keys));
    }

    [Fact]
    public void the_same_events_give_the_same_bytes_whatever_order_their_attributes_were_built_in()
    {
        var once = Write(ExchangeTestData.Log());
        var again = Write(ExchangeTestData.Log(reverseAttributes: true));

        Assert.Equal(once, again);
    }

    [Fact]
    public void a_catalog_attribute_named_like_a_journey_field_is_exported_under_its_own_name()
    {
        var e = ExchangeTestData.Event("fa-barn", "nav", "nav.x.y", ExchangeTestData.Child, "2025-01-01T00:00:00+01:00", Events.Initiator.Agency,
            attributes: new Dictionary<string, string> { ["initiator"] = "employer", ["position"] = "head" });
        var xes = Write([new RecordedJourneyEvent(1, DateTimeOffset.UnixEpoch, e)]);

        var read = XesReader.Read(new MemoryStream(xes)).Single().Events.Single();

        Assert.Equal("agency", read.Attributes["initiator"]);
        Assert.Equal(1L, read.Attributes["position"]);
        Assert.Equal("employer", read.Attributes["attribute:initiator"]);
        Assert.Equal("head", read.Attributes["attribute:position"]);
    }

    private static byte[] Write(IReadOnlyList<RecordedJourneyEvent> log)
    {
        using var output = new MemoryStream();
        using (var writer = new XesExportWriter(output))
        {
            foreach (var (journey, events) in ExchangeTestData.Journeys(log))
            {
                writer.WriteTrace(journey, events);
            }
            writer.Complete();
        }
        return output.ToArray();
    }
}
