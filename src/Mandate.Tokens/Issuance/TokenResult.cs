namespace Mandate.Tokens.Issuance;

/// <summary>The token endpoint's answer: a token, or an RFC 6749 error.</summary>
public readonly record struct TokenResult(IssuedToken? Token, int ExpiresIn, OAuthError? Error)
{
    /// <summary>Refusal.</summary>
    public static implicit operator TokenResult(OAuthError error) => new(null, 0, error);
}
