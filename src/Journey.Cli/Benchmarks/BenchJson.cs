using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Journey.Cli.Benchmarks;

/// <summary>The JSON documents the bench writes: when, the command, the machine, then the run's own figures.</summary>
internal static class BenchJson
{
    public static string Write(DateTimeOffset date, string command, MachineInfo machine, string? loadAverageAtEnd, Action<Utf8JsonWriter> figures)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("date", date.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
            w.WriteString("command", command);
            w.WriteStartObject("machine");
            w.WriteNumber("processors", machine.Processors);
            w.WriteNumber("memoryBytes", machine.MemoryBytes);
            w.WriteString("cpu", machine.Cpu);
            w.WriteString("operatingSystem", machine.OperatingSystem);
            w.WriteString("dotnetSdk", machine.DotnetSdk);
            w.WriteString("runtime", machine.Runtime);
            w.WriteString("buildConfiguration", machine.BuildConfiguration);
            w.WriteString("loadAverageAtStart", machine.LoadAverageAtStart);
            if (loadAverageAtEnd is not null)
            {
                w.WriteString("loadAverageAtEnd", loadAverageAtEnd);
            }
            w.WriteEndObject();
            figures(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
