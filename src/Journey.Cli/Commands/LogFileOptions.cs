using System.CommandLine;
using Journey.Domain.Catalog;
using Journey.Domain.ProcessMining;

namespace Journey.Cli.Commands;

/// <summary>The options <c>analyze</c> and <c>import</c> share: the file, CSV column mapping, the catalog.</summary>
public sealed class LogFileOptions
{
    private static readonly CsvLogOptions Defaults = new();

    public Argument<string> File { get; } = new("FILE") { Description = "An event log: XES (.xes, .xes.gz) or CSV (.csv)" };

    public Option<string> CaseColumn { get; } = new("--case-column")
    {
        Description = "CSV: the column of the case id",
        DefaultValueFactory = _ => Defaults.CaseColumn,
    };

    public Option<string> ActivityColumn { get; } = new("--activity-column")
    {
        Description = "CSV: the column of the activity",
        DefaultValueFactory = _ => Defaults.ActivityColumn,
    };

    public Option<string> TimestampColumn { get; } = new("--timestamp-column")
    {
        Description = "CSV: the column of the timestamp (ISO 8601; without an offset it is UTC)",
        DefaultValueFactory = _ => Defaults.TimestampColumn,
    };

    public Option<string> LifecycleColumn { get; } = new("--lifecycle-column")
    {
        Description = "CSV: the column of the lifecycle transition, used when present",
        DefaultValueFactory = _ => Defaults.LifecycleColumn!,
    };

    public Option<string> GroupColumn { get; } = new("--group-column")
    {
        Description = "CSV: the column of the group (org:group), used when present",
        DefaultValueFactory = _ => Defaults.GroupColumn!,
    };

    public Option<char> Delimiter { get; } = new("--delimiter")
    {
        Description = "CSV: the field delimiter",
        DefaultValueFactory = _ => Defaults.Delimiter,
    };

    public Option<string?> Catalog { get; } = new("--catalog")
    {
        Description = "The catalog directory (default: the catalog shipped with this tool; it must be the server's)",
    };

    /// <summary>Adds the file argument and every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(File);
        foreach (var option in new Option[] { CaseColumn, ActivityColumn, TimestampColumn, LifecycleColumn, GroupColumn, Delimiter, Catalog })
        {
            command.Options.Add(option);
        }
    }

    public CsvLogOptions Csv(ParseResult parse) => new(
        CaseColumn: parse.GetValue(CaseColumn)!,
        ActivityColumn: parse.GetValue(ActivityColumn)!,
        TimestampColumn: parse.GetValue(TimestampColumn)!,
        LifecycleColumn: parse.GetValue(LifecycleColumn),
        GroupColumn: parse.GetValue(GroupColumn),
        Delimiter: parse.GetValue(Delimiter));

    public JourneyCatalog LoadCatalog(ParseResult parse) =>
        parse.GetValue(Catalog) is { Length: > 0 } directory ? CatalogLoader.LoadDirectory(directory) : CatalogLoader.LoadDefault();
}
