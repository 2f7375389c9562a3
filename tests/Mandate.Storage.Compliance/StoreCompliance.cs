using Mandate.Core.Errors;
using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>Base of every compliance class: a fresh store per test, reopenable, counting state changes.</summary>
public abstract class StoreCompliance(IStoreHarness harness) : IAsyncLifetime
{
    private int _stateChanges;

    protected IMandateStore Store { get; private set; } = null!;

    /// <summary>StateChanged raises seen since the store was opened or the count was reset.</summary>
    protected int StateChanges => Volatile.Read(ref _stateChanges);

    public virtual async Task InitializeAsync() => await OpenAsync();

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await harness.DisposeAsync();
    }

    /// <summary>Disposes the store and opens it again over the same data.</summary>
    protected async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        await OpenAsync();
    }

    protected void ResetStateChanges() => Interlocked.Exchange(ref _stateChanges, 0);

    protected static async Task<MandateException> AssertRefusedAsync(string code, Func<Task> action)
    {
        var refusal = await Assert.ThrowsAsync<MandateException>(action);
        Assert.Equal(code, refusal.Code);
        return refusal;
    }

    /// <summary>Follows cursors to the end, checking every page respects the limit.</summary>
    protected static async Task<List<T>> ReadAllPagesAsync<T>(int limit, Func<PageRequest, Task<Page<T>>> list)
    {
        var items = new List<T>();
        string? cursor = null;
        do
        {
            var page = await list(new PageRequest(limit, cursor));
            Assert.True(page.Items.Count <= limit);
            Assert.True(page.NextCursor is null || page.Items.Count == limit);
            items.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return items;
    }

    private async Task OpenAsync()
    {
        Store = await harness.OpenAsync();
        ResetStateChanges();
        Store.StateChanged += (_, _) => Interlocked.Increment(ref _stateChanges);
    }
}
