using System.Text;
using Journey.Domain.Exchange;
using Microsoft.Data.Sqlite;

namespace Journey.Cli.Exchange;

/// <summary>
/// Collects the distinct OCEL objects and object-to-object relations an event stream touches, in a scratch
/// SQLite file, and gives them back sorted by object id, each with its relations: the objects section of an
/// OCEL JSON log, without holding a million objects in memory.
/// </summary>
internal sealed class OcelObjectIndex : IDisposable
{
    private const int RowsPerTransaction = 50_000;
    private const char Separator = '\u001f';

    private readonly TemporaryDatabase database;
    private readonly SqliteCommand insertObject;
    private readonly SqliteCommand insertRelation;
    // A journey's object and its relations come with every one of its events: remembering the recent ones
    // spares the index a lookup each time. Bounded; the index's keys still keep everything distinct.
    private readonly HashSet<string> recentObjects = new(StringComparer.Ordinal);
    private readonly HashSet<OcelObjectRelationship> recentRelations = [];
    private SqliteTransaction? transaction;
    private int pending;

    public OcelObjectIndex(string scratchFolder)
    {
        database = new TemporaryDatabase(scratchFolder);
        database.Execute("""
            CREATE TABLE objects (id TEXT PRIMARY KEY, type TEXT NOT NULL, attributes TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE relations (source TEXT NOT NULL, target TEXT NOT NULL, qualifier TEXT NOT NULL, PRIMARY KEY (source, target, qualifier)) WITHOUT ROWID;
            """);
        insertObject = database.Command(
            "INSERT OR IGNORE INTO objects (id, type, attributes) VALUES ($id, $type, $attributes)",
            ("$id", SqliteType.Text), ("$type", SqliteType.Text), ("$attributes", SqliteType.Text));
        insertRelation = database.Command(
            "INSERT OR IGNORE INTO relations (source, target, qualifier) VALUES ($source, $target, $qualifier)",
            ("$source", SqliteType.Text), ("$target", SqliteType.Text), ("$qualifier", SqliteType.Text));
    }

    /// <summary>Notes the objects and relations of one event.</summary>
    public void Add(RecordedJourneyEvent recorded)
    {
        transaction ??= database.Connection.BeginTransaction();
        insertObject.Transaction = transaction;
        insertRelation.Transaction = transaction;
        foreach (var o in OcelMapping.Objects(recorded.Event))
        {
            if (!recentObjects.Add(o.Id))
            {
                continue;
            }
            insertObject.Parameters[0].Value = o.Id;
            insertObject.Parameters[1].Value = o.Type;
            insertObject.Parameters[2].Value = Encode(o.Attributes);
            insertObject.ExecuteNonQuery();
        }
        foreach (var r in OcelMapping.ObjectRelationships(recorded.Event))
        {
            if (!recentRelations.Add(r))
            {
                continue;
            }
            insertRelation.Parameters[0].Value = r.SourceId;
            insertRelation.Parameters[1].Value = r.TargetId;
            insertRelation.Parameters[2].Value = r.Qualifier;
            insertRelation.ExecuteNonQuery();
        }
        if (++pending >= RowsPerTransaction)
        {
            Commit();
            recentObjects.Clear();
            recentRelations.Clear();
        }
    }

    /// <summary>Every object once, ordered by id (ordinal on UTF-8), with its relations ordered by target and qualifier.</summary>
    public IEnumerable<(OcelObject Object, IReadOnlyList<OcelRelationship> Relationships)> Objects()
    {
        Commit();
        using var objects = database.Command("SELECT id, type, attributes FROM objects ORDER BY id");
        using var relations = database.Command("SELECT source, target, qualifier FROM relations ORDER BY source, target, qualifier");
        using var objectReader = objects.ExecuteReader();
        using var relationReader = relations.ExecuteReader();
        // Both are sorted by the source id, so one pass over each pairs them up.
        var hasRelation = relationReader.Read();
        while (objectReader.Read())
        {
            var id = objectReader.GetString(0);
            var relationships = new List<OcelRelationship>();
            // A relation whose source is not an object would be skipped; the mapping never makes one.
            while (hasRelation && CompareUtf8(relationReader.GetString(0), id) < 0)
            {
                hasRelation = relationReader.Read();
            }
            while (hasRelation && relationReader.GetString(0) == id)
            {
                relationships.Add(new OcelRelationship(relationReader.GetString(1), relationReader.GetString(2)));
                hasRelation = relationReader.Read();
            }
            yield return (new OcelObject(id, objectReader.GetString(1), Decode(objectReader.GetString(2))), relationships);
        }
    }

    public void Dispose()
    {
        transaction?.Dispose();
        insertObject.Dispose();
        insertRelation.Dispose();
        database.Dispose();
    }

    private void Commit()
    {
        transaction?.Commit();
        transaction?.Dispose();
        transaction = null;
        pending = 0;
    }

    // SQLite sorts text by its UTF-8 bytes, which for text beyond the BMP differs from .NET's ordinal
    // (UTF-16) order: compare the way the rows were sorted.
    private static int CompareUtf8(string a, string b) =>
        Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));

    private static string Encode(IReadOnlyList<OcelValue> values)
    {
        var text = new StringBuilder();
        foreach (var value in values)
        {
            text.Append(value.Name).Append(Separator).Append(value.Value).Append(Separator);
        }
        return text.ToString();
    }

    private static IReadOnlyList<OcelValue> Decode(string text)
    {
        var parts = text.Split(Separator);
        var values = new List<OcelValue>(parts.Length / 2);
        for (var i = 0; i + 1 < parts.Length; i += 2)
        {
            values.Add(new OcelValue(parts[i], parts[i + 1]));
        }
        return values;
    }
}
