using System.Diagnostics;
using Journey.Domain.Exchange;

namespace Journey.Cli.Exchange;

/// <summary>The exchange formats <c>journey export</c> writes.</summary>
public enum ExportFormat
{
    /// <summary>XES (IEEE 1849), one trace per journey.</summary>
    Xes,
    /// <summary>OCEL 2.0 JSON.</summary>
    OcelJson,
    /// <summary>OCEL 2.0 SQLite.</summary>
    OcelSqlite,
    /// <summary>CSV with the process-mining column names.</summary>
    Csv,
}

/// <summary>What an export wrote.</summary>
/// <param name="Events">Events written.</param>
/// <param name="Journeys">Traces written (XES, CSV); 0 for OCEL.</param>
/// <param name="Objects">OCEL objects written; 0 for XES and CSV.</param>
/// <param name="LastPosition">Position of the last event written, if any.</param>
/// <param name="Elapsed">Wall time taken.</param>
public sealed record ExportSummary(long Events, long Journeys, long Objects, ulong? LastPosition, TimeSpan Elapsed);

/// <summary>
/// Runs an export: reads the selected events from a source in global order and writes them in a format,
/// streaming, to a file that appears only when complete (written beside it first, then renamed), so a
/// failed or cancelled export never leaves a partial file under the requested name.
/// </summary>
public static class Exporter
{
    public static ExportFormat ParseFormat(string text) => text switch
    {
        "xes" => ExportFormat.Xes,
        "ocel-json" => ExportFormat.OcelJson,
        "ocel-sqlite" => ExportFormat.OcelSqlite,
        "csv" => ExportFormat.Csv,
        _ => throw new ArgumentException($"Unknown format '{text}': use xes, ocel-json, ocel-sqlite or csv.", nameof(text)),
    };

    public static async Task<ExportSummary> ExportAsync(
        IJourneyEventSource source,
        EventSelection selection,
        ExportFormat format,
        string outputPath,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        var problems = selection.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems.Select(p => $"{p.Field} {p.Description}")), nameof(selection));
        }

        var fullPath = Path.GetFullPath(outputPath);
        var folder = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(folder);
        var partial = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.partial");
        var watch = Stopwatch.StartNew();
        try
        {
            var (events, journeys, objects, last) = format switch
            {
                ExportFormat.Xes or ExportFormat.Csv => await WriteTracesAsync(source, selection, format, partial, folder, cancellationToken),
                ExportFormat.OcelJson => await WriteOcelJsonAsync(source, selection, partial, folder, cancellationToken),
                _ => await WriteOcelSqliteAsync(source, selection, partial, cancellationToken),
            };
            File.Move(partial, fullPath, overwrite: true);
            return new ExportSummary(events, journeys, objects, last, watch.Elapsed);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static async Task<(long, long, long, ulong?)> WriteTracesAsync(
        IJourneyEventSource source, EventSelection selection, ExportFormat format, string path, string scratch, CancellationToken cancellationToken)
    {
        using var grouping = new JourneyGrouping(scratch);
        ulong? last = null;
        await foreach (var recorded in source.ReadAsync(selection, cancellationToken))
        {
            grouping.Add(recorded);
            last = recorded.Position;
        }
        long journeys = 0;
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        if (format == ExportFormat.Xes)
        {
            using var xes = new XesExportWriter(file);
            foreach (var (journey, events) in grouping.Journeys())
            {
                cancellationToken.ThrowIfCancellationRequested();
                xes.WriteTrace(journey, events);
                journeys++;
            }
            xes.Complete();
        }
        else
        {
            using var csv = new CsvExportWriter(file, grouping.AttributeNames);
            foreach (var (journey, events) in grouping.Journeys())
            {
                cancellationToken.ThrowIfCancellationRequested();
                csv.WriteTrace(journey, events);
                journeys++;
            }
            csv.Complete();
        }
        return (grouping.Events, journeys, 0, last);
    }

    private static async Task<(long, long, long, ulong?)> WriteOcelJsonAsync(
        IJourneyEventSource source, EventSelection selection, string path, string scratch, CancellationToken cancellationToken)
    {
        using var index = new OcelObjectIndex(scratch);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        using var ocel = new OcelJsonExportWriter(file);
        long events = 0, objects = 0;
        ulong? last = null;
        await foreach (var recorded in source.ReadAsync(selection, cancellationToken))
        {
            ocel.WriteEvent(recorded);
            index.Add(recorded);
            events++;
            last = recorded.Position;
        }
        foreach (var (ocelObject, relationships) in index.Objects())
        {
            cancellationToken.ThrowIfCancellationRequested();
            ocel.WriteObject(ocelObject, relationships);
            objects++;
        }
        ocel.Complete();
        return (events, 0, objects, last);
    }

    private static async Task<(long, long, long, ulong?)> WriteOcelSqliteAsync(
        IJourneyEventSource source, EventSelection selection, string path, CancellationToken cancellationToken)
    {
        using var ocel = new OcelSqliteExportWriter(path);
        ulong? last = null;
        await foreach (var recorded in source.ReadAsync(selection, cancellationToken))
        {
            ocel.WriteEvent(recorded);
            last = recorded.Position;
        }
        ocel.Complete();
        return (ocel.Events, 0, ocel.Objects, last);
    }
}
