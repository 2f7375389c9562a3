using Mandate.Core.Storage;
using Mandate.Storage.Compliance;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>Gives each compliance test its own data directory; reopening opens the same directory again.</summary>
public sealed class SqliteStoreHarness : IStoreHarness
{
    private readonly TempDataDirectory _directory = new();

    public async Task<IMandateStore> OpenAsync() => await SqliteMandateStore.OpenAsync(_directory.Path);

    public ValueTask DisposeAsync()
    {
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}
