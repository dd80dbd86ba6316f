namespace Journey.Cli.Benchmarks;

/// <summary>
/// The folder a bench run keeps its stores (and its server's data and log) in: <see cref="BenchmarkSettings.WorkDirectory"/>,
/// or a new one in the system's temporary directory. Disposed, it is deleted, or with <c>--keep</c> reported as kept.
/// </summary>
internal sealed class BenchWorkDirectory : IDisposable
{
    private readonly bool _keep;
    private readonly Action<string> _report;

    public BenchWorkDirectory(BenchmarkSettings settings, Action<string> report)
    {
        _keep = settings.Keep;
        _report = report;
        Path = settings.WorkDirectory ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"journey-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        if (_keep)
        {
            _report($"Kept {Path}");
            return;
        }
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the exiting server: the temp folder is cleaned by the system.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
