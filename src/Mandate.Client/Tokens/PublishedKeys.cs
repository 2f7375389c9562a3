using System.Collections.Frozen;
using System.Text.Json;
using Mandate.Tokens.Jose;

namespace Mandate.Client.Tokens;

/// <summary>
/// The issuer's signing keys from its JWKS, cached. A token signed with a key not in the cache makes the set refresh,
/// at most once per <see cref="MinRefreshInterval"/> (so a flood of forged key ids costs one fetch), and the set is
/// also refreshed every <see cref="MaxAge"/> so retired keys stop verifying.
/// </summary>
internal sealed class PublishedKeys(HttpClient http, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile KeySet _keys = new(FrozenDictionary<string, PublicJwk>.Empty, DateTimeOffset.MinValue);

    // The last fetch that failed, and when: callers that queued behind it get its error at once rather than each
    // waiting out a fetch of their own while the issuer does not answer.
    private (DateTimeOffset At, MandateClientException Error)? _failed;

    /// <summary>The key with id <paramref name="kid"/> if the cached set has it (no fetch).</summary>
    public PublicJwk? Find(string kid) => _keys.Keys.GetValueOrDefault(kid);

    /// <summary>Whether the cached set is older than <see cref="MaxAge"/>.</summary>
    public bool IsStale => time.GetUtcNow() - _keys.FetchedAt > MaxAge;

    /// <summary>Makes sure <paramref name="kid"/> is known if the issuer publishes it, fetching the set when allowed.</summary>
    public async Task RefreshAsync(Uri jwksUri, string? kid, CancellationToken cancellationToken)
    {
        if (kid is not null && _keys.Keys.ContainsKey(kid) && !IsStale)
        {
            return;
        }

        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            var current = _keys;
            var now = time.GetUtcNow();
            if ((kid is not null && current.Keys.ContainsKey(kid) && !IsStale) || now - current.FetchedAt < MinRefreshInterval)
            {
                return;
            }

            if (_failed is { } failed && now - failed.At < MinRefreshInterval)
            {
                throw failed.Error;
            }

            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(IssuerMetadata.FetchTimeout);
                var json = await http.GetByteArrayAsync(jwksUri, deadline.Token);
                _keys = new KeySet(Parse(json), time.GetUtcNow());
                _failed = null;
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                var error = new MandateClientException(ex is OperationCanceledException
                    ? $"the signing keys at `{jwksUri}` did not arrive within {IssuerMetadata.FetchTimeout.TotalSeconds:0} s"
                    : $"cannot read the signing keys at `{jwksUri}`: {ex.Message}", ex);
                _failed = (time.GetUtcNow(), error);
                throw error;
            }
        }
        finally
        {
            _refreshing.Release();
        }
    }

    public void Dispose() => _refreshing.Dispose();

    private static FrozenDictionary<string, PublicJwk> Parse(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var keys = new Dictionary<string, PublicJwk>(StringComparer.Ordinal);
        if (document.RootElement.TryGetProperty("keys", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var element in array.EnumerateArray())
            {
                try
                {
                    // Mandate signs with P-256 or Ed25519 keys; a key the parser refuses is not ours to use.
                    var jwk = PublicJwk.Parse(element);
                    keys.TryAdd(jwk.Kid, jwk);
                }
                catch (JoseException)
                {
                }
            }
        }

        return keys.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record KeySet(FrozenDictionary<string, PublicJwk> Keys, DateTimeOffset FetchedAt);
}
