using System.Buffers.Text;
using System.Security.Cryptography;

namespace Mandate.Tokens.Jose;

/// <summary>A public EC P-256 key (ES256).</summary>
public sealed class EcPublicJwk : PublicJwk
{
    // ECDSA verification through OpenSSL creates its context per call, so one key object serves concurrent verifies.
    private readonly ECDsa _verifier;

    private EcPublicJwk(byte[] x, byte[] y, string? kid)
        : base(kid, $$"""{"crv":"P-256","kty":"EC","x":"{{Base64Url.EncodeToString(x)}}","y":"{{Base64Url.EncodeToString(y)}}"}""")
    {
        X = x;
        Y = y;
        try
        {
            _verifier = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
        }
        catch (CryptographicException)
        {
            throw new JoseException("the JWK is not a point on the P-256 curve");
        }
    }

    /// <summary>The x coordinate (32 bytes).</summary>
    public byte[] X { get; }

    /// <summary>The y coordinate (32 bytes).</summary>
    public byte[] Y { get; }

    /// <inheritdoc />
    public override string Description => "EC P-256";

    /// <summary>Builds the JWK of a key's public half.</summary>
    public static EcPublicJwk FromKey(ECDsa key, string? kid = null)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        return new EcPublicJwk(p.Q.X!, p.Q.Y!, kid);
    }

    /// <inheritdoc />
    public override string ToJson() =>
        $$"""{"kty":"EC","crv":"P-256","x":"{{Base64Url.EncodeToString(X)}}","y":"{{Base64Url.EncodeToString(Y)}}"{{Suffix(JwsAlgorithms.ES256)}}""";

    internal static EcPublicJwk Read(System.Text.Json.JsonElement jwk, string? kid)
    {
        var crv = Member(jwk, "crv");
        return crv != "P-256"
            ? throw new JoseException($"unsupported curve `{crv}`: use P-256 (ES256)")
            : new EcPublicJwk(Bytes(jwk, "x", 32), Bytes(jwk, "y", 32), kid);
    }

    private protected override bool SupportsCore(string algorithm) => algorithm == JwsAlgorithms.ES256;

    private protected override bool VerifyCore(string algorithm, ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature) =>
        signature.Length == 64 && _verifier.VerifyData(input, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}
