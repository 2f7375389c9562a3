using Mandate.Tokens.Jose;
using Mandate.Tokens.Validation;

namespace Mandate.Client.Tokens;

/// <summary>
/// Validates Mandate access tokens where they are used (a service or a proxy): ES256 signature by a key from the
/// issuer's JWKS (found through its RFC 8414 metadata), <c>typ at+jwt</c>, issuer, audience and lifetime, by the same
/// rules as the server. A token that verified once is remembered by its exact text until it expires; a repeat
/// presentation re-checks expiry, audience and that its key is still published, but not the signature.
/// </summary>
public sealed class MandateTokenValidator : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _server;
    private readonly string _audience;
    private readonly TimeProvider _time;
    private readonly TimeSpan _clockSkew;
    private readonly PublishedKeys _keys;
    private readonly VerifiedTokens _verified;
    private IssuerMetadata? _metadata;

    /// <summary>Creates a validator for tokens issued by the server at <paramref name="server"/> for <paramref name="audience"/>.</summary>
    public MandateTokenValidator(HttpClient http, Uri server, string audience, TimeProvider? time = null, TimeSpan? clockSkew = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrEmpty(audience);
        _http = http;
        _server = server;
        _audience = audience;
        _time = time ?? TimeProvider.System;
        _clockSkew = clockSkew ?? TimeSpan.FromSeconds(30);
        _keys = new PublishedKeys(http, _time);
        _verified = new VerifiedTokens(_time, _clockSkew);
    }

    /// <summary>Validates a bearer token. Never throws for a bad token; throws only when the issuer cannot be reached.</summary>
    /// <exception cref="MandateClientException">The issuer's metadata or keys cannot be fetched.</exception>
    public async ValueTask<AccessTokenValidation> ValidateAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!_keys.IsStale && _verified.TryRecheck(token, kid => _keys.Find(kid) is not null, _audience, out var rechecked))
        {
            return rechecked;
        }

        var metadata = _metadata ??= await IssuerMetadata.FetchAsync(_http, _server, cancellationToken);
        CompactJws jws;
        try
        {
            jws = CompactJws.Parse(token, JwsAlgorithms.Issuer);
        }
        catch (JoseException ex)
        {
            return new AccessTokenValidation(null, ex.Message);
        }

        using (jws)
        {
            if (jws.KeyId is { } kid && (_keys.Find(kid) is null || _keys.IsStale))
            {
                await _keys.RefreshAsync(new Uri(metadata.JwksUri), kid, cancellationToken);
            }

            try
            {
                var result = AccessTokenRules.Check(jws, _keys.Find, metadata.Issuer, _audience, _time.GetUtcNow(), _clockSkew);
                if (result.Token is { } valid)
                {
                    _verified.Remember(token, valid, jws.KeyId!);
                }

                return result;
            }
            catch (JoseException ex)
            {
                return new AccessTokenValidation(null, ex.Message);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _keys.Dispose();
}
