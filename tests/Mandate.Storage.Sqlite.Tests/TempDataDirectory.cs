using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>A unique directory under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDataDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mandate-store-" + Guid.NewGuid().ToString("n"));

    /// <summary>
    /// A side connection (not yet opened) to a database file in the directory, outside the store's pool, so it never keeps
    /// the file open after the test.
    /// </summary>
    public SqliteConnection Connect(string file) =>
        new(new SqliteConnectionStringBuilder { DataSource = System.IO.Path.Combine(Path, file), Pooling = false }.ToString());

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
