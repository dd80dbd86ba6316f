using Journey.Domain.Exchange;

namespace Journey.Domain.Tests.Exchange;

public sealed class EventSelectionTests
{
    private static readonly IReadOnlyList<RecordedJourneyEvent> Log = ExchangeTestData.Log();

    [Fact]
    public void everything_matches_an_empty_selection()
    {
        Assert.All(Log, e => Assert.True(EventSelection.All.Matches(e)));
    }

    [Fact]
    public void filters_combine_with_and_and_values_within_one_filter_with_or()
    {
        var selection = new EventSelection
        {
            JourneyTypes = EventSelection.SetOf(["fa-barn"]),
            Agencies = EventSelection.SetOf(["nav", "skatteetaten"]),
        };

        Assert.Equal([3UL, 5, 6], Log.Where(selection.Matches).Select(e => e.Position));
    }

    [Fact]
    public void positions_are_after_exclusive_and_to_inclusive()
    {
        var selection = new EventSelection { AfterPosition = 2, ToPosition = 4 };

        Assert.Equal([3UL, 4], Log.Where(selection.Matches).Select(e => e.Position));
        Assert.True(selection.IsPastEnd(5));
        Assert.False(selection.IsPastEnd(4));
    }

    [Fact]
    public void time_windows_are_half_open_and_compare_instants_not_local_times()
    {
        // 2025-03-31T10:00+02:00 is 08:00Z: inside a window ending at 09:00Z, though its local time is later.
        var selection = new EventSelection
        {
            Occurred = new TimeWindow(new DateTimeOffset(2025, 3, 20, 10, 0, 0, TimeSpan.FromHours(1)), new DateTimeOffset(2025, 3, 31, 9, 0, 0, TimeSpan.Zero)),
        };

        Assert.Equal([1UL, 2, 3, 4, 6], Log.Where(selection.Matches).Select(e => e.Position));
        Assert.False(new TimeWindow(To: Log[0].Event.OccurredAt).Contains(Log[0].Event.OccurredAt));
    }

    [Fact]
    public void a_recorded_window_selects_by_when_the_server_recorded_the_event()
    {
        var selection = new EventSelection { Recorded = new TimeWindow(Log[2].RecordedAt, Log[4].RecordedAt) };

        Assert.Equal([3UL, 4], Log.Where(selection.Matches).Select(e => e.Position));
    }

    [Fact]
    public void a_reversed_range_an_empty_window_or_an_empty_value_is_named_as_a_problem()
    {
        var at = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var selection = new EventSelection
        {
            AfterPosition = 10,
            ToPosition = 9,
            Occurred = new TimeWindow(at, at),
            Agencies = EventSelection.SetOf([""]),
        };

        Assert.Equal(["to_position", "occurred", "agencies"], selection.Problems().Select(p => p.Field));
        Assert.Empty(EventSelection.All.Problems());
        // Where a bounded replay ended: an empty range, and a valid one.
        Assert.Empty(new EventSelection { AfterPosition = 10, ToPosition = 10 }.Problems());
    }
}
