using Journey.Domain.Exchange;
using Journey.Domain.ProcessMining;

namespace Journey.Domain.Tests.Exchange;

public sealed class CsvExportWriterTests
{
    [Fact]
    public void a_csv_export_has_the_process_mining_column_names_and_reads_back_one_case_per_journey()
    {
        var log = ExchangeTestData.Log();
        var csv = Write(log);

        var header = System.Text.Encoding.UTF8.GetString(csv).Split("\r\n")[0].Split(',');
        Assert.Equal(
            ["case:concept:name", "case:journey_type", "case:subject", "concept:name", "time:timestamp", "lifecycle:transition", "org:group", "org:resource"],
            header.Take(8));
        Assert.Equal(["channel", "coverage-percent", "kind", "multiple-birth", "municipality-number", "outcome"], header.Skip(14));

        var traces = new CsvLogReader().Read(new MemoryStream(csv)).ToList();
        Assert.Equal(3, traces.Count);
        var child = traces.Single(t => t.CaseId == $"fa-barn:{ExchangeTestData.Child}");
        Assert.Equal(ExchangeTestData.Child, child.Attributes["subject"]);
        var application = child.Events[0];
        Assert.Equal("nav.foreldrepenger.soknad-mottatt", application.Activity);
        Assert.Equal(TimeSpan.FromHours(1), application.Timestamp.Offset);
        Assert.Equal("citizen", application.Resource);
        Assert.Equal("nav", application.Group);
        // Quoted as RFC 4180 says: the comma and quotes come back intact.
        Assert.Equal("NAV, \"FP\" 12", application.Attributes["case_ref"]);
        Assert.Equal("100", application.Attributes["coverage-percent"]);
        Assert.False(application.Attributes.ContainsKey("outcome"));
    }

    [Fact]
    public void csv_and_xes_exports_of_the_same_events_analyse_to_the_same_figures()
    {
        var log = ExchangeTestData.Log();
        using var xes = new MemoryStream();
        using (var writer = new XesExportWriter(xes))
        {
            foreach (var (journey, events) in ExchangeTestData.Journeys(log))
            {
                writer.WriteTrace(journey, events);
            }
            writer.Complete();
        }
        xes.Position = 0;

        var fromXes = new EventLogAnalysis();
        foreach (var trace in XesReader.Read(xes))
        {
            fromXes.Add(trace);
        }
        var fromCsv = new EventLogAnalysis();
        foreach (var trace in new CsvLogReader().Read(new MemoryStream(Write(log))))
        {
            fromCsv.Add(trace);
        }

        Assert.Equal(fromXes.Result().ToJson(), fromCsv.Result().ToJson());
        Assert.Equal(7, fromCsv.Result().Events);
    }

    [Fact]
    public void an_event_with_an_attribute_the_header_does_not_have_is_refused()
    {
        var log = ExchangeTestData.Log();
        using var output = new MemoryStream();
        using var writer = new CsvExportWriter(output, ["channel"]);

        var (journey, events) = ExchangeTestData.Journeys(log).First(j => j.Events.Any(e => e.Event.Attributes.ContainsKey("outcome")));

        Assert.Throws<ArgumentException>(() => writer.WriteTrace(journey, events));
    }

    private static byte[] Write(IReadOnlyList<RecordedJourneyEvent> log)
    {
        using var output = new MemoryStream();
        using (var writer = new CsvExportWriter(output, log.SelectMany(e => e.Event.Attributes.Keys)))
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
