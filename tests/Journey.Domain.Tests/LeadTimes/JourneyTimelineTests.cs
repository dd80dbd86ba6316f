using System.Runtime.CompilerServices;
using Journey.Domain.Events;
using Journey.Domain.LeadTimes;

namespace Journey.Domain.Tests.LeadTimes;

/// <summary>The projection's per-journey state: events packed in 12 bytes, kept in journey order as the timeline grows.</summary>
public sealed class JourneyTimelineTests
{
    [Fact]
    public void an_entry_takes_twelve_bytes_and_keeps_every_activity_index_with_every_initiator()
    {
        Assert.Equal(12, Unsafe.SizeOf<TimelineEntry>());
        foreach (var initiator in Enum.GetValues<Initiator>())
        {
            foreach (var activity in new short[] { 0, 1, 255, 256, TimelineEntry.MaxActivities / 2, TimelineEntry.MaxActivities - 1 })
            {
                var entry = new TimelineEntry(long.MaxValue, -1080, activity, (byte)initiator);

                Assert.Equal((activity, (byte)initiator, long.MaxValue, (short)-1080), (entry.Activity, entry.Initiator, entry.UtcTicks, entry.OffsetMinutes));
            }
        }
    }

    [Fact]
    public void events_in_any_arrival_order_are_kept_by_instant_and_ties_in_arrival_order()
    {
        var random = new Random(5);
        for (var run = 0; run < 200; run++)
        {
            // Up to 150 events over few instants, so the timeline grows through every size and ties are common.
            var arrivals = Enumerable.Range(0, random.Next(1, 150))
                .Select(i => new TimelineEntry(random.Next(0, 20) * TimeSpan.TicksPerHour, 60, (short)i, (byte)(i % 3)))
                .ToArray();
            var timeline = default(JourneyTimeline);

            foreach (var entry in arrivals)
            {
                timeline.Insert(entry, lifeEventActivity: -1);
            }

            // OrderBy is stable: equal instants stay in arrival order.
            Assert.Equal(arrivals.OrderBy(e => e.UtcTicks).ToArray(), timeline.Entries.ToArray());
        }
    }

    [Fact]
    public void a_journeys_month_is_that_of_its_first_life_event_in_journey_order_and_costs_no_room()
    {
        const short life = 7;
        var random = new Random(9);
        for (var run = 0; run < 200; run++)
        {
            // Events over two years, a few of them life events, arriving in any order.
            var arrivals = Enumerable.Range(0, random.Next(1, 30))
                .Select(i => new TimelineEntry(new DateTime(2025, 1, 1).AddDays(random.Next(730)).AddHours(random.Next(24)).Ticks, (short)(60 * random.Next(-2, 3)), (short)(random.Next(4) == 0 ? life : i % 5), 0))
                .ToArray();
            var timeline = default(JourneyTimeline);

            foreach (var entry in arrivals)
            {
                timeline.Insert(entry, life);
            }

            var first = timeline.Entries.ToArray().FirstOrDefault(e => e.Activity == life);
            var local = new DateTime(first.UtcTicks + first.OffsetMinutes * TimeSpan.TicksPerMinute);
            var expected = arrivals.Any(e => e.Activity == life) ? local.Year * 12 + local.Month - 1 : JourneyTimeline.NoLifeEvent;
            Assert.Equal(expected, timeline.Month);
            Assert.Equal(expected, new JourneyTimeline(timeline.Entries.ToArray(), life).Month);
        }
        Assert.Equal(16, Unsafe.SizeOf<JourneyTimeline>());
    }

    [Fact]
    public void a_timeline_with_no_events_has_no_entries()
    {
        Assert.True(default(JourneyTimeline).Entries.IsEmpty);
    }
}
