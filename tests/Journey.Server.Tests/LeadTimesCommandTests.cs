using System.Globalization;
using Journey.Cli;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;

namespace Journey.Server.Tests;

/// <summary><c>journey leadtimes</c> as a process owner reads it: hidden figures are said to be hidden.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class LeadTimesCommandTests
{
    [Fact]
    public async Task the_table_says_suppressed_where_the_server_hides_a_small_group_and_shows_it_from_the_kth_journey()
    {
        await using var server = await RunningServer.StartAsync();
        string[] leadTimes = ["leadtimes", "--journey-type", "fa-barn", "--server", server.Address, "--token", server.TokenFor(JourneyRoles.ProcessOwner)];
        var four = await server.AppendAsAgenciesAsync(Enumerable.Range(0, 4).SelectMany(_ => Events.HandComputedJourney(Events.NewPerson())));
        await server.LeadTimesAfterAsync(four);

        var (exit, hidden, _) = await CommandLine.RunAsync(leadTimes);

        Assert.Equal(0, exit);
        Assert.Contains("fa-barn — fewer journeys than process owners may see: suppressed", hidden, StringComparison.Ordinal);
        Assert.Contains("foreldrepenger", hidden, StringComparison.Ordinal);
        // The zeros the server sends in place of hidden figures are never shown as figures.
        Assert.DoesNotContain("0.0 d", hidden, StringComparison.Ordinal);

        var fifth = await server.AppendAsAgenciesAsync(Events.HandComputedJourney(Events.NewPerson()));
        await server.LeadTimesAfterAsync(fifth);
        var (_, shown, _) = await CommandLine.RunAsync(leadTimes);

        var endToEnd = (Events.HandComputed.EndToEnd / 86_400).ToString("0.0 'd'", CultureInfo.InvariantCulture);
        Assert.Contains($"fa-barn — 5 completed journeys, end to end: median {endToEnd}", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("suppressed", shown.Split("Days.")[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("leadtimes")]
    [InlineData("opportunities")]
    public async Task a_journey_type_the_catalog_does_not_know_is_refused_naming_the_field(string command)
    {
        await using var server = await RunningServer.StartAsync();

        var (exit, output, error) = await CommandLine.RunAsync(
            command, "--journey-type", "fa-bran", "--server", server.Address, "--token", server.TokenFor(JourneyRoles.ProcessOwner));

        // Before: leadtimes printed "No journeys yet", as for a journey type with none; opportunities did not say which
        // field the server refused.
        Assert.Equal(4, exit);
        Assert.Equal("journey: the server refused the call: InvalidArgument: The query is invalid. (journey_type is not a journey type in the catalog)", error.Trim());
        Assert.DoesNotContain("No journeys yet", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_table_sent_to_a_pipe_keeps_each_row_and_heading_on_one_line()
    {
        await using var server = await RunningServer.StartAsync();
        var five = await server.AppendAsAgenciesAsync(Enumerable.Range(0, 5).SelectMany(_ => Events.HandComputedJourney(Events.NewPerson())));
        await server.LeadTimesAfterAsync(five);

        // The tool as a user runs it, its output piped (as to a file or `less`): not through CommandLine, which sets a
        // width of its own.
        var (exit, output, error) = await ChildProcess.RunAsync(
            typeof(JourneyCli).Assembly.Location,
            ["leadtimes", "--journey-type", "fa-barn", "--server", server.Address, "--token", server.TokenFor(JourneyRoles.ProcessOwner)]);

        Assert.True(exit == 0, error);
        var lines = output.Split('\n');
        var endToEnd = (Events.HandComputed.EndToEnd / 86_400).ToString("0.0 'd'", CultureInfo.InvariantCulture);
        Assert.Single(lines, l => l.Contains($"fa-barn — 5 completed journeys, end to end: median {endToEnd}, p90 {endToEnd}", StringComparison.Ordinal));
        var heading = Assert.Single(lines, l => l.Contains("Service", StringComparison.Ordinal));
        Assert.Equal(["Service", "Agency", "Delivered", "Total", "P90", "Waiting", "Processing", "Delivery"], heading.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var row = Assert.Single(lines, l => l.Contains("foreldrepenger", StringComparison.Ordinal));
        Assert.Equal(8, row.Split("  ", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Single(lines, l => l.StartsWith("Days. Total, waiting", StringComparison.Ordinal) && l.TrimEnd().EndsWith("hidden from process owners.", StringComparison.Ordinal));
    }
}
