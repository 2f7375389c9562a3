namespace Mandate.Storage.Sqlite.Migrations;

/// <summary>Every migration this build knows, in order. Append only: never edit a released step.</summary>
internal static class SchemaMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "initial_schema", InitialSchema.Sql),
    ];

    public static int LatestVersion => All[^1].Version;
}
