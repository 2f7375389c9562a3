namespace Mandate.Tokens;

/// <summary>An RFC 6749 error: the code, a description a developer can act on, and the HTTP status to answer with.</summary>
/// <param name="Error">The registered error code.</param>
/// <param name="Description">What was wrong.</param>
/// <param name="Status">400, or 401 for <c>invalid_client</c>.</param>
public sealed record OAuthError(string Error, string Description, int Status = 400)
{
    /// <summary>
    /// Whether the refusal stopped an attempt to obtain more than the caller holds (a wider scope, a delegation or
    /// impersonation that policy refuses): recorded as a security finding, not only as a refused request.
    /// </summary>
    public bool IsEscalation { get; init; }

    /// <summary>For a refused exchange, the chain of the token it presented (current actor first, subject last), for the audit trail.</summary>
    public IReadOnlyList<string> Chain { get; init; } = [];

    /// <summary><c>invalid_request</c>.</summary>
    public static OAuthError InvalidRequest(string description) => new("invalid_request", description);

    /// <summary><c>invalid_client</c> (HTTP 401).</summary>
    public static OAuthError InvalidClient(string description) => new("invalid_client", description, 401);

    /// <summary><c>invalid_grant</c>.</summary>
    public static OAuthError InvalidGrant(string description) => new("invalid_grant", description);

    /// <summary><c>unauthorized_client</c>.</summary>
    public static OAuthError UnauthorizedClient(string description) => new("unauthorized_client", description);

    /// <summary><c>unsupported_grant_type</c>.</summary>
    public static OAuthError UnsupportedGrantType(string description) => new("unsupported_grant_type", description);

    /// <summary><c>invalid_scope</c>.</summary>
    public static OAuthError InvalidScope(string description) => new("invalid_scope", description);

    /// <summary><c>invalid_dpop_proof</c> (RFC 9449).</summary>
    public static OAuthError InvalidDpopProof(string description) => new("invalid_dpop_proof", description);

    /// <summary><c>invalid_target</c> (RFC 8707).</summary>
    public static OAuthError InvalidTarget(string description) => new("invalid_target", description);

    /// <summary><c>invalid_authorization_details</c> (RFC 9396).</summary>
    public static OAuthError InvalidAuthorizationDetails(string description) => new("invalid_authorization_details", description);

    /// <summary><c>unsupported_token_type</c> (RFC 7009).</summary>
    public static OAuthError UnsupportedTokenType(string description) => new("unsupported_token_type", description);

    /// <summary><c>temporarily_unavailable</c>: the store could not record what the answer depends on; nothing was issued.</summary>
    public static OAuthError TemporarilyUnavailable(string description) => new("temporarily_unavailable", description, 503);

    /// <summary>This refusal, marked as a stopped escalation from a token with <paramref name="chain"/>.</summary>
    public OAuthError AsEscalation(IReadOnlyList<string> chain) => this with { IsEscalation = true, Chain = chain };
}
