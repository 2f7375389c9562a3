using Mandate.Core.Credentials;
using Mandate.Core.Identities;
using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>How a backend's tests get stores: one per test class instance, over data of its own.</summary>
public interface IStoreFactory
{
    /// <summary>Opens a new, empty store.</summary>
    Task<IMandateStore> CreateAsync();

    /// <summary>Opens another instance over the same data as the store <see cref="CreateAsync"/> made.</summary>
    Task<IMandateStore> ReopenAsync();

    /// <summary>Removes whatever the stores left behind.</summary>
    Task CleanUpAsync();
}

/// <summary>
/// Base of every compliance class: a backend supplies a store factory, and the class's tests run against a
/// fresh store and, where persistence matters, a reopened one.
/// </summary>
public abstract class StoreCompliance(IStoreFactory factory) : IAsyncLifetime
{
    private IMandateStore? _store;

    /// <summary>The store under test.</summary>
    protected IMandateStore Store => _store ?? throw new InvalidOperationException("the store is not open");

    public async Task InitializeAsync() => _store = await factory.CreateAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        await factory.CleanUpAsync();
    }

    /// <summary>Closes the current store and opens the same data again.</summary>
    protected async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        _store = null;
        _store = await factory.ReopenAsync();
    }

    /// <summary>A time with sub-millisecond ticks and a non-UTC offset, to catch lossy time storage.</summary>
    protected static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 3, 14, 15, 9, 26, TimeSpan.FromHours(2)).AddTicks(5358979);

    protected static Identity Human(string id, string? name = null) => new()
    {
        Id = id,
        Kind = IdentityKind.Human,
        DisplayName = name ?? id,
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    protected static Identity Agent(string id, string owner, string? parent = null, string? environment = null,
        IReadOnlyDictionary<string, string>? labels = null, IdentityStatus status = IdentityStatus.Active) => new()
        {
            Id = id,
            Kind = IdentityKind.Agent,
            DisplayName = "Agent " + id,
            Owner = owner,
            Parent = parent,
            Environment = environment,
            Labels = labels ?? new Dictionary<string, string>(),
            Status = status,
            CreatedAt = T0,
            UpdatedAt = T0,
        };

    protected static Credential ApiKey(string id, string identityId, string prefix) => new()
    {
        Id = id,
        IdentityId = identityId,
        Material = new ApiKeyMaterial(prefix, "hash-" + id),
        CreatedAt = T0,
    };

    protected static async Task<List<T>> AllAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    protected static async Task<List<T>> AllPagesAsync<T>(Func<PageRequest, Task<Page<T>>> list, int pageSize)
    {
        var all = new List<T>();
        string? cursor = null;
        do
        {
            var page = await list(new PageRequest(pageSize, cursor));
            Assert.True(page.Items.Count <= pageSize);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return all;
    }
}
