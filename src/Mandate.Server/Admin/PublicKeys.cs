using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.Core.Credentials;
using Mandate.Core.Errors;

namespace Mandate.Server.Admin;

/// <summary>Validates a registered public JWK and derives its RFC 7638 thumbprint.</summary>
internal static class PublicKeys
{
    public static PublicKeyMaterial FromJwk(JsonElement jwk)
    {
        if (jwk.ValueKind != JsonValueKind.Object)
        {
            throw MandateException.Invalid("jwk", "`jwk` must be a JSON Web Key object");
        }

        if (jwk.TryGetProperty("d", out _))
        {
            throw MandateException.Invalid("jwk", "`jwk` contains a private key (`d`); register only the public key");
        }

        var kty = Member(jwk, "kty");
        var crv = Member(jwk, "crv");
        if (kty != "EC" || crv != "P-256")
        {
            throw MandateException.Invalid("jwk", $"unsupported key `{kty}`/`{crv}`: register an EC P-256 key (ES256)");
        }

        var x = Coordinate(jwk, "x");
        var y = Coordinate(jwk, "y");
        try
        {
            using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
        }
        catch (CryptographicException)
        {
            throw MandateException.Invalid("jwk", "`jwk` is not a point on the P-256 curve");
        }

        // RFC 7638: the required members in lexicographic order, no whitespace.
        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{Base64Url.EncodeToString(x)}\",\"y\":\"{Base64Url.EncodeToString(y)}\"}}";
        var thumbprint = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        var kid = jwk.TryGetProperty("kid", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : thumbprint;
        if (kid.Length is 0 or > 128 || kid.Any(c => c is '/' or '\\' || char.IsControl(c)))
        {
            throw MandateException.Invalid("jwk", "`kid` must be 1 to 128 characters without slashes or control characters");
        }

        return new PublicKeyMaterial(canonical.Insert(canonical.Length - 1, $",\"kid\":{JsonSerializer.Serialize(kid)}"), kid, thumbprint);
    }

    private static string? Member(JsonElement jwk, string name) =>
        jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[] Coordinate(JsonElement jwk, string name)
    {
        var text = Member(jwk, name) ?? throw MandateException.Invalid("jwk", $"`jwk` is missing `{name}`");
        try
        {
            var bytes = Base64Url.DecodeFromChars(text);
            return bytes.Length == 32 ? bytes : throw MandateException.Invalid("jwk", $"`jwk.{name}` must be 32 bytes for P-256");
        }
        catch (FormatException)
        {
            throw MandateException.Invalid("jwk", $"`jwk.{name}` is not base64url");
        }
    }
}
