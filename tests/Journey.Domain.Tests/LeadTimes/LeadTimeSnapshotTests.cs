using Journey.Domain.Events;
using Journey.Domain.LeadTimes;
using static Journey.Domain.Tests.LeadTimes.LeadTimeTestData;

namespace Journey.Domain.Tests.LeadTimes;

public sealed class LeadTimeSnapshotTests
{
    [Fact]
    public void restoring_a_snapshot_and_applying_the_rest_equals_applying_everything()
    {
        var log = Interleave(RandomJourneys(seed: 11, count: 200), seed: 3);
        // A backfill after the snapshot, landing early in a journey the snapshot already holds.
        var snapshotted = log.First(e => e.Activity == FpUtbetaling);
        log.Add(Event(snapshotted.Subject, FpVedtak, snapshotted.OccurredAt.AddHours(-1).ToString("O")));
        var half = log.Count / 2;
        var everything = Fold(log);

        var first = Fold(log.Take(half));
        var restored = LeadTimeProjection.FromSnapshot(TestCatalog, first.ToSnapshot());
        ApplyAll(restored, log.Skip(half), firstPosition: (ulong)half + 1);

        Assert.Empty(restored.Report().DifferencesFrom(everything.Report()));
        Assert.Equal(everything.Report(), restored.Report());
        Assert.Equal(everything.Checkpoint, restored.Checkpoint);
        Assert.Equal(everything.EventsApplied, restored.EventsApplied);
        Assert.Equal(everything.EventsIgnored, restored.EventsIgnored);
        Assert.Equal(everything.Journeys, restored.Journeys);
    }

    [Fact]
    public void a_snapshot_keeps_the_checkpoint_the_counters_and_the_order_of_tied_events()
    {
        var projection = Fold(
        [
            Event("tie", Birth, "2026-05-01T10:00:00+02:00"),
            Event("tie", FpVedtak, "2026-05-04T10:00:00+02:00"),
            Event("tie", FpSoknad, "2026-05-04T10:00:00+02:00"),
            Event("tie", "ukjent.aktivitet", "2026-05-04T10:00:00+02:00", "ukjent-reise"),
        ], firstPosition: 41);

        var restored = LeadTimeProjection.FromSnapshot(TestCatalog, projection.ToSnapshot());
        // Had the restore put the application before the tied decision, this would complete the journey.
        restored.Apply(45, Event("tie", FpUtbetaling, "2026-05-05T10:00:00+02:00"));

        Assert.Equal(45ul, restored.Checkpoint);
        Assert.Equal(5, restored.EventsApplied);
        Assert.Equal(1, restored.EventsIgnored);
        Assert.Equal(1, restored.Journeys);
        Assert.Equal(0, restored.Report().Type(FaBarn).Journeys);
        Assert.Equal(0, restored.Report().Type(FaBarn).Service("foreldrepenger").Count);
    }

    [Fact]
    public void an_empty_projection_round_trips()
    {
        var restored = LeadTimeProjection.FromSnapshot(TestCatalog, new LeadTimeProjection(TestCatalog).ToSnapshot());

        Assert.Null(restored.Checkpoint);
        Assert.Equal(0, restored.EventsApplied);
        Assert.Equal(new LeadTimeProjection(TestCatalog).Report(), restored.Report());
    }

    [Fact]
    public void a_snapshot_is_compact()
    {
        var journeys = RandomJourneys(seed: 5, count: 1000);
        var events = journeys.Sum(j => j.Count);

        var snapshot = Fold(journeys.SelectMany(j => j)).ToSnapshot();

        // A subject of about 15 bytes and a few bytes per event, not a serialised object graph.
        Assert.True(snapshot.Length < 1000 * 20 + events * 10, $"{snapshot.Length} bytes for {events} events");
    }

    [Fact]
    public void bytes_that_are_not_a_snapshot_of_a_known_version_are_refused()
    {
        var snapshot = Fold([Event("x", Birth, "2026-05-01T10:00:00+02:00")]).ToSnapshot();
        var otherVersion = (byte[])snapshot.Clone();
        otherVersion[4] = 99;

        Assert.Throws<InvalidDataException>(() => LeadTimeProjection.FromSnapshot(TestCatalog, "not a snapshot"u8));
        Assert.Throws<InvalidDataException>(() => LeadTimeProjection.FromSnapshot(TestCatalog, otherVersion));
        Assert.Throws<InvalidDataException>(() => LeadTimeProjection.FromSnapshot(TestCatalog, snapshot.AsSpan(0, snapshot.Length - 1)));
        Assert.Throws<InvalidDataException>(() => LeadTimeProjection.FromSnapshot(TestCatalog, [.. snapshot, 0]));
    }

    [Fact]
    public void every_truncation_of_a_snapshot_is_refused_rather_than_misread()
    {
        var snapshot = Fold(RandomJourneys(seed: 9, count: 5).SelectMany(j => j)).ToSnapshot();

        for (var length = 0; length < snapshot.Length; length++)
        {
            var truncated = snapshot[..length];
            Assert.Throws<InvalidDataException>(() => LeadTimeProjection.FromSnapshot(TestCatalog, truncated));
        }
    }
}
