using System.Globalization;
using System.Text;
using Journey.Domain.ProcessMining;

namespace Journey.Domain.Tests.ProcessMining;

public sealed class CsvLogReaderTests
{
    [Fact]
    public void rows_are_grouped_into_cases_with_quoting_offsets_and_optional_columns()
    {
        // CRLF records; a quoted field with the delimiter, a doubled quote and a line break; an empty
        // optional cell; a timestamp without an offset (UTC) and one in pandas' space-separated form.
        var csv = string.Join("\r\n",
            "case:concept:name,concept:name,time:timestamp,org:resource,case:municipality,note",
            "K-1,\"søknad, barnetrygd\",2024-03-30T10:00:00+01:00,NAV,Bergen,\"she said \"\"hi\"\"\"",
            "K-1,vedtak,2024-03-31T10:00:00+02:00,,,\"two",
            "lines\"",
            "K-2,søknad,2024-04-02T08:00:00,NAV,Oslo,",
            "K-2,vedtak,2024-04-03 08:15:00+02:00,NAV,Oslo,") + "\r\n";

        var traces = Read(csv);

        Assert.Equal(["K-1", "K-2"], traces.Select(t => t.CaseId));
        var k1 = traces[0];
        Assert.Equal("Bergen", k1.Attributes["municipality"]);
        Assert.Equal(["søknad, barnetrygd", "vedtak"], k1.Events.Select(e => e.Activity));
        Assert.Equal("she said \"hi\"", k1.Events[0].Attributes["note"]);
        Assert.Equal("two\r\nlines", k1.Events[1].Attributes["note"]);
        Assert.Equal("NAV", k1.Events[0].Resource);
        Assert.Null(k1.Events[1].Resource);
        Assert.Null(k1.Events[0].Lifecycle);
        Assert.Equal(TimeSpan.FromHours(2), k1.Events[1].Timestamp.Offset);
        // Across the spring daylight-saving change: 23 hours elapsed, not 24.
        Assert.Equal(TimeSpan.FromHours(23), k1.Events[1].Timestamp - k1.Events[0].Timestamp);
        var k2 = traces[1];
        Assert.Equal(new DateTimeOffset(2024, 4, 2, 8, 0, 0, TimeSpan.Zero), k2.Events[0].Timestamp);
        Assert.Equal(new DateTimeOffset(2024, 4, 3, 8, 15, 0, TimeSpan.FromHours(2)), k2.Events[1].Timestamp);
        Assert.False(k2.Events[0].Attributes.ContainsKey("note"));
    }

    [Fact]
    public void column_names_and_delimiter_can_be_chosen()
    {
        const string csv = """
            Saksnr;Aktivitet;Tidspunkt;Status;Saksbehandler;Enhet
            S1;mottatt;2024-01-02T09:00:00+01:00;start;ola;NAV Vest
            S1;mottatt;2024-01-02T09:30:00+01:00;complete;ola;NAV Vest
            """;
        var options = new CsvLogOptions("Saksnr", "Aktivitet", "Tidspunkt", "Status", "Saksbehandler", "Enhet", ';');

        var trace = Assert.Single(new CsvLogReader(options).Read(new StringReader(csv)));

        Assert.Equal("S1", trace.CaseId);
        Assert.Equal(["start", "complete"], trace.Events.Select(e => e.Lifecycle));
        Assert.Equal("ola", trace.Events[0].Resource);
        Assert.Equal("NAV Vest", trace.Events[0].Group);
        Assert.Empty(trace.Events[0].Attributes);
    }

    [Fact]
    public void running_example_written_as_csv_gives_the_same_analysis_as_the_xes_file()
    {
        var fromXes = XesReader.ReadFile(ProcessMiningData.Xes("running-example.xes")).ToList();
        var csv = new StringBuilder("case:concept:name,concept:name,time:timestamp,org:resource\n");
        foreach (var trace in fromXes)
        {
            foreach (var e in trace.Events)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{trace.CaseId},{e.Activity},{e.Timestamp:yyyy-MM-dd'T'HH:mm:ss.fffzzz},{e.Resource}\n");
            }
        }

        var fromCsv = Read(csv.ToString());

        Assert.Equal(Analyse(fromXes).ToJson(), Analyse(fromCsv).ToJson());
        Assert.Equal(fromXes.Select(t => t.CaseId), fromCsv.Select(t => t.CaseId));
        Assert.Equal(
            fromXes.SelectMany(t => t.Events).Select(e => (e.Activity, e.Timestamp, e.Resource)),
            fromCsv.SelectMany(t => t.Events).Select(e => (e.Activity, e.Timestamp, e.Resource)));
    }

    [Fact]
    public void a_case_whose_rows_are_not_contiguous_is_refused_with_both_lines()
    {
        const string csv = """
            case:concept:name,concept:name,time:timestamp
            A,apply,2024-01-01T09:00:00Z
            A,decide,2024-01-03T09:00:00Z
            B,apply,2024-01-02T09:00:00Z
            A,pay,2024-01-04T09:00:00Z
            """;

        using var traces = new CsvLogReader().Read(new StringReader(csv)).GetEnumerator();

        // Streaming: the cases before the problem are already out.
        Assert.True(traces.MoveNext());
        Assert.Equal("A", traces.Current.CaseId);
        Assert.True(traces.MoveNext());
        Assert.Equal("B", traces.Current.CaseId);
        var error = Assert.Throws<EventLogFormatException>(() => traces.MoveNext());
        Assert.Equal(5, error.LineNumber);
        Assert.StartsWith("line 5: case 'A' comes back after other cases (its rows ended at line 3)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_bad_timestamp_is_reported_on_its_physical_line_after_a_multiline_field()
    {
        const string csv = """
            case:concept:name,concept:name,time:timestamp,note
            A,apply,2024-01-01T09:00:00Z,"first
            second
            third"
            A,decide,03/01/2024 09:00,
            """;

        var error = Assert.Throws<EventLogFormatException>(() => Read(csv));

        Assert.Equal(5, error.LineNumber);
        Assert.Contains("bad timestamp '03/01/2024 09:00' in column 'time:timestamp'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("case:concept:name,concept:name\nA,apply\n", 1, "the header has no column 'time:timestamp' (it has: case:concept:name, concept:name)")]
    [InlineData("case:concept:name,concept:name,time:timestamp,concept:name\n", 1, "column 'concept:name' appears twice in the header")]
    [InlineData("case:concept:name,concept:name,time:timestamp\nA,apply\n", 2, "expected 3 fields as in the header, found 2")]
    [InlineData("case:concept:name,concept:name,time:timestamp\nA,,2024-01-01T09:00:00Z\n", 2, "empty value in column 'concept:name'")]
    [InlineData("case:concept:name,concept:name,time:timestamp\nA,apply,2024-01-01T09:00:00Z\nA,\"decide,2024-01-02\n", 3, "a quoted field is not closed before the end of the file")]
    [InlineData("case:concept:name,concept:name,time:timestamp\nA,\"apply\"x,2024-01-01T09:00:00Z\n", 2, "unexpected 'x' after a closing quote")]
    [InlineData("case:concept:name,concept:name,time:timestamp\nA,ap\"ply,2024-01-01T09:00:00Z\n", 2, "a double quote inside an unquoted field (quote the whole field and double the quote)")]
    [InlineData("", 1, "the file is empty: a header row is needed")]
    public void malformed_csv_is_refused_with_the_line_and_the_problem(string csv, int line, string problem)
    {
        var error = Assert.Throws<EventLogFormatException>(() => Read(csv));

        Assert.Equal(line, error.LineNumber);
        Assert.Equal(problem, error.Problem);
        Assert.Equal($"line {line}: {problem}", error.Message);
    }

    [Fact]
    public void a_file_with_a_byte_order_mark_and_no_final_line_break_reads_from_disk()
    {
        var dir = Directory.CreateTempSubdirectory("journey-pm-");
        try
        {
            var path = Path.Combine(dir.FullName, "export.csv");
            File.WriteAllText(path, "case:concept:name,concept:name,time:timestamp\nA,apply,2024-01-01T09:00:00Z\nA,decide,2024-01-02T09:00:00Z", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

            var trace = Assert.Single(new CsvLogReader().ReadFile(path));

            Assert.Equal("A", trace.CaseId);
            Assert.Equal(["apply", "decide"], trace.Events.Select(e => e.Activity));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static List<LogTrace> Read(string csv) => new CsvLogReader().Read(new StringReader(csv)).ToList();

    private static EventLogAnalysisResult Analyse(IEnumerable<LogTrace> traces)
    {
        var analysis = new EventLogAnalysis();
        foreach (var trace in traces)
        {
            analysis.Add(trace);
        }
        return analysis.Result();
    }
}
