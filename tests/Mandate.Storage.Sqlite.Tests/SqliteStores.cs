using Mandate.Core.Storage;
using Mandate.Storage.Compliance;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>SQLite stores over a temporary data directory of their own.</summary>
internal sealed class SqliteStores : IStoreFactory
{
    private readonly string _directory = NewDirectory();

    public static string NewDirectory() => Path.Combine(Path.GetTempPath(), "mandate-store-" + Guid.NewGuid().ToString("N"));

    public static void Delete(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public async Task<IMandateStore> CreateAsync() => await SqliteMandateStore.OpenAsync(_directory);

    public async Task<IMandateStore> ReopenAsync() => await SqliteMandateStore.OpenAsync(_directory);

    public Task CleanUpAsync()
    {
        Delete(_directory);
        return Task.CompletedTask;
    }
}

public sealed class SqliteIdentityStoreTests() : IdentityStoreCompliance(new SqliteStores());

public sealed class SqliteCredentialStoreTests() : CredentialStoreCompliance(new SqliteStores());

public sealed class SqliteGroupStoreTests() : GroupStoreCompliance(new SqliteStores());

public sealed class SqlitePolicyAndSettingStoreTests() : PolicyAndSettingStoreCompliance(new SqliteStores());

public sealed class SqliteEventStoreTests() : EventStoreCompliance(new SqliteStores());
