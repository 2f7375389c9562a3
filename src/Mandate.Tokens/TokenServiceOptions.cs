namespace Mandate.Tokens;

/// <summary>Issuer identity and lifetimes of the token service.</summary>
public sealed record TokenServiceOptions
{
    /// <summary>The issuer identifier (<c>iss</c>), an https URL (http only on loopback).</summary>
    public required string Issuer { get; init; }

    /// <summary>The token endpoint URL; also accepted as a client assertion audience.</summary>
    public string TokenEndpoint => Issuer.TrimEnd('/') + "/oauth2/token";

    /// <summary>The JWKS URL.</summary>
    public string JwksUri => Issuer.TrimEnd('/') + "/oauth2/jwks";

    /// <summary>The RFC 7662 introspection endpoint URL.</summary>
    public string IntrospectionEndpoint => Issuer.TrimEnd('/') + "/oauth2/introspect";

    /// <summary>The RFC 7591 dynamic client registration endpoint URL.</summary>
    public string RegistrationEndpoint => Issuer.TrimEnd('/') + "/oauth2/register";

    /// <summary>Audience of tokens requested without a <c>resource</c>: Mandate's own APIs.</summary>
    public string DefaultAudience => Issuer;

    /// <summary>Lifetime of access tokens.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest a client assertion may live (from <c>iat</c>, or now, to <c>exp</c>).</summary>
    public TimeSpan MaxAssertionLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Tolerated clock difference with clients and resource servers.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Most <c>act</c> hops a delegated token may carry (RFC 8693 token exchange).</summary>
    public int MaxDelegationDepth { get; init; } = 5;

    /// <summary>
    /// The trust domain transaction tokens are valid in: their <c>aud</c>, and the only <c>audience</c> a
    /// transaction token request may name. Defaults to the issuer.
    /// </summary>
    public string TrustDomain
    {
        get => _trustDomain ?? Issuer;
        init => _trustDomain = value;
    }

    /// <summary>Lifetime of transaction tokens (never beyond the access token they come from).</summary>
    public TimeSpan TransactionTokenLifetime { get; init; } = TimeSpan.FromMinutes(1);

    private readonly string? _trustDomain;
    /// <summary>Longest a federated token (jwt-bearer grant) may live from <c>iat</c> to <c>exp</c>.</summary>
    public TimeSpan MaxFederatedAssertionLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How old a DPoP proof's <c>iat</c> may be.</summary>
    public TimeSpan DpopProofLifetime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether DPoP proofs at the token endpoint must carry a fresh server nonce (RFC 9449 section 8).</summary>
    public bool DpopNonceRequired { get; init; } = true;
}
