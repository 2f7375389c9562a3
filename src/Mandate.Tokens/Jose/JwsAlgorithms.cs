namespace Mandate.Tokens.Jose;

/// <summary>
/// The JWS algorithms Mandate knows (RFC 7518, RFC 8037): asymmetric only, since a shared-key MAC cannot prove who
/// signed. Each use names the subset it accepts.
/// </summary>
public static class JwsAlgorithms
{
    /// <summary>ECDSA on P-256 with SHA-256.</summary>
    public const string ES256 = "ES256";

    /// <summary>Ed25519 (RFC 8037).</summary>
    public const string EdDSA = "EdDSA";

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256.</summary>
    public const string RS256 = "RS256";

    /// <summary>RSASSA-PSS with SHA-256.</summary>
    public const string PS256 = "PS256";

    /// <summary>What Mandate itself signs with (ES256 by default, EdDSA by configuration).</summary>
    public static IReadOnlyList<string> Issuer { get; } = [ES256, EdDSA];

    /// <summary>What clients may sign assertions and DPoP proofs with, and what federated issuers may sign with.</summary>
    public static IReadOnlyList<string> External { get; } = [ES256, EdDSA, PS256, RS256];
}
