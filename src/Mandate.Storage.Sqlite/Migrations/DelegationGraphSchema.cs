namespace Mandate.Storage.Sqlite.Migrations;

/// <summary>The delegation graph of exchanged tokens and the revoked tokens.</summary>
internal static class DelegationGraphSchema
{
    public const string Name = "delegation_graph";

    // Idempotent (IF NOT EXISTS), so the step can be renumbered or re-run safely.
    // No foreign key from parent to node: a parent and its children expire (and are purged) together, and a
    // child whose parent is gone must still be readable so it can be refused, not crash a scan.
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS delegations (
            token_id TEXT NOT NULL PRIMARY KEY,
            parent_token_id TEXT,
            kind TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            actors TEXT NOT NULL,
            client_id TEXT NOT NULL,
            credential_ids TEXT NOT NULL,
            actor_token_id TEXT,
            scope TEXT,
            authorization_details TEXT,
            may_act TEXT,
            audiences TEXT NOT NULL,
            issued_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_delegations_parent ON delegations (parent_token_id, token_id) WHERE parent_token_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_delegations_expires ON delegations (expires_at);

        CREATE TABLE IF NOT EXISTS token_revocations (
            token_id TEXT NOT NULL PRIMARY KEY,
            revoked_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            revoked_by TEXT NOT NULL,
            reason TEXT
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_token_revocations_expires ON token_revocations (expires_at);
        """;
}
