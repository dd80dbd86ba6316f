using System.CommandLine;
using Journey.Cli.Commands;

namespace Journey.Cli;

/// <summary>The <c>journey</c> command tree.</summary>
public static class JourneyCli
{
    public static RootCommand Create() => new("journey — feed, query and rebuild Journey, the service-journey tracker")
    {
        SimulateCommand.Create(),
        LeadTimesCommand.Create(),
        AnalyzeCommand.Create(),
        ImportCommand.Create(),
        OpportunitiesCommand.Create(),
        RebuildCommand.Create(),
        ExportCommand.Create(),
        ReplayCommand.Create(),
        TokenCommand.Create(),
        MigrateCommand.Create(),
        BenchCommand.Create(),
    };
}
