using System.Text.Json;
using System.Text.Json.Nodes;
using Journey.Domain.Exchange;
using Json.Schema;

namespace Journey.Domain.Tests.Exchange;

public sealed class OcelJsonExportWriterTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromFile(ExchangeTestData.OcelSchemaPath);

    [Fact]
    public void an_ocel_json_export_is_valid_against_the_ocel_2_schema()
    {
        using var document = JsonDocument.Parse(Write(ExchangeTestData.Log()));

        var result = Validate(document.RootElement);

        Assert.True(result.IsValid, Describe(result));
    }

    [Fact]
    public void an_empty_export_is_valid_too()
    {
        using var document = JsonDocument.Parse(Write([]));

        var result = Validate(document.RootElement);

        Assert.True(result.IsValid, Describe(result));
        Assert.Empty(document.RootElement.GetProperty("events").EnumerateArray());
    }

    [Fact]
    public void the_schema_check_refuses_an_event_without_its_time_or_with_a_time_that_is_not_a_date()
    {
        var node = JsonNode.Parse(Write(ExchangeTestData.Log()))!;
        var withoutTime = node.DeepClone();
        withoutTime["events"]![0]!.AsObject().Remove("time");
        var badTime = node.DeepClone();
        badTime["events"]![0]!["time"] = "20 March 2025";

        Assert.False(Validate(JsonSerializer.SerializeToElement(withoutTime)).IsValid);
        Assert.False(Validate(JsonSerializer.SerializeToElement(badTime)).IsValid);
    }

    [Fact]
    public void one_birth_relates_the_journey_the_child_both_parents_and_the_case_and_the_mother_is_one_object_across_journeys()
    {
        using var document = JsonDocument.Parse(Write(ExchangeTestData.Log()));
        var root = document.RootElement;

        var birth = root.GetProperty("events").EnumerateArray().First();
        Assert.Equal("folkeregisteret.fodsel.registrert", birth.GetProperty("type").GetString());
        Assert.Equal("2025-03-20T10:00:00.000+01:00", birth.GetProperty("time").GetString());
        var relations = birth.GetProperty("relationships").EnumerateArray()
            .Select(r => (r.GetProperty("objectId").GetString(), r.GetProperty("qualifier").GetString())).ToList();
        Assert.Equal(
            [
                ($"journey:fa-barn:{ExchangeTestData.Child}", "journey"),
                ($"person:{ExchangeTestData.Child}", "subject"),
                ($"person:{ExchangeTestData.Mother}", "mother"),
                ($"person:{ExchangeTestData.Father}", "father"),
                ("case:folkeregisteret:FREG-2025-1", "case"),
            ],
            relations);
        var attributes = birth.GetProperty("attributes").EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!, a => a.GetProperty("value").GetString());
        Assert.Equal("folkeregisteret", attributes["agency"]);
        Assert.Equal("1", attributes["position"]);
        Assert.Equal("0301", attributes["municipality-number"]);

        var objects = root.GetProperty("objects").EnumerateArray().ToList();
        var ids = objects.Select(o => o.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        // The mother of the twins and heir of the deceased: one person, three journeys.
        Assert.Single(ids, id => id == $"person:{ExchangeTestData.Mother}");
        Assert.Single(ids, id => id == "case:folkeregisteret:FREG-2025-1");
        var allReferenced = root.GetProperty("events").EnumerateArray()
            .SelectMany(e => e.GetProperty("relationships").EnumerateArray())
            .Concat(objects.SelectMany(o => o.GetProperty("relationships").EnumerateArray()))
            .Select(r => r.GetProperty("objectId").GetString());
        Assert.All(allReferenced, id => Assert.Contains(id, ids));

        var eventTypes = root.GetProperty("eventTypes").EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("attributes").EnumerateArray().Select(a => a.GetProperty("name").GetString()).ToList());
        Assert.Equal(6, eventTypes.Count);
        Assert.Equal(["agency", "initiator", "lifecycle", "position", "recorded_at", "multiple-birth", "municipality-number"], eventTypes["folkeregisteret.fodsel.registrert"]);
        Assert.Equal(["case", "journey", "person"], root.GetProperty("objectTypes").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
    }

    [Fact]
    public void the_same_events_give_the_same_bytes()
    {
        Assert.Equal(Write(ExchangeTestData.Log()), Write(ExchangeTestData.Log(reverseAttributes: true)));
    }

    [Fact]
    public void objects_cannot_come_before_events_are_done_and_events_cannot_follow_objects()
    {
        using var output = new MemoryStream();
        using var writer = new OcelJsonExportWriter(output);
        var log = ExchangeTestData.Log();
        writer.WriteEvent(log[0]);
        writer.WriteObject(OcelMapping.Objects(log[0].Event)[0], []);

        Assert.Throws<InvalidOperationException>(() => writer.WriteEvent(log[1]));
    }

    /// <summary>Writes the log the way the exporter does: events in global order, then the distinct objects by id with their relations.</summary>
    private static byte[] Write(IReadOnlyList<RecordedJourneyEvent> log)
    {
        using var output = new MemoryStream();
        using (var writer = new OcelJsonExportWriter(output))
        {
            foreach (var e in log)
            {
                writer.WriteEvent(e);
            }
            var objects = log.SelectMany(e => OcelMapping.Objects(e.Event)).DistinctBy(o => o.Id).OrderBy(o => o.Id, StringComparer.Ordinal);
            var relations = log.SelectMany(e => OcelMapping.ObjectRelationships(e.Event)).Distinct().ToList();
            foreach (var o in objects)
            {
                writer.WriteObject(o, relations.Where(r => r.SourceId == o.Id)
                    .OrderBy(r => r.TargetId, StringComparer.Ordinal).ThenBy(r => r.Qualifier, StringComparer.Ordinal)
                    .Select(r => new OcelRelationship(r.TargetId, r.Qualifier)));
            }
            writer.Complete();
        }
        return output.ToArray();
    }

    private static EvaluationResults Validate(JsonElement document) =>
        Schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });

    private static string Describe(EvaluationResults result) =>
        string.Join("\n", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}")));
}
