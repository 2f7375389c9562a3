namespace Mandate.Storage.Sqlite.Migrations;

/// <summary>
/// The ordered schema migrations. Append only: a released migration never changes, a new one is added
/// with the next version. Times are UTC ticks (100 ns) so every DateTimeOffset round-trips exactly.
/// </summary>
internal static class Schema
{
    public static readonly (int Version, string Description, string Sql)[] Migrations =
    [
        (1, "identities, credentials, groups, policies, settings, events", """
            CREATE TABLE identities (
                id            TEXT PRIMARY KEY,
                kind          TEXT NOT NULL,
                display_name  TEXT NOT NULL,
                owner         TEXT,
                purpose       TEXT,
                environment   TEXT,
                labels        TEXT NOT NULL,
                status        TEXT NOT NULL,
                parent        TEXT,
                created_at    INTEGER NOT NULL,
                updated_at    INTEGER NOT NULL,
                last_used_at  INTEGER,
                expires_at    INTEGER,
                version       INTEGER NOT NULL
            );
            CREATE INDEX identities_kind ON identities (kind, id);
            CREATE INDEX identities_status ON identities (status, id);
            CREATE INDEX identities_owner ON identities (owner, id);
            CREATE INDEX identities_parent ON identities (parent, id);
            CREATE INDEX identities_environment ON identities (environment, id);

            CREATE TABLE credentials (
                id              TEXT PRIMARY KEY,
                identity_id     TEXT NOT NULL REFERENCES identities (id),
                kind            TEXT NOT NULL,
                status          TEXT NOT NULL,
                material        TEXT NOT NULL,
                api_key_prefix  TEXT UNIQUE,
                description     TEXT,
                created_at      INTEGER NOT NULL,
                expires_at      INTEGER,
                last_used_at    INTEGER,
                rotated_at      INTEGER,
                revoked_at      INTEGER,
                version         INTEGER NOT NULL
            );
            CREATE INDEX credentials_identity ON credentials (identity_id, id);

            CREATE TABLE groups (
                id            TEXT PRIMARY KEY,
                kind          TEXT NOT NULL,
                display_name  TEXT NOT NULL,
                description   TEXT,
                owner         TEXT,
                created_at    INTEGER NOT NULL,
                updated_at    INTEGER NOT NULL,
                version       INTEGER NOT NULL
            );

            CREATE TABLE memberships (
                group_id         TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
                member_id        TEXT NOT NULL,
                member_is_group  INTEGER NOT NULL,
                created_at       INTEGER NOT NULL,
                PRIMARY KEY (group_id, member_id)
            ) WITHOUT ROWID;
            CREATE INDEX memberships_member ON memberships (member_id);

            CREATE TABLE policies (
                id           TEXT PRIMARY KEY,
                text         TEXT NOT NULL,
                description  TEXT,
                enabled      INTEGER NOT NULL,
                created_at   INTEGER NOT NULL,
                updated_at   INTEGER NOT NULL,
                version      INTEGER NOT NULL
            );

            CREATE TABLE settings (
                key    TEXT PRIMARY KEY,
                value  TEXT NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE events (
                sequence       INTEGER PRIMARY KEY,
                id             TEXT NOT NULL,
                time           INTEGER NOT NULL,
                category       TEXT NOT NULL,
                type           TEXT NOT NULL,
                outcome        TEXT NOT NULL,
                actor_id       TEXT,
                actor_kind     TEXT,
                chain          TEXT,
                action         TEXT,
                resource_type  TEXT,
                resource_id    TEXT,
                policies       TEXT,
                token_id       TEXT,
                source_ip      TEXT,
                user_agent     TEXT,
                request_id     TEXT,
                message        TEXT
            );
            CREATE INDEX events_time ON events (time);
            CREATE INDEX events_type ON events (type, sequence);

            -- One row per identity an event concerns (actor and every delegator), so
            -- "everything identity X did in this window" is an index range scan.
            CREATE TABLE event_identities (
                identity_id  TEXT NOT NULL,
                time         INTEGER NOT NULL,
                sequence     INTEGER NOT NULL,
                PRIMARY KEY (identity_id, time, sequence)
            ) WITHOUT ROWID;
            """),
    ];

    public static int LatestVersion => Migrations[^1].Version;
}
