using Mandate.Core.Storage;
using Mandate.Storage.Compliance;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>Each compliance class over a fresh SQLite data directory.</summary>
internal static class SqliteStores
{
    public static string NewDirectory() => Path.Combine(Path.GetTempPath(), "mandate-store-" + Guid.NewGuid().ToString("N"));

    public static void Delete(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

public sealed class SqliteIdentityStoreTests : IdentityStoreCompliance
{
    private readonly string _directory = SqliteStores.NewDirectory();

    protected override async Task<IMandateStore> CreateStoreAsync() => await SqliteMandateStore.OpenAsync(_directory);

    protected override async Task<IMandateStore> ReopenStoreAsync() => await SqliteMandateStore.OpenAsync(_directory);

    protected override Task CleanUpAsync()
    {
        SqliteStores.Delete(_directory);
        return Task.CompletedTask;
    }
}

public sealed class SqliteCredentialStoreTests : CredentialStoreCompliance
{
    private readonly string _directory = SqliteStores.NewDirectory();

    protected override async Task<IMandateStore> CreateStoreAsync() => await SqliteMandateStore.OpenAsync(_directory);

    protected override async Task<IMandateStore> ReopenStoreAsync() => await SqliteMandateStore.OpenAsync(_directory);

    protected override Task CleanUpAsync()
    {
        SqliteStores.Delete(_directory);
        return Task.CompletedTask;
    }
}

public sealed class SqliteGroupStoreTests : GroupStoreCompliance
{
    private readonly string _directory = SqliteStores.NewDirectory();

    protected override async Task<IMandateStore> CreateStoreAsync() => await SqliteMandateStore.OpenAsync(_directory);

    protected override async Task<IMandateStore> ReopenStoreAsync() => await SqliteMandateStore.OpenAsync(_directory);

    protected override Task CleanUpAsync()
    {
        SqliteStores.Delete(_directory);
        return Task.CompletedTask;
    }
}

public sealed class SqlitePolicyAndSettingStoreTests : PolicyAndSettingStoreCompliance
{
    private readonly string _directory = SqliteStores.NewDirectory();

    protected override async Task<IMandateStore> CreateStoreAsync() => await SqliteMandateStore.OpenAsync(_directory);

    protected override async Task<IMandateStore> ReopenStoreAsync() => await SqliteMandateStore.OpenAsync(_directory);

    protected override Task CleanUpAsync()
    {
        SqliteStores.Delete(_directory);
        return Task.CompletedTask;
    }
}

public sealed class SqliteEventStoreTests : EventStoreCompliance
{
    private readonly string _directory = SqliteStores.NewDirectory();

    protected override async Task<IMandateStore> CreateStoreAsync() => await SqliteMandateStore.OpenAsync(_directory);

    protected override async Task<IMandateStore> ReopenStoreAsync() => await SqliteMandateStore.OpenAsync(_directory);

    protected override Task CleanUpAsync()
    {
        SqliteStores.Delete(_directory);
        return Task.CompletedTask;
    }
}
