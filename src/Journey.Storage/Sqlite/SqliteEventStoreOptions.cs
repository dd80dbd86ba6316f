namespace Journey.Storage.Sqlite;

/// <summary>Tuning of the embedded SQLite event store. The defaults suit one machine with thousands of concurrent writers.</summary>
public sealed record SqliteEventStoreOptions
{
    /// <summary>
    /// Most events the writer puts in one transaction (group commit). A single request larger than
    /// this still goes in whole, alone.
    /// </summary>
    public int MaxBatchEvents { get; init; } = 4096;

    /// <summary>
    /// Page cache of the writer's connection, in KiB. The unique indexes are touched at random places, so a
    /// cache larger than SQLite's 2 MB default keeps more of them at hand; but while the file is under 1 GB,
    /// SQLite scans the whole cache at every commit that split an index page (it parks a page under the number
    /// of the page it never uses, just past 1 GB, and then drops every cached page past the end of the file),
    /// so a large cache costs more than it saves: 128 MB took 11-39% of the writer's time in that scan.
    /// </summary>
    public int CacheSizeKib { get; init; } = 32 * 1024;

    /// <summary>
    /// Page cache of each read connection, in KiB. Reads walk the log or one stream in order, which the
    /// operating system's file cache already serves well; there can be several readers at once.
    /// </summary>
    public int ReadCacheSizeKib { get; init; } = 8 * 1024;

    /// <summary>Rows read per query by reads and subscriptions; a subscription sends a checkpoint after each page.</summary>
    public int ReadPageSize { get; init; } = 512;

    /// <summary>How often a live subscription looks for appends made by another process on the same file.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a connection waits for a lock held by another process before it fails.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Streams whose last revision the writer keeps in memory; beyond this the cache starts over.</summary>
    public int StreamCacheCapacity { get; init; } = 200_000;

    /// <summary>
    /// Event ids the writer holds in memory at least before it writes them to the store's id table in one sorted
    /// run (<see cref="EventIdIndex"/>): the longer the run, the fewer pages of that table each id costs. Runs
    /// grow with the table (an eighth of it) up to <see cref="EventIdMaxRunLength"/>. About 40 bytes each while
    /// held; the writer also writes them when it falls idle. A run is written in slices of a sixteenth of this
    /// between appends' transactions.
    /// </summary>
    public int EventIdRunLength { get; init; } = 65_536;

    /// <summary>
    /// The longest run of held event ids (<see cref="EventIdRunLength"/>, which wins when it is the larger), reached
    /// by a store of 4 million events: ~20 MB of ids held, and as much again while a run is sorted and written.
    /// </summary>
    public int EventIdMaxRunLength { get; init; } = 524_288;

    /// <summary>
    /// Names of new streams the writer holds in memory at least before it writes them to the store's name index in
    /// one sorted run (<see cref="StreamNameIndex"/>): the longer the run, the fewer pages of the index each new
    /// stream costs. Runs grow with the index (an eighth of it) up to <see cref="StreamNameMaxRunLength"/>. About
    /// 200 bytes each while held (the name and its entry); the writer also writes them when it falls idle. A run is
    /// written in slices of a sixteenth of this between appends' transactions.
    /// </summary>
    public int StreamNameRunLength { get; init; } = 16_384;

    /// <summary>
    /// The longest run of held stream names (<see cref="StreamNameRunLength"/>, which wins when it is the larger),
    /// reached by a store of a million streams: ~25 MB of names held.
    /// </summary>
    public int StreamNameMaxRunLength { get; init; } = 131_072;

    /// <summary>
    /// Build the event-id filter as soon as the store opens, on the writer's thread, rather than in the first
    /// append's transaction: for a store that will take appends (the server, whose host is still starting meanwhile),
    /// so the first appends after a restart do not wait ~1 s per million stored ids. A store opened to be read
    /// (an export, a migration's source) leaves it off and never reads the id table.
    /// </summary>
    public bool BuildIdFilterAtOpen { get; init; }

    /// <summary>
    /// How long the checkpointer lets commits gather before it copies the WAL into the database file: a
    /// page changed by many transactions in that time is copied once.
    /// </summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The WAL is started over from its beginning once it is fully copied and longer than this.</summary>
    public long WalRestartBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// Once no append has come for this long, the store gives back what only speeds a burst of appends up:
    /// the WAL is copied into the database file and truncated, the writer's page cache and stream cache are
    /// released, and idle read connections are closed. <see cref="Timeout.InfiniteTimeSpan"/> keeps them.
    /// </summary>
    public TimeSpan IdleAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// An append that finds nothing queued and the writer not writing is written on the caller's thread, in a
    /// transaction of its own, rather than handed to the writer's thread and its answer handed back: for a store of
    /// lone, latency-bound appends (the audit trail, one record before each read is answered). Appends that come
    /// together still share a transaction through the queue.
    /// </summary>
    public bool WriteLoneAppendsOnCallersThread { get; init; }

    internal int IdleAfterMilliseconds => IdleAfter == Timeout.InfiniteTimeSpan ? Timeout.Infinite : (int)Math.Min(int.MaxValue, Math.Ceiling(IdleAfter.TotalMilliseconds));

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchEvents, 1, nameof(MaxBatchEvents));
        ArgumentOutOfRangeException.ThrowIfLessThan(CacheSizeKib, 1, nameof(CacheSizeKib));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadCacheSizeKib, 1, nameof(ReadCacheSizeKib));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadPageSize, 1, nameof(ReadPageSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(BusyTimeout, TimeSpan.Zero, nameof(BusyTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(StreamCacheCapacity, 1, nameof(StreamCacheCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(EventIdRunLength, 1, nameof(EventIdRunLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(EventIdMaxRunLength, 1, nameof(EventIdMaxRunLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(StreamNameRunLength, 1, nameof(StreamNameRunLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(StreamNameMaxRunLength, 1, nameof(StreamNameMaxRunLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckpointInterval, TimeSpan.Zero, nameof(CheckpointInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(WalRestartBytes, 0, nameof(WalRestartBytes));
        if (IdleAfter != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleAfter, TimeSpan.Zero, nameof(IdleAfter));
        }
    }
}
