using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Issuance;
using Mandate.Tokens.Jose;

namespace Mandate.Client.Tokens;

/// <summary>
/// Gets access tokens for one client with the <c>client_credentials</c> grant, and delegated ones by token exchange,
/// authenticating with a signed assertion (RFC 7523 <c>private_key_jwt</c>, ES256). The token endpoint is discovered
/// from the server's RFC 8414 metadata; tokens are reused until shortly before they expire, per requested resource and
/// scope.
/// </summary>
public sealed class MandateTokenClient
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AssertionLifetime = TimeSpan.FromSeconds(60);

    private readonly HttpClient _http;
    private readonly Uri _server;
    private readonly string _clientId;
    private readonly ECDsa _key;
    private readonly string _keyId;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string? Resource, string? Scope), CachedToken> _tokens = new();
    private IssuerMetadata? _metadata;

    /// <summary>Creates a token client.</summary>
    /// <param name="http">The HTTP client to use (not disposed here).</param>
    /// <param name="server">The Mandate server's address.</param>
    /// <param name="clientId">The client id: the identity id the key is registered to.</param>
    /// <param name="key">The P-256 private key whose public half is registered as the identity's credential.</param>
    /// <param name="keyId">The registered key's <c>kid</c>; by default its RFC 7638 thumbprint, as Mandate assigns.</param>
    /// <param name="time">The clock (tests).</param>
    public MandateTokenClient(HttpClient http, Uri server, string clientId, ECDsa key, string? keyId = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentNullException.ThrowIfNull(key);
        _http = http;
        _server = server;
        _clientId = clientId;
        _key = key;
        _keyId = keyId ?? EcPublicJwk.FromKey(key).Kid;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>An access token for <paramref name="resource"/> (an RFC 8707 resource indicator; the server itself when null).</summary>
    /// <exception cref="MandateClientException">The server refused the client or could not be reached.</exception>
    public async Task<string> GetTokenAsync(string? resource = null, string? scope = null, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        if (_tokens.TryGetValue((resource, scope), out var cached) && cached.RenewAt > now)
        {
            return cached.Token;
        }

        var (token, lifetime) = await RequestAsync([new("grant_type", "client_credentials")], resource, scope, cancellationToken);
        _tokens[(resource, scope)] = new CachedToken(token, now + (lifetime > RenewBefore * 2 ? lifetime - RenewBefore : lifetime / 2));
        return token;
    }

    /// <summary>
    /// A token for acting on behalf of the holder of <paramref name="subjectToken"/> (RFC 8693 token exchange): this
    /// client becomes the current actor of the token's delegation chain, presenting a token of its own as the actor
    /// token. The server grants no more than the subject token holds, narrowed by <paramref name="scope"/>, and only when
    /// its policies let the holder delegate to this client. Each call exchanges anew; nothing is cached.
    /// </summary>
    /// <exception cref="MandateClientException">The server refused the exchange or could not be reached.</exception>
    public async Task<string> DelegateAsync(string subjectToken, string? resource = null, string? scope = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectToken);
        var actorToken = await GetTokenAsync(cancellationToken: cancellationToken);
        var (token, _) = await RequestAsync(
        [
            new("grant_type", TokenExchangeGrant.GrantType),
            new("subject_token", subjectToken),
            new("subject_token_type", IssuedToken.AccessTokenTypeUri),
            new("actor_token", actorToken),
            new("actor_token_type", IssuedToken.AccessTokenTypeUri),
        ], resource, scope, cancellationToken);
        return token;
    }

    // Posts a grant, authenticated with a fresh client assertion, and reads the token and its lifetime from the answer.
    private async Task<(string Token, TimeSpan Lifetime)> RequestAsync(List<KeyValuePair<string, string>> form, string? resource, string? scope, CancellationToken cancellationToken)
    {
        var metadata = _metadata ??= await IssuerMetadata.FetchAsync(_http, _server, cancellationToken);
        form.AddRange(
        [
            new("client_id", _clientId),
            new("client_assertion_type", ClientAssertionValidator.JwtBearerType),
            new("client_assertion", ClientAssertion.Sign(_key, _keyId, _clientId, metadata.TokenEndpoint, _time.GetUtcNow(), AssertionLifetime)),
        ]);
        if (resource is not null)
        {
            form.Add(new("resource", resource));
        }

        if (scope is not null)
        {
            form.Add(new("scope", scope));
        }

        using var content = new FormUrlEncodedContent(form);
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(new Uri(metadata.TokenEndpoint), content, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new MandateClientException($"cannot reach the token endpoint `{metadata.TokenEndpoint}`: {ex.Message}", ex);
        }

        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var answer = Read(body);
            if (!response.IsSuccessStatusCode || answer?.AccessToken is not { Length: > 0 } token)
            {
                throw new MandateClientException(answer?.Error is { } error
                    ? $"the token endpoint refused the request: {error}{(answer.ErrorDescription is { } d ? ": " + d : string.Empty)}"
                    : $"the token endpoint answered {(int)response.StatusCode} without a token");
            }

            return (token, TimeSpan.FromSeconds(Math.Max(answer.ExpiresIn ?? 60, 1)));
        }
    }

    private static TokenResponse? Read(byte[] body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, ClientJsonContext.Default.TokenResponse);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record CachedToken(string Token, DateTimeOffset RenewAt);
}
