using Mandate.Authorization;
using Mandate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>Owns the snapshot source, which starts asynchronously before the host serves requests.</summary>
internal sealed class SnapshotSourceHolder : IAsyncDisposable
{
    private SnapshotSource? _source;

    public SnapshotSource Source => _source ?? throw new InvalidOperationException("the authorization snapshot has not been built yet");

    public async Task StartAsync(IMandateStore store, PolicyBundle? bundle, ILogger<SnapshotSource> logger, CancellationToken cancellationToken) =>
        _source = await SnapshotSource.StartAsync(store, bundle, logger, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_source is not null)
        {
            await _source.DisposeAsync();
        }
    }
}
