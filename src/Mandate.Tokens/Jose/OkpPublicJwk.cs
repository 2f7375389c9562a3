using System.Buffers.Text;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Mandate.Tokens.Jose;

/// <summary>A public Ed25519 key (RFC 8037, <c>kty</c> <c>OKP</c>, EdDSA).</summary>
public sealed class OkpPublicJwk : PublicJwk
{
    private OkpPublicJwk(byte[] x, string? kid)
        : base(kid, $$"""{"crv":"Ed25519","kty":"OKP","x":"{{Base64Url.EncodeToString(x)}}"}""")
    {
        if (!Ed25519.ValidatePublicKeyFull(x, 0))
        {
            throw new JoseException("the JWK is not a valid Ed25519 public key");
        }

        X = x;
    }

    /// <summary>The public key (32 bytes).</summary>
    public byte[] X { get; }

    /// <inheritdoc />
    public override string Description => "OKP Ed25519";

    /// <summary>The JWK of an Ed25519 public key.</summary>
    public static OkpPublicJwk FromPublicKey(byte[] publicKey, string? kid = null) => new(publicKey, kid);

    /// <inheritdoc />
    public override string ToJson() =>
        $$"""{"kty":"OKP","crv":"Ed25519","x":"{{Base64Url.EncodeToString(X)}}"{{Suffix(JwsAlgorithms.EdDSA)}}""";

    internal static OkpPublicJwk Read(System.Text.Json.JsonElement jwk, string? kid)
    {
        var crv = Member(jwk, "crv");
        return crv != "Ed25519"
            ? throw new JoseException($"unsupported curve `{crv}`: use Ed25519 (EdDSA)")
            : new OkpPublicJwk(Bytes(jwk, "x", 32), kid);
    }

    private protected override bool SupportsCore(string algorithm) => algorithm == JwsAlgorithms.EdDSA;

    private protected override bool VerifyCore(string algorithm, ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature) =>
        signature.Length == Ed25519.SignatureSize && Ed25519.Verify(signature.ToArray(), 0, X, 0, input.ToArray(), 0, input.Length);
}
