using System.IO.Compression;
using System.Text;
using Journey.Domain.ProcessMining;

namespace Journey.Domain.Tests.ProcessMining;

public sealed class XesReaderTests
{
    public static TheoryData<string> RealFiles()
    {
        var files = new TheoryData<string>();
        foreach (var path in ProcessMiningData.AllXesFiles())
        {
            files.Add(Path.GetFileName(path));
        }
        return files;
    }

    [Theory]
    [MemberData(nameof(RealFiles))]
    public void every_real_log_reads_with_an_activity_and_timestamp_on_every_event(string file)
    {
        var traces = XesReader.ReadFile(ProcessMiningData.Xes(file)).ToList();

        Assert.NotEmpty(traces);
        Assert.All(traces, t => Assert.All(t.Events, e => Assert.False(string.IsNullOrEmpty(e.Activity))));
        Assert.Equal(traces.Count, traces.Select(t => t.CaseId).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void the_real_logs_are_all_there()
    {
        var names = ProcessMiningData.AllXesFiles().Select(Path.GetFileName).ToList();

        Assert.Equal(8, names.Count);
        Assert.Contains("15_bpic2020_permit_log_1t_per_variant.xes.gz", names);
        Assert.Contains("receipt.xes", names);
    }

    [Fact]
    public void running_example_maps_the_standard_attributes_and_keeps_file_order_and_offsets()
    {
        var traces = XesReader.ReadFile(ProcessMiningData.Xes("running-example.xes")).ToList();

        Assert.Equal(["3", "2", "1", "6", "5", "4"], traces.Select(t => t.CaseId));
        Assert.Equal(42, traces.Sum(t => t.Events.Count));
        var first = traces[0].Events[0];
        Assert.Equal("register request", first.Activity);
        Assert.Equal(new DateTimeOffset(2010, 12, 30, 14, 32, 0, TimeSpan.FromHours(1)), first.Timestamp);
        Assert.Equal(TimeSpan.FromHours(1), first.Timestamp.Offset);
        Assert.Equal("Pete", first.Resource);
        Assert.Null(first.Lifecycle);
        Assert.Null(first.Group);
        // The mapped attributes are not repeated; the others are, typed as the file declares them.
        Assert.False(first.Attributes.ContainsKey("concept:name"));
        Assert.False(first.Attributes.ContainsKey("time:timestamp"));
        Assert.Equal("50", first.Attributes["Costs"]);
        Assert.Equal("Fluxicon Nitro", traces[0].Attributes["creator"]);
        Assert.Equal("pay compensation", traces[0].Events[^1].Activity);
    }

    [Fact]
    public void typed_attributes_become_numbers_and_dates_without_an_offset_are_utc()
    {
        // roadtraffic50traces.xes writes "2006-07-24T00:00:00.000": no offset.
        var a1 = XesReader.ReadFile(ProcessMiningData.Xes("roadtraffic50traces.xes")).First();

        Assert.Equal("A1", a1.CaseId);
        var create = a1.Events[0];
        Assert.Equal("Create Fine", create.Activity);
        Assert.Equal(new DateTimeOffset(2006, 7, 24, 0, 0, 0, TimeSpan.Zero), create.Timestamp);
        Assert.Equal(TimeSpan.Zero, create.Timestamp.Offset);
        Assert.Equal("complete", create.Lifecycle);
        Assert.Equal("561", create.Resource);
        Assert.Equal(35.0, Assert.IsType<double>(create.Attributes["amount"]));
        Assert.Equal(157L, Assert.IsType<long>(create.Attributes["article"]));
        Assert.Equal("NIL", create.Attributes["dismissal"]);
    }

    [Fact]
    public void receipt_in_the_xes_namespace_reads_with_its_group_lifecycle_and_both_offsets()
    {
        var traces = XesReader.ReadFile(ProcessMiningData.Xes("receipt.xes")).ToList();

        Assert.Equal(1434, traces.Count);
        Assert.Equal(8577, traces.Sum(t => t.Events.Count));
        var first = traces[0];
        Assert.Equal("case-10011", first.CaseId);
        Assert.Equal("Confirmation of receipt", first.Events[0].Activity);
        Assert.Equal("complete", first.Events[0].Lifecycle);
        Assert.Equal(TimeSpan.FromHours(2), first.Events[0].Timestamp.Offset);
        Assert.Equal(TimeSpan.FromHours(1), first.Events[^1].Timestamp.Offset);
        Assert.NotNull(first.Events[0].Group);
    }

    [Fact]
    public void gzip_is_recognised_by_its_magic_bytes_not_by_the_name()
    {
        var dir = Directory.CreateTempSubdirectory("journey-pm-");
        try
        {
            var disguised = Path.Combine(dir.FullName, "looks-plain.xes");
            File.Copy(ProcessMiningData.Xes("12_roadtraffic_1t_per_variant.xes.gz"), disguised);

            var traces = XesReader.ReadFile(disguised).ToList();

            Assert.Equal(231, traces.Count);
            Assert.Equal(1891, traces.Sum(t => t.Events.Count));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void a_stream_that_cannot_seek_is_read_plain_and_gzipped()
    {
        var plain = File.ReadAllBytes(ProcessMiningData.Xes("running-example.xes"));
        var zipped = new MemoryStream();
        using (var gzip = new GZipStream(zipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        var fromPlain = XesReader.Read(new ForwardOnlyStream(new MemoryStream(plain))).ToList();
        var fromZipped = XesReader.Read(new ForwardOnlyStream(new MemoryStream(zipped.ToArray()))).ToList();

        Assert.Equal(42, fromPlain.Sum(t => t.Events.Count));
        Assert.Equal(fromPlain.Select(t => t.CaseId), fromZipped.Select(t => t.CaseId));
        Assert.Equal(
            fromPlain.SelectMany(t => t.Events).Select(e => (e.Activity, e.Timestamp)),
            fromZipped.SelectMany(t => t.Events).Select(e => (e.Activity, e.Timestamp)));
    }

    [Fact]
    public void traces_are_yielded_one_at_a_time_before_a_later_error_is_reached()
    {
        // The first half of receipt.xes: complete traces at the start, a cut-off one at the end.
        var bytes = File.ReadAllBytes(ProcessMiningData.Xes("receipt.xes"));
        var half = bytes[..(bytes.Length / 2)];

        using var traces = XesReader.Read(new MemoryStream(half)).GetEnumerator();

        Assert.True(traces.MoveNext());
        Assert.Equal("case-10011", traces.Current.CaseId);
        Assert.Throws<EventLogFormatException>(() =>
        {
            while (traces.MoveNext())
            {
            }
        });
    }

    [Fact]
    public void a_truncated_file_fails_with_the_line_where_it_ends()
    {
        var bytes = File.ReadAllBytes(ProcessMiningData.Xes("receipt.xes"));
        var half = bytes[..(bytes.Length / 2)];
        // The reader runs out of input on the last line of what is left.
        var lastLine = half.Count(b => b == (byte)'\n') + 1;

        var error = Assert.Throws<EventLogFormatException>(() => XesReader.Read(new MemoryStream(half)).ToList());

        Assert.Equal(lastLine, error.LineNumber);
        Assert.Contains($"line {lastLine}", error.Message, StringComparison.Ordinal);
        Assert.Contains("malformed XML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_truncated_gzip_file_fails_as_a_format_error()
    {
        var bytes = File.ReadAllBytes(ProcessMiningData.Xes("15_bpic2020_permit_log_1t_per_variant.xes.gz"));

        var error = Assert.Throws<EventLogFormatException>(() => XesReader.Read(new MemoryStream(bytes[..(bytes.Length / 2)])).ToList());

        Assert.True(error.LineNumber > 1, error.Message);
    }

    [Fact]
    public void an_event_without_a_timestamp_is_reported_with_its_trace_event_and_line()
    {
        const string xes = """
            <?xml version="1.0" encoding="UTF-8"?>
            <log xes.version="1.0">
              <trace>
                <string key="concept:name" value="A-17"/>
                <event>
                  <string key="concept:name" value="apply"/>
                  <date key="time:timestamp" value="2024-03-01T09:00:00+01:00"/>
                </event>
                <event>
                  <string key="concept:name" value="decide"/>
                  <date key="time:timestamp" value="2024-03-05T09:00:00+01:00"/>
                </event>
                <event>
                  <string key="concept:name" value="pay"/>
                </event>
              </trace>
            </log>
            """;

        var error = Assert.Throws<EventLogFormatException>(() => Read(xes));

        Assert.Equal(13, error.LineNumber);
        Assert.Equal("missing time:timestamp in trace 'A-17' event 3", error.Problem);
        Assert.StartsWith("line 13, position ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_bad_date_is_reported_with_its_value_key_and_line()
    {
        const string xes = """
            <?xml version="1.0" encoding="UTF-8"?>
            <log>
              <trace>
                <string key="concept:name" value="A-17"/>
                <event>
                  <string key="concept:name" value="apply"/>
                  <date key="time:timestamp" value="31.03.2024 02:30"/>
                </event>
              </trace>
            </log>
            """;

        var error = Assert.Throws<EventLogFormatException>(() => Read(xes));

        Assert.Equal(7, error.LineNumber);
        Assert.Equal("bad date value '31.03.2024 02:30' for 'time:timestamp'", error.Problem);
    }

    [Theory]
    [InlineData("""<int key="points" value="three"/>""", "bad int value 'three' for 'points'")]
    [InlineData("""<float key="amount" value="35,0"/>""", "bad float value '35,0' for 'amount'")]
    [InlineData("""<boolean key="paid" value="yes"/>""", "bad boolean value 'yes' for 'paid'")]
    [InlineData("""<string value="no key"/>""", "a <string> attribute without a key")]
    [InlineData("""<string key="resource"/>""", "<string key=\"resource\"> without a value")]
    public void a_bad_typed_attribute_is_reported(string attribute, string problem)
    {
        var xes = $"""
            <log>
              <trace>
                <event>
                  <string key="concept:name" value="apply"/>
                  <date key="time:timestamp" value="2024-03-01T09:00:00Z"/>
                  {attribute}
                </event>
              </trace>
            </log>
            """;

        var error = Assert.Throws<EventLogFormatException>(() => Read(xes));

        Assert.Equal(6, error.LineNumber);
        Assert.Equal(problem, error.Problem);
    }

    [Fact]
    public void a_document_that_is_not_an_xes_log_is_refused()
    {
        var error = Assert.Throws<EventLogFormatException>(() => Read("<ocel><events/></ocel>"));

        Assert.Equal("the root element is <ocel>, expected <log>", error.Problem);
        Assert.Equal(1, error.LineNumber);
    }

    [Fact]
    public void global_event_defaults_fill_missing_attributes_but_not_the_case_id()
    {
        const string xes = """
            <log>
              <global scope="trace">
                <string key="concept:name" value="UNKNOWN"/>
                <string key="channel" value="desk"/>
              </global>
              <global scope="event">
                <string key="lifecycle:transition" value="complete"/>
                <date key="time:timestamp" value="1970-01-01T00:00:00.000+01:00"/>
                <string key="org:group" value="UNKNOWN"/>
              </global>
              <trace>
                <event>
                  <string key="concept:name" value="apply"/>
                  <date key="time:timestamp" value="2024-03-01T09:00:00+01:00"/>
                  <string key="lifecycle:transition" value="start"/>
                </event>
                <event>
                  <string key="concept:name" value="decide"/>
                </event>
              </trace>
              <trace>
                <string key="concept:name" value="B-2"/>
                <string key="channel" value="web"/>
                <event>
                  <string key="concept:name" value="apply"/>
                  <date key="time:timestamp" value="2024-03-02T09:00:00+01:00"/>
                </event>
              </trace>
            </log>
            """;

        var traces = Read(xes);

        Assert.Equal(["trace-0", "B-2"], traces.Select(t => t.CaseId));
        Assert.Equal("desk", traces[0].Attributes["channel"]);
        Assert.Equal("web", traces[1].Attributes["channel"]);
        Assert.Equal("start", traces[0].Events[0].Lifecycle);
        Assert.Equal("complete", traces[0].Events[1].Lifecycle);
        Assert.Equal("UNKNOWN", traces[0].Events[1].Group);
        Assert.Equal(new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.FromHours(1)), traces[0].Events[1].Timestamp);
    }

    [Fact]
    public void nested_list_and_container_attributes_are_skipped()
    {
        const string xes = """
            <log>
              <int key="meta:total" value="2"><int key="apply" value="1"/></int>
              <trace>
                <string key="concept:name" value="C-1"/>
                <list key="documents"><values><string key="doc" value="birth certificate"/></values></list>
                <event>
                  <string key="concept:name" value="apply"/>
                  <date key="time:timestamp" value="2024-03-01T09:00:00Z"><string key="source" value="portal"/></date>
                  <container key="address"><string key="city" value="Bergen"/></container>
                  <float key="amount" value="12.5"><string key="currency" value="NOK"/></float>
                </event>
              </trace>
            </log>
            """;

        var trace = Assert.Single(Read(xes));

        Assert.Equal("C-1", trace.CaseId);
        Assert.Empty(trace.Attributes);
        var e = Assert.Single(trace.Events);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 9, 0, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal(12.5, e.Attributes["amount"]);
        Assert.Single(e.Attributes);
    }

    private static List<LogTrace> Read(string xes) =>
        XesReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(xes))).ToList();

    /// <summary>A stream that cannot seek, as a network or pipe stream would be.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override void Flush()
        {
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
