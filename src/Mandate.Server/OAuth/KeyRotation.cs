using Mandate.Tokens.Keys;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.OAuth;

/// <summary>Checks hourly whether the signing key is due for rotation, so a long-running server rotates too.</summary>
internal sealed partial class KeyRotation(SigningKeyRing keys, ILogger<KeyRotation> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (await keys.RotateIfDueAsync(stoppingToken))
                {
                    LogRotated(keys.Current.KeyId);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRotationFailed(ex);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "rotated the signing key; new key id {KeyId}")]
    private partial void LogRotated(string keyId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "rotating the signing key failed; the current key keeps signing and rotation is retried")]
    private partial void LogRotationFailed(Exception exception);
}
