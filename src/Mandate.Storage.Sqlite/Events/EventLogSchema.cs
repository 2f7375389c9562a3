namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// The event log's own database file (<c>events.db</c>), apart from the state so heavy event traffic never
/// contends with identity and policy writes. Events are stored in blocks: one row per appended batch holding
/// the canonical lines and their chain links, with a sparse index of which identities took part in a block.
/// </summary>
internal static class EventLogSchema
{
    public const string FileName = "events.db";

    /// <summary>Version of the layout below, kept in <c>PRAGMA user_version</c>.</summary>
    public const int Version = 1;

    public const string Create = """
        CREATE TABLE IF NOT EXISTS event_blocks (
            first_sequence INTEGER PRIMARY KEY,
            last_sequence INTEGER NOT NULL,
            min_time INTEGER NOT NULL,
            max_time INTEGER NOT NULL,
            lines BLOB NOT NULL,
            links BLOB NOT NULL,
            last_link BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_event_blocks_max_time ON event_blocks (max_time);

        -- One row per identity taking part (actor or delegator) in a block: an identity's history is an index range.
        CREATE TABLE IF NOT EXISTS event_block_identities (
            identity_id TEXT NOT NULL,
            first_sequence INTEGER NOT NULL,
            max_time INTEGER NOT NULL,
            PRIMARY KEY (identity_id, first_sequence)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS audit_checkpoints (
            sequence INTEGER PRIMARY KEY,
            link BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            signature TEXT NOT NULL
        );
        """;
}
