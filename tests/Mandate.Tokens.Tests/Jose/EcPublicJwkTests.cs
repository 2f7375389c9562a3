using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.Tokens.Jose;

namespace Mandate.Tokens.Tests.Jose;

public sealed class EcPublicJwkTests
{
    [Fact]
    public void Thumbprint_IsTheRfc7638HashOfTheRequiredMembersInOrder()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = key.ExportParameters(false);
        var canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + Base64Url.EncodeToString(p.Q.X) + "\",\"y\":\"" + Base64Url.EncodeToString(p.Q.Y) + "\"}";

        var jwk = EcPublicJwk.FromKey(key);

        Assert.Equal(Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), jwk.Thumbprint);
        Assert.Equal(jwk.Thumbprint, jwk.Kid);
        Assert.Equal(jwk.Thumbprint, EcPublicJwk.Parse(jwk.ToJson()).Thumbprint);
    }

    [Theory]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"AA","y":"AA","d":"AA"}""", "private key")]
    [InlineData("""{"kty":"RSA","n":"AQAB","e":"AQAB"}""", "unsupported key")]
    [InlineData("""{"kty":"EC","crv":"P-384","x":"AA","y":"AA"}""", "unsupported key")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}""", "32 bytes")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"!!","y":"AA"}""", "base64url")]
    [InlineData("""{"kty":"EC","crv":"P-256","y":"AA"}""", "missing `x`")]
    [InlineData("""[1]""", "JSON object")]
    public void Parse_RefusesAnythingButAPublicP256Key(string json, string reason)
    {
        var error = Assert.Throws<JoseException>(() => EcPublicJwk.Parse(JsonDocument.Parse(json).RootElement));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RefusesAPointOffTheCurve()
    {
        var x = Base64Url.EncodeToString(new byte[32]);
        var y = Base64Url.EncodeToString(Enumerable.Repeat((byte)1, 32).ToArray());

        var error = Assert.Throws<JoseException>(() => EcPublicJwk.Parse($$"""{"kty":"EC","crv":"P-256","x":"{{x}}","y":"{{y}}"}"""));

        Assert.Contains("curve", error.Message, StringComparison.Ordinal);
    }
}
