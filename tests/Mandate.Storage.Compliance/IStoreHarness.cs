using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>How a backend's test project gives the compliance suite a store.</summary>
public interface IStoreHarness : IAsyncDisposable
{
    /// <summary>
    /// Opens the store of this test: empty on the first call, the same data on every later call
    /// (the suite disposes the previous store first), so persistence can be checked.
    /// </summary>
    Task<IMandateStore> OpenAsync();
}
