namespace Mandate.Tokens.Validation;

/// <summary>
/// Reads an access token out of an <c>Authorization</c> header value, as every resource that takes Mandate tokens
/// must: <c>Bearer &lt;token&gt;</c> (RFC 6750) or <c>DPoP &lt;token&gt;</c> (RFC 9449), scheme names matched
/// ignoring case (RFC 9110 section 11.1), the token with surrounding whitespace left out.
/// </summary>
public static class AuthorizationHeader
{
    private const string BearerPrefix = "Bearer ";
    private const string DpopPrefix = Dpop.DpopHttp.Scheme + " ";

    /// <summary>
    /// Whether <paramref name="header"/> carries a token under either scheme; <paramref name="dpop"/> tells which, and
    /// the token is <see cref="Token"/> of <paramref name="tokenStart"/> (kept apart so a caller can reuse one it
    /// already cut from the same header).
    /// </summary>
    public static bool TryParse(string header, out bool dpop, out int tokenStart)
    {
        ArgumentNullException.ThrowIfNull(header);
        dpop = header.StartsWith(DpopPrefix, StringComparison.OrdinalIgnoreCase);
        var bearer = !dpop && header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase);
        tokenStart = dpop ? DpopPrefix.Length : bearer ? BearerPrefix.Length : 0;
        return (dpop || bearer) && !header.AsSpan(tokenStart).Trim().IsEmpty;
    }

    /// <summary>The token of a header <see cref="TryParse"/> accepted.</summary>
    public static string Token(string header, int tokenStart)
    {
        ArgumentNullException.ThrowIfNull(header);
        return header[tokenStart..].Trim();
    }
}
