using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Journey.Cli.Benchmarks;

/// <summary>What <c>journey bench --store-only</c> measured: one embedded store grown step by step.</summary>
internal sealed record StoreGrowthResult(DateTimeOffset Date, MachineInfo Machine, int Step, IReadOnlyList<StoreBaseline.GrowthStep> Steps)
{
    public string ToJson(string command)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("date", Date.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
            w.WriteString("command", command);
            w.WriteStartObject("machine");
            Machine.WriteFields(w);
            w.WriteEndObject();
            w.WriteNumber("step", Step);
            w.WriteStartArray("storeGrowth");
            foreach (var s in Steps)
            {
                w.WriteStartObject();
                w.WriteNumber("eventsInStore", s.EventsInStore);
                w.WriteNumber("eventsPerSecond", Math.Round(s.EventsPerSecond));
                if (s.BytesWrittenPerEvent is { } bytes)
                {
                    w.WriteNumber("bytesWrittenPerEvent", Math.Round(bytes));
                }
                else
                {
                    w.WriteNull("bytesWrittenPerEvent");
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
