namespace Mandate.Tokens.Dpop;

/// <summary>The HTTP names of DPoP (RFC 9449), shared by the token endpoint, the server's resources and the enforcement points.</summary>
public static class DpopHttp
{
    /// <summary>The request header carrying the proof.</summary>
    public const string ProofHeader = "DPoP";

    /// <summary>The response header carrying a server-provided nonce.</summary>
    public const string NonceHeader = "DPoP-Nonce";

    /// <summary>The authorization scheme of a DPoP-bound access token.</summary>
    public const string Scheme = "DPoP";
}
