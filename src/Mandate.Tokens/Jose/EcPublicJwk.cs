using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mandate.Tokens.Jose;

/// <summary>A public EC P-256 JSON Web Key (RFC 7517/7518), the only key type Mandate verifies signatures with.</summary>
public sealed record EcPublicJwk
{
    private EcPublicJwk(byte[] x, byte[] y, string kid)
    {
        X = x;
        Y = y;
        Kid = kid;
        Thumbprint = ComputeThumbprint(x, y);
    }

    /// <summary>The x coordinate (32 bytes).</summary>
    public byte[] X { get; }

    /// <summary>The y coordinate (32 bytes).</summary>
    public byte[] Y { get; }

    /// <summary>Key id; the RFC 7638 thumbprint when the JWK has none.</summary>
    public string Kid { get; }

    /// <summary>RFC 7638 SHA-256 thumbprint, base64url.</summary>
    public string Thumbprint { get; }

    /// <summary>Builds the JWK of a key's public half.</summary>
    public static EcPublicJwk FromKey(ECDsa key, string? kid = null)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        var x = p.Q.X!;
        var y = p.Q.Y!;
        return new EcPublicJwk(x, y, kid ?? ComputeThumbprint(x, y));
    }

    /// <summary>Parses and checks a public JWK; refuses private members, other key types and points off the curve.</summary>
    /// <exception cref="JoseException">The JWK is not an acceptable public P-256 key.</exception>
    public static EcPublicJwk Parse(JsonElement jwk)
    {
        if (jwk.ValueKind != JsonValueKind.Object)
        {
            throw new JoseException("the JWK must be a JSON object");
        }

        if (jwk.TryGetProperty("d", out _))
        {
            throw new JoseException("the JWK contains a private key (`d`); register only the public key");
        }

        var kty = Member(jwk, "kty");
        var crv = Member(jwk, "crv");
        if (kty != "EC" || crv != "P-256")
        {
            throw new JoseException($"unsupported key `{kty}`/`{crv}`: use an EC P-256 key (ES256)");
        }

        if (Member(jwk, "use") is { } use && use != "sig")
        {
            throw new JoseException($"the JWK is for `{use}`, not signatures");
        }

        var x = Coordinate(jwk, "x");
        var y = Coordinate(jwk, "y");
        try
        {
            using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
        }
        catch (CryptographicException)
        {
            throw new JoseException("the JWK is not a point on the P-256 curve");
        }

        var kid = Member(jwk, "kid") ?? ComputeThumbprint(x, y);
        if (!KeyIds.IsSafe(kid))
        {
            throw new JoseException("`kid` must be 1 to 128 printable characters without slashes, backslashes or dots only");
        }

        return new EcPublicJwk(x, y, kid);
    }

    /// <summary>Parses JWK JSON text.</summary>
    public static EcPublicJwk Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement);
        }
        catch (JsonException)
        {
            throw new JoseException("the JWK is not valid JSON");
        }
    }

    /// <summary>An ECDsa instance that verifies with this key; the caller disposes it.</summary>
    public ECDsa CreateVerifier() =>
        ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = X, Y = Y } });

    /// <summary>The public JWK as compact JSON, with <c>kid</c>, <c>use</c> and <c>alg</c>.</summary>
    public string ToJson() =>
        $$"""{"kty":"EC","crv":"P-256","x":"{{Base64Url.EncodeToString(X)}}","y":"{{Base64Url.EncodeToString(Y)}}","kid":{{JsonSerializer.Serialize(Kid)}},"use":"sig","alg":"ES256"}""";

    private static string ComputeThumbprint(byte[] x, byte[] y)
    {
        // RFC 7638: required members only, lexicographic order, no whitespace.
        var canonical = $$"""{"crv":"P-256","kty":"EC","x":"{{Base64Url.EncodeToString(x)}}","y":"{{Base64Url.EncodeToString(y)}}"}""";
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static string? Member(JsonElement jwk, string name) =>
        jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[] Coordinate(JsonElement jwk, string name)
    {
        var text = Member(jwk, name) ?? throw new JoseException($"the JWK is missing `{name}`");
        try
        {
            var bytes = Base64Url.DecodeFromChars(text);
            return bytes.Length == 32 ? bytes : throw new JoseException($"`{name}` must be 32 bytes for P-256");
        }
        catch (FormatException)
        {
            throw new JoseException($"`{name}` is not base64url");
        }
    }
}
