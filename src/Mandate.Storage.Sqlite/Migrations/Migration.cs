namespace Mandate.Storage.Sqlite.Migrations;

/// <summary>One forward-only schema step; applied once, in its own transaction, in version order.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
