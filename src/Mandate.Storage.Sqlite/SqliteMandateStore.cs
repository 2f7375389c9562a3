using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Credentials;
using Mandate.Storage.Sqlite.Delegations;
using Mandate.Storage.Sqlite.Discovered;
using Mandate.Storage.Sqlite.Events;
using Mandate.Storage.Sqlite.Groups;
using Mandate.Storage.Sqlite.Identities;
using Mandate.Storage.Sqlite.Internal;
using Mandate.Storage.Sqlite.Migrations;
using Mandate.Storage.Sqlite.Policies;
using Mandate.Storage.Sqlite.Registration;
using Mandate.Storage.Sqlite.Settings;

namespace Mandate.Storage.Sqlite;

/// <summary>
/// The embedded store of record: SQLite files in a data directory, <c>mandate.db</c> for state and
/// <c>events.db</c> for the event log and its audit chain.
/// Readers run concurrently; writers are serialized, each in one durable (WAL, <c>synchronous=FULL</c>) transaction,
/// so an acknowledged write survives a process kill and a power loss.
/// </summary>
public sealed class SqliteMandateStore : IMandateStore
{
    /// <summary>The database file name inside the data directory.</summary>
    public const string FileName = "mandate.db";

    private readonly SqliteDatabase _database;

    private readonly SqliteEventLog _events;

    private SqliteMandateStore(string path, SqliteEventLog events)
    {
        DatabasePath = path;
        _database = new SqliteDatabase(path, () => StateChanged?.Invoke(this, EventArgs.Empty));
        _events = events;
        Identities = new SqliteIdentityStore(_database);
        Credentials = new SqliteCredentialStore(_database);
        Groups = new SqliteGroupStore(_database);
        Policies = new SqlitePolicyStore(_database);
        Settings = new SqliteSettingStore(_database);
        Delegations = new SqliteDelegationStore(_database);
        Discovered = new SqliteDiscoveredIdentityStore(_database);
        RegistrationTokens = new SqliteRegistrationTokenStore(_database);
    }

    /// <inheritdoc />
    public event EventHandler? StateChanged;

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath { get; }

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
    public IDelegationStore Delegations { get; }
    public IDiscoveredIdentityStore Discovered { get; }
    public IRegistrationTokenStore RegistrationTokens { get; }

    /// <inheritdoc />
    public IEventStore Events => _events;

    /// <inheritdoc />
    public IAuditLog Audit => _events;

    /// <summary>
    /// Opens (creating when absent) the data directory and its database, and applies pending migrations.
    /// </summary>
    /// <param name="dataDirectory">Directory holding <see cref="FileName"/>.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <exception cref="InvalidOperationException">The database was written by a newer build whose schema this one does not know.</exception>
    public static async Task<SqliteMandateStore> OpenAsync(string dataDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var directory = Directory.CreateDirectory(dataDirectory);
        var events = await SqliteEventLog.OpenAsync(directory.FullName, cancellationToken);
        var store = new SqliteMandateStore(Path.Combine(directory.FullName, FileName), events);
        try
        {
            await LegacyEventMove.MoveAsync(store._database, events, cancellationToken);
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
    public Task MigrateAsync(CancellationToken cancellationToken = default) =>
        MigrationRunner.MigrateAsync(_database, cancellationToken);

    /// <summary>Waits for in-flight writes, then closes every pooled connection to the files.</summary>
    public async ValueTask DisposeAsync()
    {
        await _events.DisposeAsync();
        await _database.DisposeAsync();
    }
}
