using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Journey.Cli.Benchmarks;

/// <summary>The machine a run measured, so a figure is never read without it.</summary>
internal sealed record MachineInfo(
    int Processors,
    long MemoryBytes,
    string Cpu,
    string OperatingSystem,
    string DotnetSdk,
    string Runtime,
    string BuildConfiguration,
    string LoadAverageAtStart)
{
    public static MachineInfo Capture() => new(
        Environment.ProcessorCount,
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        CpuModel(),
        RuntimeInformation.OSDescription,
        DotnetSdkVersion(),
        RuntimeInformation.FrameworkDescription,
#if DEBUG
        "Debug",
#else
        "Release",
#endif
        LoadAverage());

    /// <summary>The 1, 5 and 15 minute load averages, as <c>uptime</c> shows them; empty where unknown.</summary>
    public static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(", ", fields.Take(3));
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    /// <summary><c>dotnet --version</c>: the SDK that built what runs.</summary>
    private static string DotnetSdkVersion()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("dotnet", "--version")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = AppContext.BaseDirectory,
            });
            if (process is null)
            {
                return "";
            }
            var version = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return version;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "";
        }
    }

    public string MemoryDescription => string.Create(CultureInfo.InvariantCulture, $"{MemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB");
}
