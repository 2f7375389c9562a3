using Mandate.Tokens.Clients;
using Mandate.Tokens.Federation;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;

namespace Mandate.Tokens.Issuance;

/// <summary>
/// The RFC 7523 jwt-bearer grant for federated workload identity: a token from a trusted external issuer (a
/// Kubernetes service account token, a CI job's OIDC token) is verified strictly — algorithm allow-list, the
/// issuer's own keys, exact <c>iss</c>, the trust's subject condition and audience, <c>exp</c>/<c>nbf</c>/<c>iat</c>
/// windows, single-use <c>jti</c> unless the trust allows reuse — and answered with an access token for the identity
/// the trust belongs to. Every refusal is <c>invalid_grant</c>.
/// </summary>
public sealed class JwtBearerGrant(IClientDirectory clients, RemoteKeySets remoteKeys, IReplayCache replay, TokenServiceOptions options, TimeProvider time)
{
    /// <summary>The grant type.</summary>
    public const string GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    /// <summary>How the subject authenticated, as recorded in events and the inventory.</summary>
    public const string Method = "jwt_bearer";

    private static readonly string?[] AcceptedTypes = [null, "JWT", "application/jwt"];

    /// <summary>Verifies <paramref name="assertion"/> and finds the identity it maps to.</summary>
    /// <param name="assertion">The external token (<c>assertion</c> parameter).</param>
    /// <param name="clientId">The <c>client_id</c> sent with it, which must then be the mapped identity.</param>
    /// <param name="cancellationToken">Cancels key fetching.</param>
    public async ValueTask<ClientAuthentication> AuthenticateAsync(string? assertion, string? clientId, CancellationToken cancellationToken)
    {
        if (assertion is null)
        {
            return OAuthError.InvalidRequest("`assertion` is required with the jwt-bearer grant");
        }

        return await CompactJws.ParseAndCheckAsync(assertion, JwsAlgorithms.External, jws => ValidateAsync(jws, clientId, cancellationToken),
            message => (ClientAuthentication)OAuthError.InvalidGrant("assertion: " + message));
    }

    private async ValueTask<ClientAuthentication> ValidateAsync(CompactJws jws, string? clientId, CancellationToken cancellationToken)
    {
        if (!AcceptedTypes.Contains(jws.Type, StringComparer.OrdinalIgnoreCase))
        {
            return OAuthError.InvalidGrant($"assertion: a `{jws.Type}` token is not an identity assertion");
        }

        var claims = jws.Claims;
        var issuer = ClaimSet.String(claims, "iss");
        var subject = ClaimSet.String(claims, "sub");
        if (string.IsNullOrEmpty(issuer) || string.IsNullOrEmpty(subject))
        {
            return OAuthError.InvalidGrant("assertion: `iss` and `sub` are required");
        }

        var trust = FindTrust(await clients.FindTrustsAsync(issuer, cancellationToken), subject, clientId, out var refusal);
        if (trust is null)
        {
            return OAuthError.InvalidGrant(refusal!);
        }

        var keys = trust.Keys;
        if (trust.JwksUri is { } uri)
        {
            var fetched = await remoteKeys.GetAsync(uri, jws.KeyId, cancellationToken);
            if (fetched.Keys is null)
            {
                return OAuthError.InvalidGrant($"assertion: the keys of `{Truncate(issuer)}` are not available: {fetched.Error}");
            }

            keys = fetched.Keys;
        }

        if (!VerifiesWithAny(jws, keys))
        {
            return OAuthError.InvalidGrant(jws.KeyId is { } kid && !HasKid(keys, kid)
                ? $"assertion: issuer `{Truncate(issuer)}` publishes no key `{kid}`"
                : $"assertion: the signature does not verify with the keys of `{Truncate(issuer)}`");
        }

        if (trust.Audience is { } audience ? !ClaimSet.AudienceContains(claims, audience) : !ClaimSet.AudienceContains(claims, options.Issuer, options.TokenEndpoint))
        {
            return OAuthError.InvalidGrant($"assertion: `aud` must contain `{trust.Audience ?? options.Issuer}`");
        }

        var lifetime = TokenLifetime.Check(claims, time.GetUtcNow(), options.ClockSkew, options.MaxFederatedAssertionLifetime);
        if (lifetime.Error is not null)
        {
            return OAuthError.InvalidGrant("assertion: " + lifetime.Error);
        }

        if (!trust.Client.IsActive)
        {
            return OAuthError.InvalidGrant($"identity `{trust.Client.ClientId}` is not active (suspended, deactivated or expired)");
        }

        var jti = ClaimSet.String(claims, "jti");
        if (!trust.AllowReuse)
        {
            if (string.IsNullOrEmpty(jti) || jti.Length > 256)
            {
                return OAuthError.InvalidGrant("assertion: a `jti` of 1 to 256 characters is required (the trust does not allow reuse)");
            }

            if (!replay.TryUse(string.Concat("federated\n", issuer, "\n", jti), lifetime.ExpiresAt + options.ClockSkew))
            {
                return OAuthError.InvalidGrant("assertion: this `jti` was already used");
            }
        }

        return new ClientAuthentication(trust.Client, trust.CredentialId, Method);
    }

    private static FederatedTrust? FindTrust(IReadOnlyList<FederatedTrust> trusts, string subject, string? clientId, out string? refusal)
    {
        refusal = null;
        if (trusts.Count == 0)
        {
            refusal = "assertion: its issuer is not trusted";
            return null;
        }

        FederatedTrust? found = null;
        foreach (var trust in trusts)
        {
            if (!trust.MatchesSubject(subject) || (clientId is not null && trust.Client.ClientId != clientId))
            {
                continue;
            }

            if (found is not null && found.Client.ClientId != trust.Client.ClientId)
            {
                refusal = "assertion: its subject maps to more than one identity; send `client_id` to choose";
                return null;
            }

            found ??= trust;
        }

        if (found is null)
        {
            refusal = clientId is null
                ? $"assertion: no trust of its issuer accepts subject `{Truncate(subject)}`"
                : $"assertion: no trust of `{Truncate(clientId)}` accepts subject `{Truncate(subject)}` from its issuer";
        }

        return found;
    }

    private static bool VerifiesWithAny(CompactJws jws, IReadOnlyList<PublicJwk> keys)
    {
        foreach (var key in keys)
        {
            if ((jws.KeyId is null || key.Kid == jws.KeyId) && jws.Verify(key))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasKid(IReadOnlyList<PublicJwk> keys, string kid)
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

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..61] + "...";
}
