using Journey.Domain.Exchange;
using Microsoft.Data.Sqlite;

namespace Journey.Cli.Exchange;

/// <summary>
/// Writes an OCEL 2.0 SQLite log in the relational layout of the OCEL 2.0 specification (that of its example
/// log, <c>ocel20_example.sqlite</c>): <c>event</c>, <c>object</c>, <c>event_object</c>, <c>object_object</c>,
/// <c>event_map_type</c>, <c>object_map_type</c>, one <c>event_{Type}</c> table per activity and one
/// <c>object_{Type}</c> table per object type, with the mapping of <see cref="OcelMapping"/>.
/// </summary>
/// <remarks>
/// Events are written as they come and objects and relations are kept distinct by the tables' own keys, so
/// memory holds only the type definitions and a bounded set of recent ids. Tables with a primary key are
/// stored <c>WITHOUT ROWID</c>: the same columns and keys, in one b-tree instead of two. Times are RFC 3339 with their offsets, which SQLite's date
/// functions and pandas read. The same events written in the same order give the same file, byte for byte.
/// </remarks>
internal sealed class OcelSqliteExportWriter : IDisposable
{
    private const int EventsPerTransaction = 20_000;

    private readonly SqliteConnection connection;
    private readonly SqliteCommand insertEvent;
    private readonly SqliteCommand insertObject;
    private readonly SqliteCommand insertEventObject;
    private readonly SqliteCommand insertObjectObject;
    private readonly Dictionary<string, EventTable> eventTables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SqliteCommand> objectTables = new(StringComparer.Ordinal);
    private readonly HashSet<string> tableSuffixes = new(StringComparer.Ordinal);
    // A journey's object and its relations come with every one of its events: remembering the recent ones
    // spares the tables a lookup each time. Bounded; the tables' keys still keep everything distinct.
    private readonly RecentSet<string> recentObjects = new(StringComparer.Ordinal);
    private readonly RecentSet<OcelObjectRelationship> recentRelations = new(EqualityComparer<OcelObjectRelationship>.Default);
    private SqliteTransaction? transaction;
    private int pending;

    public OcelSqliteExportWriter(string path)
    {
        connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            // The writer relates only what it wrote before: checking every relation again costs lookups and proves nothing.
            ForeignKeys = false,
        }.ToString());
        connection.Open();
        // A new file written once: a crash leaves a file the export deletes anyway. The keys of the OCEL
        // layout (event ids, object ids) arrive in random order, so a page cache larger than SQLite's 2 MB
        // default keeps the inserts in memory rather than in the file; it bounds the memory all the same.
        Execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -131072;");
        transaction = connection.BeginTransaction();
        Execute("""
            CREATE TABLE "event_map_type" ("ocel_type" TEXT, "ocel_type_map" TEXT, PRIMARY KEY ("ocel_type")) WITHOUT ROWID;
            CREATE TABLE "object_map_type" ("ocel_type" TEXT, "ocel_type_map" TEXT, PRIMARY KEY ("ocel_type")) WITHOUT ROWID;
            CREATE TABLE "event" ("ocel_id" TEXT, "ocel_type" TEXT, PRIMARY KEY ("ocel_id"),
                FOREIGN KEY ("ocel_type") REFERENCES "event_map_type" ("ocel_type")) WITHOUT ROWID;
            CREATE TABLE "object" ("ocel_id" TEXT, "ocel_type" TEXT, PRIMARY KEY ("ocel_id"),
                FOREIGN KEY ("ocel_type") REFERENCES "object_map_type" ("ocel_type")) WITHOUT ROWID;
            CREATE TABLE "event_object" ("ocel_event_id" TEXT, "ocel_object_id" TEXT, "ocel_qualifier" TEXT,
                PRIMARY KEY ("ocel_event_id", "ocel_object_id", "ocel_qualifier"),
                FOREIGN KEY ("ocel_event_id") REFERENCES "event" ("ocel_id"),
                FOREIGN KEY ("ocel_object_id") REFERENCES "object" ("ocel_id")) WITHOUT ROWID;
            CREATE TABLE "object_object" ("ocel_source_id" TEXT, "ocel_target_id" TEXT, "ocel_qualifier" TEXT,
                PRIMARY KEY ("ocel_source_id", "ocel_target_id", "ocel_qualifier"),
                FOREIGN KEY ("ocel_source_id") REFERENCES "object" ("ocel_id"),
                FOREIGN KEY ("ocel_target_id") REFERENCES "object" ("ocel_id")) WITHOUT ROWID;
            """);
        insertEvent = Command("INSERT INTO \"event\" (\"ocel_id\", \"ocel_type\") VALUES ($1, $2)", 2);
        insertObject = Command("INSERT OR IGNORE INTO \"object\" (\"ocel_id\", \"ocel_type\") VALUES ($1, $2)", 2);
        insertEventObject = Command("INSERT OR IGNORE INTO \"event_object\" (\"ocel_event_id\", \"ocel_object_id\", \"ocel_qualifier\") VALUES ($1, $2, $3)", 3);
        insertObjectObject = Command("INSERT OR IGNORE INTO \"object_object\" (\"ocel_source_id\", \"ocel_target_id\", \"ocel_qualifier\") VALUES ($1, $2, $3)", 3);
        foreach (var type in OcelMapping.ObjectTypes)
        {
            var table = "object_" + MapType("object_map_type", type.Name);
            var columns = type.Attributes.Select(a => $"{Quote(a.Name)} {ColumnType(a.Type)}");
            Execute($"CREATE TABLE {Quote(table)} (\"ocel_id\" TEXT, {string.Concat(columns.Select(c => c + ", "))}\"ocel_time\" TIMESTAMP, \"ocel_changed_field\" TEXT, FOREIGN KEY (\"ocel_id\") REFERENCES \"object\" (\"ocel_id\"))");
            var names = type.Attributes.Select(a => Quote(a.Name)).Append("\"ocel_time\"").Prepend("\"ocel_id\"").ToArray();
            objectTables[type.Name] = Command(
                $"INSERT INTO {Quote(table)} ({string.Join(", ", names)}) VALUES ({string.Join(", ", names.Select((_, i) => "$" + (i + 1)))})",
                names.Length);
        }
    }

    public long Events { get; private set; }

    public long Objects { get; private set; }

    public void WriteEvent(RecordedJourneyEvent recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        transaction ??= connection.BeginTransaction();
        var e = recorded.Event;
        var id = e.EventId.ToString();
        var attributes = OcelMapping.EventAttributes(recorded);
        var table = EventTableFor(e.Activity, attributes);

        Run(insertEvent, id, e.Activity);
        var values = new object?[table.Columns.Count + 2];
        values[0] = id;
        values[1] = ExchangeFields.Timestamp(e.OccurredAt);
        foreach (var attribute in attributes)
        {
            values[2 + table.Columns.IndexOf(attribute.Name)] = attribute.Name == ExchangeFields.Position ? (long)recorded.Position : attribute.Value;
        }
        Run(table.Insert, values);

        foreach (var o in OcelMapping.Objects(e))
        {
            if (!recentObjects.Add(o.Id))
            {
                continue;
            }
            if (Run(insertObject, o.Id, o.Type) == 1)
            {
                Objects++;
                var objectValues = new object?[o.Attributes.Count + 2];
                objectValues[0] = o.Id;
                for (var i = 0; i < o.Attributes.Count; i++)
                {
                    objectValues[i + 1] = o.Attributes[i].Value;
                }
                objectValues[^1] = OcelMapping.StaticTime;
                Run(objectTables[o.Type], objectValues);
            }
        }
        foreach (var relationship in OcelMapping.EventRelationships(e))
        {
            Run(insertEventObject, id, relationship.ObjectId, relationship.Qualifier);
        }
        foreach (var relationship in OcelMapping.ObjectRelationships(e))
        {
            if (recentRelations.Add(relationship))
            {
                Run(insertObjectObject, relationship.SourceId, relationship.TargetId, relationship.Qualifier);
            }
        }
        Events++;
        if (++pending == EventsPerTransaction)
        {
            Commit();
        }
    }

    public void Complete() => Commit();

    public void Dispose()
    {
        transaction?.Dispose();
        foreach (var table in eventTables.Values)
        {
            table.Insert.Dispose();
        }
        foreach (var command in objectTables.Values)
        {
            command.Dispose();
        }
        insertEvent.Dispose();
        insertObject.Dispose();
        insertEventObject.Dispose();
        insertObjectObject.Dispose();
        connection.Dispose();
    }

    /// <summary>The activity's table, created on its first event and widened when an event brings a new attribute.</summary>
    private EventTable EventTableFor(string activity, IReadOnlyList<OcelValue> attributes)
    {
        if (!eventTables.TryGetValue(activity, out var table))
        {
            var name = "event_" + MapType("event_map_type", activity);
            var columns = OcelMapping.FixedEventAttributes.Select(a => a.Name).ToList();
            var definitions = OcelMapping.FixedEventAttributes.Select(a => $"{Quote(a.Name)} {ColumnType(a.Type)}, ");
            Execute($"CREATE TABLE {Quote(name)} (\"ocel_id\" TEXT, \"ocel_time\" TIMESTAMP, {string.Concat(definitions)}FOREIGN KEY (\"ocel_id\") REFERENCES \"event\" (\"ocel_id\"), PRIMARY KEY (\"ocel_id\")) WITHOUT ROWID");
            table = new EventTable(name, columns, InsertInto(name, columns));
            eventTables[activity] = table;
        }
        var added = false;
        foreach (var attribute in attributes)
        {
            if (!table.Columns.Contains(attribute.Name))
            {
                Execute($"ALTER TABLE {Quote(table.Name)} ADD COLUMN {Quote(attribute.Name)} TEXT");
                table.Columns.Add(attribute.Name);
                added = true;
            }
        }
        if (added)
        {
            table.Insert.Dispose();
            table = table with { Insert = InsertInto(table.Name, table.Columns) };
            eventTables[activity] = table;
        }
        return table;
    }

    private SqliteCommand InsertInto(string table, IReadOnlyList<string> columns)
    {
        var names = columns.Select(Quote).Prepend("\"ocel_time\"").Prepend("\"ocel_id\"").ToArray();
        return Command($"INSERT INTO {Quote(table)} ({string.Join(", ", names)}) VALUES ({string.Join(", ", names.Select((_, i) => "$" + (i + 1)))})", names.Length);
    }

    /// <summary>Registers a type in its map table under a table-name part no other type has.</summary>
    private string MapType(string mapTable, string typeName)
    {
        var suffix = OcelMapping.TableSuffix(typeName);
        if (suffix.Length == 0)
        {
            suffix = "type";
        }
        var unique = suffix;
        for (var n = 2; !tableSuffixes.Add(unique); n++)
        {
            unique = $"{suffix}_{n}";
        }
        using var insert = Command($"INSERT INTO {Quote(mapTable)} (\"ocel_type\", \"ocel_type_map\") VALUES ($1, $2)", 2);
        Run(insert, typeName, unique);
        return unique;
    }

    private void Commit()
    {
        transaction?.Commit();
        transaction?.Dispose();
        transaction = null;
        pending = 0;
    }

    private SqliteCommand Command(string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 1; i <= parameters; i++)
        {
            command.Parameters.Add(new SqliteParameter("$" + i, null));
        }
        return command;
    }

    private int Run(SqliteCommand command, params object?[] values)
    {
        command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
        return command.ExecuteNonQuery();
    }

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private static string ColumnType(string ocelType) => ocelType switch
    {
        "integer" => "INTEGER",
        "float" => "REAL",
        "time" => "TIMESTAMP",
        _ => "TEXT",
    };

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private sealed record EventTable(string Name, List<string> Columns, SqliteCommand Insert);

    /// <summary>Remembers up to a fixed number of values, then starts over.</summary>
    private sealed class RecentSet<T>(IEqualityComparer<T> comparer)
    {
        private const int Capacity = 1 << 16;

        private readonly HashSet<T> values = new(comparer);

        /// <summary>False when the value was seen recently; true (and remembered) when it was not.</summary>
        public bool Add(T value)
        {
            if (values.Count == Capacity)
            {
                values.Clear();
            }
            return values.Add(value);
        }
    }
}
