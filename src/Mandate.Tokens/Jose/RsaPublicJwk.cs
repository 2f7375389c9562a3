using System.Buffers.Text;
using System.Security.Cryptography;

namespace Mandate.Tokens.Jose;

/// <summary>A public RSA key of 2048 bits or more (RS256, PS256): what most external OIDC issuers sign with.</summary>
public sealed class RsaPublicJwk : PublicJwk
{
    /// <summary>Smallest modulus accepted, in bits.</summary>
    public const int MinimumBits = 2048;

    private const int MaximumBits = 8192;
    private readonly RSA _verifier;

    private RsaPublicJwk(byte[] n, byte[] e, string? kid)
        : base(kid, $$"""{"e":"{{Base64Url.EncodeToString(e)}}","kty":"RSA","n":"{{Base64Url.EncodeToString(n)}}"}""")
    {
        N = n;
        E = e;
        _verifier = RSA.Create(new RSAParameters { Modulus = n, Exponent = e });
    }

    /// <summary>The modulus.</summary>
    public byte[] N { get; }

    /// <summary>The public exponent.</summary>
    public byte[] E { get; }

    /// <inheritdoc />
    public override string Description => $"RSA {N.Length * 8}-bit";

    /// <inheritdoc />
    public override string ToJson() =>
        $$"""{"kty":"RSA","n":"{{Base64Url.EncodeToString(N)}}","e":"{{Base64Url.EncodeToString(E)}}"{{Suffix(Algorithm)}}""";

    internal static RsaPublicJwk Read(System.Text.Json.JsonElement jwk, string? kid)
    {
        var n = Bytes(jwk, "n");
        var e = Bytes(jwk, "e");
        if (n.Length == 0 || n[0] == 0)
        {
            throw new JoseException("`n` must be the unsigned big-endian modulus without leading zeros");
        }

        var bits = n.Length * 8;
        if (bits < MinimumBits || bits > MaximumBits)
        {
            throw new JoseException($"RSA keys must have {MinimumBits} to {MaximumBits} bits, not {bits}");
        }

        if (e.Length is 0 or > 4 || (e[^1] & 1) == 0)
        {
            throw new JoseException("`e` is not a usable RSA public exponent");
        }

        return new RsaPublicJwk(n, e, kid);
    }

    private protected override bool SupportsCore(string algorithm) => algorithm is JwsAlgorithms.RS256 or JwsAlgorithms.PS256;

    private protected override bool VerifyCore(string algorithm, ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature) =>
        signature.Length == N.Length
        && _verifier.VerifyData(input, signature, HashAlgorithmName.SHA256, algorithm == JwsAlgorithms.PS256 ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
}
