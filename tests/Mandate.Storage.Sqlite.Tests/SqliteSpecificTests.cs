using Mandate.Core.Identities;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Tests;

public sealed class SqliteSpecificTests : IDisposable
{
    private readonly string _directory = SqliteStores.NewDirectory();

    public void Dispose() => SqliteStores.Delete(_directory);

    [Fact]
    public async Task Migrations_AreAppliedOnce_AcrossReopens()
    {
        await (await SqliteMandateStore.OpenAsync(_directory)).DisposeAsync();
        await (await SqliteMandateStore.OpenAsync(_directory)).DisposeAsync();

        Assert.Equal(1L, Scalar("SELECT COUNT(*) FROM schema_migrations WHERE version = 1"));
    }

    [Fact]
    public async Task Open_RefusesADatabaseFromANewerMandate()
    {
        await (await SqliteMandateStore.OpenAsync(_directory)).DisposeAsync();
        Scalar("INSERT INTO schema_migrations (version, description, applied_at) VALUES (999, 'future', 0)");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SqliteMandateStore.OpenAsync(_directory));

        Assert.Contains("999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentWriters_AllSucceed()
    {
        await using var store = await SqliteMandateStore.OpenAsync(_directory);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => store.Identities.CreateAsync(new Identity
        {
            Id = $"u{i}",
            Kind = IdentityKind.Human,
            DisplayName = "u",
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        }, []))));

        Assert.Equal(16, (await store.Identities.ListAsync(new IdentityQuery(), new Core.Storage.PageRequest(100))).Items.Count);
    }

    private object? Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, SqliteMandateStore.FileName)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
