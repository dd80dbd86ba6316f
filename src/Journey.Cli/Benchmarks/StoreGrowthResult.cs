namespace Journey.Cli.Benchmarks;

/// <summary>What <c>journey bench --store-only</c> measured: one embedded store grown step by step.</summary>
internal sealed record StoreGrowthResult(DateTimeOffset Date, MachineInfo Machine, int Step, IReadOnlyList<StoreBaseline.GrowthStep> Steps)
{
    public string ToJson(string command) => BenchJson.Write(Date, command, Machine, loadAverageAtEnd: null, w =>
    {
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
    });
}
