using System.Security.Cryptography;
using Mandate.Tokens.Jose;

namespace Mandate.Tokens.Keys;

/// <summary>An ES256 signing key with its id and creation time.</summary>
public sealed class SigningKey : IDisposable
{
    /// <summary>Wraps a P-256 private key.</summary>
    public SigningKey(ECDsa key, DateTimeOffset createdAt)
    {
        Key = key;
        CreatedAt = createdAt;
        PublicJwk = EcPublicJwk.FromKey(key);
    }

    /// <summary>The private key.</summary>
    public ECDsa Key { get; }

    /// <summary>When the key was created (rotation is by age).</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>The published public half; its id is the RFC 7638 thumbprint.</summary>
    public EcPublicJwk PublicJwk { get; }

    /// <summary>The key id.</summary>
    public string KeyId => PublicJwk.Kid;

    /// <summary>Creates a fresh key.</summary>
    public static SigningKey Generate(DateTimeOffset now) => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), now);

    /// <inheritdoc />
    public void Dispose() => Key.Dispose();
}
