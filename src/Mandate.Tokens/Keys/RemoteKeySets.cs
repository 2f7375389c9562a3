using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Mandate.Tokens.Jose;

namespace Mandate.Tokens.Keys;

/// <summary>
/// JWK Sets fetched by URI (a client's <c>jwks_uri</c>, a federated issuer's JWKS): https, or http on loopback
/// only; no redirects; a time limit and a size limit per fetch; cached for the server's <c>max-age</c> within
/// bounds, refreshed early (at most every <see cref="RemoteKeySetOptions.MinRefresh"/>) when a token names an
/// unknown <c>kid</c>, and served stale for a while when the publisher is down.
/// </summary>
public sealed class RemoteKeySets(HttpClient http, TimeProvider time, RemoteKeySetOptions options)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>
    /// The HTTP client to fetch with: no redirects (a publisher cannot bounce the fetch elsewhere), no cookies, a
    /// short connect timeout. The caller owns it.
    /// </summary>
    public static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(5) });

    /// <summary>Why <paramref name="uri"/> cannot be a JWKS URI, or null when it can.</summary>
    public static string? CheckUri(string? uri)
    {
        if (uri is null || uri.Length > 2048 || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            return "must be an absolute URL";
        }

        if (parsed.Scheme != Uri.UriSchemeHttps && !(parsed.Scheme == Uri.UriSchemeHttp && parsed.IsLoopback))
        {
            return "must be https (http only on a loopback address)";
        }

        return parsed.UserInfo.Length > 0 || parsed.Fragment.Length > 0 ? "must have no user info and no fragment" : null;
    }

    /// <summary>
    /// The keys published at <paramref name="uri"/>; when <paramref name="kid"/> is not among cached keys, refetches
    /// first (rate limited). Errors say what failed, for the refusal message.
    /// </summary>
    public async ValueTask<RemoteKeys> GetAsync(string uri, string? kid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var now = time.GetUtcNow();
        var entry = _entries.GetOrAdd(uri, static _ => new Entry());
        var cached = entry.Current;
        var wantsRefresh = cached is null || now >= cached.FreshUntil
            || (kid is not null && !Contains(cached.Keys, kid) && now - cached.FetchedAt >= options.MinRefresh);
        if (!wantsRefresh)
        {
            return new RemoteKeys(cached!.Keys, null);
        }

        // The fetch is shared by every caller that wants this URI now, so it runs under its own time limit, not under the
        // request that happened to start it: a caller that leaves stops waiting, and the others still get keys or an error.
        var fetched = await entry.RefreshAsync(() => FetchAsync(uri)).WaitAsync(cancellationToken);
        if (fetched.Keys is not null)
        {
            return fetched;
        }

        // The publisher failed: keep using what it published last, for a while.
        return cached is not null && now - cached.FetchedAt < options.MaxStale ? new RemoteKeys(cached.Keys, null) : fetched;
    }

    private async Task<RemoteKeys> FetchAsync(string uri)
    {
        if (CheckUri(uri) is { } problem)
        {
            return new RemoteKeys(null, $"the JWKS URI {problem}");
        }

        using var timeout = new CancellationTokenSource(options.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/jwk-set+json"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return new RemoteKeys(null, $"fetching the JWKS from `{uri}` answered HTTP {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentLength > options.MaxBytes)
            {
                return new RemoteKeys(null, $"the JWKS at `{uri}` is larger than {options.MaxBytes} bytes");
            }

            var body = await ReadLimitedAsync(response.Content, timeout.Token);
            if (body is null)
            {
                return new RemoteKeys(null, $"the JWKS at `{uri}` is larger than {options.MaxBytes} bytes");
            }

            var keys = PublicJwk.ParseSet(body);
            var entry = _entries.GetOrAdd(uri, static _ => new Entry());
            var now = time.GetUtcNow();
            entry.Current = new Fetched(keys, now, now + Lifetime(response.Headers.CacheControl));
            return new RemoteKeys(keys, null);
        }
        catch (JoseException ex)
        {
            return new RemoteKeys(null, $"the JWKS at `{uri}` is not usable: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
            return new RemoteKeys(null, $"fetching the JWKS from `{uri}` took longer than {options.Timeout.TotalSeconds} seconds");
        }
        catch (HttpRequestException ex)
        {
            return new RemoteKeys(null, $"fetching the JWKS from `{uri}` failed: {ex.Message}");
        }
    }

    private async Task<byte[]?> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[options.MaxBytes + 1];
        var total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
            if (total > options.MaxBytes)
            {
                return null;
            }
        }

        return buffer[..total];
    }

    private TimeSpan Lifetime(CacheControlHeaderValue? cacheControl)
    {
        var maxAge = cacheControl?.MaxAge ?? options.DefaultLifetime;
        return maxAge < options.MinLifetime ? options.MinLifetime : maxAge > options.MaxLifetime ? options.MaxLifetime : maxAge;
    }

    private static bool Contains(IReadOnlyList<PublicJwk> keys, string kid)
    {
        foreach (var key in keys)
        {
            if (key.Kid == kid)
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Fetched(IReadOnlyList<PublicJwk> Keys, DateTimeOffset FetchedAt, DateTimeOffset FreshUntil);

    /// <summary>One URI's cache slot; concurrent refreshes share one fetch.</summary>
    private sealed class Entry
    {
        private readonly Lock _lock = new();
        private Task<RemoteKeys>? _inFlight;

        public volatile Fetched? Current;

        public Task<RemoteKeys> RefreshAsync(Func<Task<RemoteKeys>> fetch)
        {
            lock (_lock)
            {
                if (_inFlight is { IsCompleted: false } running)
                {
                    return running;
                }

                _inFlight = fetch();
                return _inFlight;
            }
        }
    }
}

/// <summary>Fetched keys, or why there are none.</summary>
public readonly record struct RemoteKeys(IReadOnlyList<PublicJwk>? Keys, string? Error);

/// <summary>Limits and cache lifetimes for <see cref="RemoteKeySets"/>.</summary>
public sealed record RemoteKeySetOptions
{
    /// <summary>Longest a fetch may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest JWKS document accepted.</summary>
    public int MaxBytes { get; init; } = 64 * 1024;

    /// <summary>Cache lifetime when the publisher sends no <c>max-age</c>.</summary>
    public TimeSpan DefaultLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Shortest cache lifetime, whatever the publisher says.</summary>
    public TimeSpan MinLifetime { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest cache lifetime, whatever the publisher says.</summary>
    public TimeSpan MaxLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Least time between two fetches caused by unknown key ids.</summary>
    public TimeSpan MinRefresh { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the last good keys keep serving while the publisher fails.</summary>
    public TimeSpan MaxStale { get; init; } = TimeSpan.FromHours(24);
}
