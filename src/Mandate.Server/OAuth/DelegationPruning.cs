using Mandate.Core.Storage;
using Mandate.Tokens;
using Mandate.Tokens.Revocation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.OAuth;

/// <summary>
/// Forgets delegation nodes and revocations of tokens that have expired (past the clock skew), in memory and in the
/// store, so the revocation set stays the size of the live token population.
/// </summary>
internal sealed partial class DelegationPruning(
    RevocationSet revocations, IMandateStore store, IServiceProvider services, TimeProvider time, ILogger<DelegationPruning> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // Resolved here, not in the constructor: the issuer (and so the options) is known only once Kestrel listens.
                var before = time.GetUtcNow() - services.GetRequiredService<TokenServiceOptions>().ClockSkew;
                revocations.Prune(before);
                await store.Delegations.PurgeExpiredAsync(before, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPruneFailed(ex);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "forgetting expired delegations failed; retried in a minute")]
    private partial void LogPruneFailed(Exception exception);
}
