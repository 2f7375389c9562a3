namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// The event log's own database file (<c>events.db</c>), apart from the state so heavy event traffic never
/// contends with identity and policy writes. Events are stored in blocks: one row per block of up to
/// <see cref="EventBlockEncoder.MaxBlockEvents"/> consecutive events (and <see cref="EventBlockEncoder.MaxBlockBytes"/>) holding their canonical lines (compressed),
/// each line's locator, the block's chain link (<see cref="Core.Events.AuditChain"/>), and a filter of the
/// identities taking part. Small columns come first so reading
/// a block's time range and filter never touches its lines.
/// </summary>
internal static class EventLogSchema
{
    public const string FileName = "events.db";

    /// <summary>Version of the layout below, kept in <c>PRAGMA user_version</c>.</summary>
    public const int Version = 2;

    /// <summary>Page size for a new file: blocks are tens to hundreds of kilobytes, so big pages mean short overflow chains.</summary>
    public const int PageSize = 16384;

    public const string Create = """
        CREATE TABLE IF NOT EXISTS event_blocks (
            first_sequence INTEGER PRIMARY KEY,
            last_sequence INTEGER NOT NULL,
            min_time INTEGER NOT NULL,
            max_time INTEGER NOT NULL,
            chain INTEGER NOT NULL,
            encoding INTEGER NOT NULL,
            participants BLOB NOT NULL,
            last_link BLOB NOT NULL,
            links BLOB NOT NULL,
            lines BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_event_blocks_max_time ON event_blocks (max_time);

        CREATE TABLE IF NOT EXISTS audit_checkpoints (
            sequence INTEGER PRIMARY KEY,
            link BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            signature TEXT NOT NULL,
            anchor INTEGER NOT NULL DEFAULT 0
        );
        """;
}
