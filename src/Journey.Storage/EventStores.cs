using Journey.Storage.EventStoreDb;
using Journey.Storage.Sqlite;
using Microsoft.Extensions.Logging;

namespace Journey.Storage;

/// <summary>
/// Opens a store from a one-line spec, the form the CLI takes (<c>sqlite:PATH</c>, or an EventStoreDB
/// connection string <c>esdb://…</c> / <c>kurrentdb://…</c>), so every tool reaches either store the same way.
/// </summary>
public static class EventStores
{
    public const string SqlitePrefix = "sqlite:";

    public static async Task<IEventStore> OpenAsync(string spec, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        if (spec.StartsWith(SqlitePrefix, StringComparison.OrdinalIgnoreCase))
        {
            var path = spec[SqlitePrefix.Length..];
            if (path.Length == 0)
            {
                throw new FormatException("The store 'sqlite:' needs a file path, e.g. sqlite:./data/journey.db.");
            }
            return await SqliteEventStore.OpenAsync(path, cancellationToken: cancellationToken);
        }
        if (spec.StartsWith("esdb://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("kurrentdb://", StringComparison.OrdinalIgnoreCase))
        {
            return EventStoreDbEventStore.Create(spec, loggerFactory);
        }
        throw new FormatException($"'{Describe(spec)}' is not a store: use sqlite:PATH or esdb://host:port?tls=false.");
    }

    /// <summary>
    /// A store to read from, as <see cref="OpenAsync"/> opens it, or from a plain path to a SQLite store file. A SQLite
    /// file is never created here: a mistyped path is an error, not an empty store that reads as no events.
    /// </summary>
    public static async Task<IEventStore> OpenExistingAsync(string spec, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(spec);
        var sqlite = spec.StartsWith(SqlitePrefix, StringComparison.OrdinalIgnoreCase);
        if (!sqlite && spec.Contains("://", StringComparison.Ordinal))
        {
            return await OpenAsync(spec, loggerFactory, cancellationToken);
        }
        var path = sqlite ? spec[SqlitePrefix.Length..] : spec;
        if (path.Length > 0 && !File.Exists(path))
        {
            throw new FileNotFoundException($"No store file at '{path}' (the server keeps it as journey.db in its data directory).", path);
        }
        return await OpenAsync(SqlitePrefix + path, loggerFactory, cancellationToken);
    }

    /// <summary>The spec without credentials, for messages and logs.</summary>
    public static string Describe(string spec)
    {
        var at = spec.IndexOf('@', StringComparison.Ordinal);
        var scheme = spec.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme > 0 && at > scheme ? spec[..(scheme + 3)] + "***@" + spec[(at + 1)..] : spec;
    }
}
