namespace Mandate.Storage.Sqlite.Migrations;

/// <summary>Every migration this build knows, in order. Append only: never edit a released step.</summary>
internal static class SchemaMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "initial_schema", InitialSchema.Sql),
        new(2, "events_move_to_event_log", "DROP TABLE IF EXISTS event_identities; DROP TABLE IF EXISTS events;"),
        new(3, DelegationGraphSchema.Name, DelegationGraphSchema.Sql),
        new(4, "discovered_identities", DiscoveredIdentitiesSchema.Sql),
        new(5, "registration_tokens", RegistrationTokensSchema.Sql),
    ];

    public static int LatestVersion => All[^1].Version;
}
