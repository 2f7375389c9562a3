namespace Mandate.Tokens;

/// <summary>An RFC 6749 error: the code, a description a developer can act on, and the HTTP status to answer with.</summary>
/// <param name="Error">The registered error code.</param>
/// <param name="Description">What was wrong.</param>
/// <param name="Status">400, or 401 for <c>invalid_client</c>.</param>
public sealed record OAuthError(string Error, string Description, int Status = 400)
{
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
}
