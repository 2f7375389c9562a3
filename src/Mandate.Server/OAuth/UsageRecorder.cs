using System.Collections.Concurrent;
using Mandate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.OAuth;

/// <summary>
/// Collects "last used" times of identities and credentials and writes them in the background once a
/// second, so authentication at machine speed costs no store write per request.
/// </summary>
internal sealed partial class UsageRecorder : IAsyncDisposable
{
    private readonly IMandateStore _store;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _identities = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _credentials = new(StringComparer.Ordinal);
    private readonly PeriodicTimer _timer = new(TimeSpan.FromSeconds(1));
    private readonly Task _loop;

    public UsageRecorder(IMandateStore store, ILogger<UsageRecorder> logger)
    {
        _store = store;
        _logger = logger;
        _loop = Task.Run(LoopAsync);
    }

    public void Used(string identityId, string credentialId, DateTimeOffset at)
    {
        _identities[identityId] = at;
        _credentials[credentialId] = at;
    }

    public async ValueTask DisposeAsync()
    {
        _timer.Dispose();
        await _loop;
        await FlushAsync();
    }

    private async Task LoopAsync()
    {
        while (await _timer.WaitForNextTickAsync())
        {
            await FlushAsync();
        }
    }

    private async Task FlushAsync()
    {
        try
        {
            foreach (var id in _identities.Keys)
            {
                if (_identities.TryRemove(id, out var at))
                {
                    await _store.Identities.TouchAsync(id, at);
                }
            }

            foreach (var id in _credentials.Keys)
            {
                if (_credentials.TryRemove(id, out var at))
                {
                    await _store.Credentials.TouchAsync(id, at);
                }
            }
        }
        catch (Exception ex)
        {
            LogFlushFailed(ex);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "recording last-used times failed; they will be recorded on the next use")]
    private partial void LogFlushFailed(Exception exception);
}
