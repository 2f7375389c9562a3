namespace Mandate.Storage.Sqlite.Migrations;

/// <summary>Version 1: state tables and the event stream.</summary>
internal static class InitialSchema
{
    public const string Sql = """
        CREATE TABLE identities (
            id TEXT NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL,
            display_name TEXT NOT NULL,
            owner TEXT,
            purpose TEXT,
            environment TEXT,
            labels TEXT NOT NULL,
            status TEXT NOT NULL,
            parent TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            last_used_at INTEGER,
            expires_at INTEGER,
            version INTEGER NOT NULL
        );
        CREATE INDEX ix_identities_kind ON identities (kind, id);
        CREATE INDEX ix_identities_status ON identities (status, id);
        CREATE INDEX ix_identities_owner ON identities (owner, id) WHERE owner IS NOT NULL;
        CREATE INDEX ix_identities_parent ON identities (parent, id) WHERE parent IS NOT NULL;
        CREATE INDEX ix_identities_environment ON identities (environment, id) WHERE environment IS NOT NULL;

        CREATE TABLE credentials (
            id TEXT NOT NULL PRIMARY KEY,
            identity_id TEXT NOT NULL REFERENCES identities (id),
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            description TEXT,
            material TEXT NOT NULL,
            api_key_prefix TEXT,
            created_at INTEGER NOT NULL,
            expires_at INTEGER,
            last_used_at INTEGER,
            rotated_at INTEGER,
            revoked_at INTEGER,
            version INTEGER NOT NULL
        );
        CREATE INDEX ix_credentials_identity ON credentials (identity_id, id);
        CREATE INDEX ix_credentials_kind ON credentials (kind, id);
        CREATE UNIQUE INDEX ux_credentials_api_key_prefix ON credentials (api_key_prefix) WHERE api_key_prefix IS NOT NULL;

        CREATE TABLE groups (
            id TEXT NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL,
            display_name TEXT NOT NULL,
            description TEXT,
            owner TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            version INTEGER NOT NULL
        );
        CREATE INDEX ix_groups_kind ON groups (kind, id);

        CREATE TABLE memberships (
            group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
            member_id TEXT NOT NULL,
            member_is_group INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (group_id, member_id)
        ) WITHOUT ROWID;
        CREATE INDEX ix_memberships_member ON memberships (member_id, group_id);

        CREATE TABLE policies (
            id TEXT NOT NULL PRIMARY KEY,
            text TEXT NOT NULL,
            description TEXT,
            enabled INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            version INTEGER NOT NULL
        );
        CREATE INDEX ix_policies_enabled ON policies (enabled, id);

        CREATE TABLE settings (
            key TEXT NOT NULL PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE events (
            sequence INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            time INTEGER NOT NULL,
            category TEXT NOT NULL,
            type TEXT NOT NULL,
            outcome TEXT NOT NULL,
            actor_id TEXT,
            actor_kind TEXT,
            chain TEXT NOT NULL,
            action TEXT,
            resource_type TEXT,
            resource_id TEXT,
            policies TEXT NOT NULL,
            token_id TEXT,
            source_ip TEXT,
            user_agent TEXT,
            request_id TEXT,
            message TEXT
        );
        CREATE INDEX ix_events_time ON events (time);
        CREATE INDEX ix_events_actor ON events (actor_id, sequence) WHERE actor_id IS NOT NULL;
        CREATE INDEX ix_events_type ON events (type);

        -- The actor and every chain member of an event, so one identity's events are an index range.
        CREATE TABLE event_identities (
            identity_id TEXT NOT NULL,
            sequence INTEGER NOT NULL REFERENCES events (sequence),
            PRIMARY KEY (identity_id, sequence)
        ) WITHOUT ROWID;
        """;
}
