using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Migrations;

namespace Mandate.Storage.Sqlite;

/// <summary>
/// The embedded store of record: one SQLite database (<c>mandate.db</c>, WAL mode) in a data directory,
/// migrated to the current schema when opened.
/// </summary>
public sealed class SqliteMandateStore : IMandateStore
{
    /// <summary>File name of the database inside the data directory.</summary>
    public const string FileName = "mandate.db";

    private readonly SqliteDatabase _db;

    private SqliteMandateStore(SqliteDatabase db)
    {
        _db = db;
        Identities = new IdentityTable(db, RaiseStateChanged);
        Credentials = new CredentialTable(db, RaiseStateChanged);
        Groups = new GroupTable(db, RaiseStateChanged);
        Policies = new PolicyTable(db, RaiseStateChanged);
        Settings = new SettingTable(db);
        Events = new EventTable(db);
    }

    /// <inheritdoc />
    public IIdentityStore Identities { get; }

    /// <inheritdoc />
    public ICredentialStore Credentials { get; }

    /// <inheritdoc />
    public IGroupStore Groups { get; }

    /// <inheritdoc />
    public IPolicyStore Policies { get; }

    /// <inheritdoc />
    public ISettingStore Settings { get; }

    /// <inheritdoc />
    public IEventStore Events { get; }

    /// <inheritdoc />
    public event EventHandler? StateChanged;

    /// <summary>Opens (creating if needed) the store in <paramref name="dataDirectory"/> and applies pending migrations.</summary>
    /// <exception cref="InvalidOperationException">The database was written by a newer Mandate.</exception>
    public static async Task<SqliteMandateStore> OpenAsync(string dataDirectory, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(dataDirectory);
        var db = new SqliteDatabase(Path.Combine(dataDirectory, FileName));
        var store = new SqliteMandateStore(db);
        try
        {
            await store.MigrateAsync(cancellationToken);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using (var wal = connection.Command(null, "PRAGMA journal_mode = WAL;"))
        {
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await Migrator.MigrateAsync(connection, TimeProvider.System, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _db.Dispose();
        return ValueTask.CompletedTask;
    }

    private void RaiseStateChanged() => StateChanged?.Invoke(this, EventArgs.Empty);
}
