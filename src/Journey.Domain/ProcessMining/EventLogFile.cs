namespace Journey.Domain.ProcessMining;

/// <summary>Opens an event log file by its name: <c>.csv</c> with <see cref="CsvLogReader"/>, anything else as XES (plain or gzip).</summary>
public static class EventLogFile
{
    /// <summary>Whether the file is read as CSV.</summary>
    public static bool IsCsv(string path) => path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);

    /// <summary>The traces of the file, streamed one at a time.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="EventLogFormatException">During enumeration, when the file is malformed.</exception>
    public static IEnumerable<LogTrace> Read(string path, CsvLogOptions? csv = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            // The commands put the path before the message, as they do for a malformed file's.
            throw new FileNotFoundException("no such file", path);
        }
        return IsCsv(path) ? new CsvLogReader(csv).ReadFile(path) : XesReader.ReadFile(path);
    }
}
