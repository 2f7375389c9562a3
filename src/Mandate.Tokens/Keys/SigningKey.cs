using System.Security.Cryptography;
using Mandate.Tokens.Jose;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;

namespace Mandate.Tokens.Keys;

/// <summary>One of the issuer's signing keys (ES256 or EdDSA) with its id and creation time.</summary>
public sealed class SigningKey : IDisposable
{
    private readonly ECDsa? _ecdsa;
    private readonly Ed25519PrivateKeyParameters? _ed25519;

    /// <summary>Wraps a P-256 private key (ES256).</summary>
    public SigningKey(ECDsa key, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(key);
        _ecdsa = key;
        Algorithm = JwsAlgorithms.ES256;
        CreatedAt = createdAt;
        PublicJwk = EcPublicJwk.FromKey(key);
    }

    private SigningKey(Ed25519PrivateKeyParameters key, DateTimeOffset createdAt)
    {
        _ed25519 = key;
        Algorithm = JwsAlgorithms.EdDSA;
        CreatedAt = createdAt;
        PublicJwk = OkpPublicJwk.FromPublicKey(key.GeneratePublicKey().GetEncoded());
    }

    /// <summary>The JWS algorithm this key signs with.</summary>
    public string Algorithm { get; }

    /// <summary>When the key was created (rotation is by age).</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>The published public half; its id is the RFC 7638 thumbprint.</summary>
    public PublicJwk PublicJwk { get; }

    /// <summary>The key id.</summary>
    public string KeyId => PublicJwk.Kid;

    /// <summary>Creates a fresh ES256 key.</summary>
    public static SigningKey Generate(DateTimeOffset now) => Generate(JwsAlgorithms.ES256, now);

    /// <summary>Creates a fresh key for <paramref name="algorithm"/> (ES256 or EdDSA).</summary>
    public static SigningKey Generate(string algorithm, DateTimeOffset now) => algorithm switch
    {
        JwsAlgorithms.ES256 => new SigningKey(ECDsa.Create(ECCurve.NamedCurves.nistP256), now),
        JwsAlgorithms.EdDSA => new SigningKey(new Ed25519PrivateKeyParameters(new SecureRandom()), now),
        _ => throw new ArgumentException($"Mandate signs with ES256 or EdDSA, not `{algorithm}`", nameof(algorithm)),
    };

    /// <summary>Signs <paramref name="input"/> (the JWS signing input) and returns the JWS signature bytes.</summary>
    public byte[] Sign(ReadOnlySpan<byte> input)
    {
        if (_ecdsa is not null)
        {
            return _ecdsa.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        var signature = new byte[Ed25519PrivateKeyParameters.SignatureSize];
        _ed25519!.Sign(Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Algorithm.Ed25519, null, input.ToArray(), 0, input.Length, signature, 0);
        return signature;
    }

    /// <inheritdoc />
    public void Dispose() => _ecdsa?.Dispose();

    /// <summary>The private key as PKCS#8 DER, for sealing.</summary>
    internal byte[] ExportPkcs8() => _ecdsa is not null
        ? _ecdsa.ExportPkcs8PrivateKey()
        : PrivateKeyInfoFactory.CreatePrivateKeyInfo(_ed25519).GetEncoded();

    /// <summary>Restores a key sealed by <see cref="ExportPkcs8"/>.</summary>
    internal static SigningKey ImportPkcs8(string? algorithm, byte[] pkcs8, DateTimeOffset createdAt)
    {
        if (algorithm is null or JwsAlgorithms.ES256)
        {
            var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(pkcs8, out _);
            return new SigningKey(key, createdAt);
        }

        return algorithm == JwsAlgorithms.EdDSA && PrivateKeyFactory.CreateKey(PrivateKeyInfo.GetInstance(pkcs8)) is Ed25519PrivateKeyParameters ed
            ? new SigningKey(ed, createdAt)
            : throw new CryptographicException($"a stored signing key has an unknown algorithm `{algorithm}`");
    }
}
