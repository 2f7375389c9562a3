namespace Mandate.Storage.Sqlite.Migrations;

/// <summary>Initial access tokens for RFC 7591 registration: hashes only, with owner, kind, expiry and use counts.</summary>
internal static class RegistrationTokensSchema
{
    public const string Sql = """
        CREATE TABLE registration_tokens (
            id TEXT NOT NULL PRIMARY KEY,
            hash TEXT NOT NULL,
            owner TEXT NOT NULL,
            kind TEXT NOT NULL,
            description TEXT,
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            max_uses INTEGER NOT NULL,
            uses INTEGER NOT NULL,
            revoked_at INTEGER
        );
        """;
}
