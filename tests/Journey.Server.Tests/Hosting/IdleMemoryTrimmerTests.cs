using Journey.Server.Hosting;
using Journey.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Journey.Server.Tests.Hosting;

/// <summary>When a quiet server gives memory back: the rule on its own, then the real server doing it.</summary>
public sealed class IdleMemoryTrimmerTests
{
    private const long Quiet = 1_000_000;
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(30);

    [Fact]
    public void a_busy_process_never_trims()
    {
        var spell = new QuietSpell(IdleAfter, Quiet);
        var allocated = 0L;
        for (var second = 0; second <= 600; second += 10)
        {
            allocated += 10 * Quiet * 5;
            Assert.False(spell.ShouldTrim(TimeSpan.FromSeconds(second), allocated));
        }
    }

    [Fact]
    public void a_quiet_process_trims_after_the_idle_time_and_then_at_doubling_intervals()
    {
        var spell = new QuietSpell(IdleAfter, Quiet);
        var trims = new List<int>();
        for (var second = 0; second <= 300; second += 10)
        {
            if (spell.ShouldTrim(TimeSpan.FromSeconds(second), allocatedBytes: second * 1_000L))
            {
                trims.Add(second);
            }
        }

        // Quiet from the first sample (0 s): trims at 30 s, 60 s (twice 30 s), 120 s, 240 s.
        Assert.Equal([30, 60, 120, 240], trims);
    }

    [Fact]
    public void work_ends_the_quiet_spell_and_the_next_one_starts_the_count_again()
    {
        var spell = new QuietSpell(IdleAfter, Quiet);
        var allocated = 0L;
        var trims = new List<int>();
        for (var second = 0; second <= 200; second += 10)
        {
            // Busy from 60 s to 100 s.
            allocated += second is > 60 and <= 100 ? 10 * Quiet * 5 : 1_000;
            if (spell.ShouldTrim(TimeSpan.FromSeconds(second), allocated))
            {
                trims.Add(second);
            }
        }

        // The first spell (0–60 s) trims at 30 s and 60 s; the second starts at 100 s and trims at 130 s and 160 s.
        Assert.Equal([30, 60, 130, 160], trims);
    }

    [Fact]
    public async Task a_quiet_server_deactivates_its_idle_journeys_gives_memory_back_and_keeps_serving()
    {
        // Tests beside this one allocate in the same process, so quiet is set high enough to always hold.
        var logs = new CapturedLogs();
        await using var server = await RunningServer.StartAsync(
            settings:
            [
                "--Journey:Memory:IdleAfter=00:00:01",
                $"--Journey:Memory:QuietBytesPerSecond={long.MaxValue}",
            ],
            logs: logs);
        var trimmer = server.Services.GetRequiredService<IdleMemoryTrimmer>();
        var management = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var journey = Events.HandComputedJourney(Events.NewPerson());
        var first = await server.AppendAsAgenciesAsync(journey.Take(3));
        Assert.All(first, r => Assert.NotNull(r.Accepted));
        Assert.True(await JourneyActivationsAsync(management) > 0);

        var trimsBefore = trimmer.Trims;
        await Wait.UntilAsync(() => Task.FromResult(trimmer.Trims), trims => trims > trimsBefore, "a trim");
        await Wait.UntilAsync(() => JourneyActivationsAsync(management), count => count == 0, "the idle journey to be deactivated");

        // The journey's state comes back from its stream: the next event follows the three stored.
        var next = Assert.Single(await server.AppendAsAgenciesAsync([journey[3]]));
        Assert.Equal(3UL, next.Accepted.StreamRevision);
        Assert.NotNull(await server.LeadTimes.GetLeadTimesAsync(new Contracts.V1.GetLeadTimesRequest()));
        Assert.Contains(logs.Entries, e => e.Contains("Quiet: memory given back", StringComparison.Ordinal));
        // Grains collected and the projection's caches released without a failure.
        Assert.DoesNotContain(logs.Entries, e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains(nameof(IdleMemoryTrimmer), StringComparison.Ordinal));
    }

    private static async Task<int> JourneyActivationsAsync(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains(nameof(Journeys.JourneyGrain), StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);

    [Fact]
    public async Task a_server_told_not_to_trim_keeps_its_memory()
    {
        await using var server = await RunningServer.StartAsync(settings:
        [
            "--Journey:Memory:TrimWhenIdle=false",
            "--Journey:Memory:IdleAfter=00:00:01",
            $"--Journey:Memory:QuietBytesPerSecond={long.MaxValue}",
        ]);
        var trimmer = server.Services.GetRequiredService<IdleMemoryTrimmer>();

        // Long enough for a trimming server to have trimmed twice (1 s, then 2 s).
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        Assert.Equal(0, trimmer.Trims);
    }
}
