using Journey.Domain.Events;
using Journey.Domain.Exchange;
using Microsoft.Data.Sqlite;

namespace Journey.Cli.Exchange;

/// <summary>
/// Regroups events that arrive in global order into journeys, for the formats that write one trace per
/// journey (XES, CSV): events go to a scratch SQLite table, and come back journey by journey, ordered by
/// journey type and subject, each journey's events by occurred-at (the instant) with ties by position,
/// the order the lead-time projection uses. Memory holds one journey at a time.
/// </summary>
internal sealed class JourneyGrouping : IDisposable
{
    private const int RowsPerTransaction = 50_000;

    private readonly TemporaryDatabase database;
    private readonly SqliteCommand insert;
    private readonly HashSet<string> attributeNames = new(StringComparer.Ordinal);
    private SqliteTransaction? transaction;
    private int pending;

    public JourneyGrouping(string scratchFolder)
    {
        database = new TemporaryDatabase(scratchFolder);
        database.Execute("""
            CREATE TABLE spill (
                journey_type TEXT NOT NULL,
                subject TEXT NOT NULL,
                occurred INTEGER NOT NULL,
                position INTEGER NOT NULL,
                recorded INTEGER NOT NULL,
                data BLOB NOT NULL)
            """);
        insert = database.Command(
            "INSERT INTO spill (journey_type, subject, occurred, position, recorded, data) VALUES ($type, $subject, $occurred, $position, $recorded, $data)",
            ("$type", SqliteType.Text), ("$subject", SqliteType.Text), ("$occurred", SqliteType.Integer),
            ("$position", SqliteType.Integer), ("$recorded", SqliteType.Integer), ("$data", SqliteType.Blob));
    }

    public long Events { get; private set; }

    /// <summary>Every catalog attribute name seen on the events added.</summary>
    public IReadOnlyCollection<string> AttributeNames => attributeNames;

    public void Add(RecordedJourneyEvent recorded)
    {
        transaction ??= database.Connection.BeginTransaction();
        var e = recorded.Event;
        insert.Transaction = transaction;
        insert.Parameters[0].Value = e.JourneyType;
        insert.Parameters[1].Value = e.Subject;
        insert.Parameters[2].Value = e.OccurredAt.UtcTicks;
        insert.Parameters[3].Value = (long)recorded.Position;
        // Recorded-at is always UTC in the log; its instant is all that is kept.
        insert.Parameters[4].Value = recorded.RecordedAt.UtcTicks;
        insert.Parameters[5].Value = JourneyEventJson.Serialize(e);
        insert.ExecuteNonQuery();
        foreach (var key in e.Attributes.Keys)
        {
            attributeNames.Add(key);
        }
        Events++;
        if (++pending == RowsPerTransaction)
        {
            Commit();
        }
    }

    /// <summary>The journeys, each with its events in journey order. Reads the scratch table once, sorted by SQLite.</summary>
    public IEnumerable<(JourneyId Journey, IReadOnlyList<RecordedJourneyEvent> Events)> Journeys()
    {
        Commit();
        using var query = database.Command("SELECT journey_type, subject, position, recorded, data FROM spill ORDER BY journey_type, subject, occurred, position");
        using var reader = query.ExecuteReader();
        JourneyId? current = null;
        var events = new List<RecordedJourneyEvent>();
        while (reader.Read())
        {
            var journey = new JourneyId(reader.GetString(0), reader.GetString(1));
            if (current is { } open && open != journey)
            {
                yield return (open, events);
                events = [];
            }
            current = journey;
            var e = JourneyEventJson.Deserialize(reader.GetFieldValue<byte[]>(4));
            events.Add(new RecordedJourneyEvent((ulong)reader.GetInt64(2), new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero), e));
        }
        if (current is { } last)
        {
            yield return (last, events);
        }
    }

    public void Dispose()
    {
        transaction?.Dispose();
        insert.Dispose();
        database.Dispose();
    }

    private void Commit()
    {
        transaction?.Commit();
        transaction?.Dispose();
        transaction = null;
        pending = 0;
    }
}
