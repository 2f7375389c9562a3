namespace Mandate.Storage.Sqlite.Migrations;

/// <summary>Unmanaged principals seen in imported telemetry (CloudTrail, Kubernetes audit), one row per source and external id.</summary>
internal static class DiscoveredIdentitiesSchema
{
    public const string Sql = """
        CREATE TABLE discovered_identities (
            source TEXT NOT NULL,
            external_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            display_name TEXT NOT NULL,
            claim_label TEXT NOT NULL,
            first_seen INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            events INTEGER NOT NULL,
            last_action TEXT,
            PRIMARY KEY (source, external_id)
        ) WITHOUT ROWID;
        """;
}
