using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.Tokens.Jose;

namespace Mandate.Tokens.Tests.Jose;

public sealed class PublicJwkTests
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
        Assert.Equal(jwk.Thumbprint, PublicJwk.Parse(jwk.ToJson()).Thumbprint);
    }

    [Theory]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"AA","y":"AA","d":"AA"}""", "private key")]
    [InlineData("""{"kty":"RSA","n":"AQAB","e":"AQAB"}""", "2048 to 8192 bits")]
    [InlineData("""{"kty":"RSA","n":"AQAB","e":"AQAB","p":"AQAB"}""", "private key")]
    [InlineData("""{"kty":"oct","k":"c2VjcmV0"}""", "private key")]
    [InlineData("""{"kty":"oct"}""", "unsupported key type `oct`")]
    [InlineData("""{"kty":"EC","crv":"P-384","x":"AA","y":"AA"}""", "unsupported curve `P-384`")]
    [InlineData("""{"kty":"OKP","crv":"X25519","x":"AA"}""", "unsupported curve `X25519`")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"AA"}""", "32 bytes")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"AA","y":"AA","use":"enc"}""", "not signatures")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}""", "32 bytes")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"!!","y":"AA"}""", "base64url")]
    [InlineData("""{"kty":"EC","crv":"P-256","y":"AA"}""", "missing `x`")]
    [InlineData("""[1]""", "JSON object")]
    public void Parse_RefusesPrivateMembersAndUnsupportedKeys(string json, string reason)
    {
        var error = Assert.Throws<JoseException>(() => PublicJwk.Parse(JsonDocument.Parse(json).RootElement));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RefusesAPointOffTheCurve()
    {
        var x = Base64Url.EncodeToString(new byte[32]);
        var y = Base64Url.EncodeToString(Enumerable.Repeat((byte)1, 32).ToArray());

        var error = Assert.Throws<JoseException>(() => PublicJwk.Parse($$"""{"kty":"EC","crv":"P-256","x":"{{x}}","y":"{{y}}"}"""));

        Assert.Contains("curve", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RsaAndEd25519Keys_VerifyTheirAlgorithmsOnly()
    {
        using var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(false);
        var rsaJwk = PublicJwk.Parse($$"""{"kty":"RSA","n":"{{Base64Url.EncodeToString(p.Modulus)}}","e":"{{Base64Url.EncodeToString(p.Exponent)}}"}""");
        var input = Encoding.ASCII.GetBytes("header.payload");

        Assert.True(rsaJwk.Verify("RS256", input, rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        Assert.True(rsaJwk.Verify("PS256", input, rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)));
        Assert.False(rsaJwk.Verify("PS256", input, rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        Assert.False(rsaJwk.Verify("ES256", input, new byte[64]));

        using var ed = Mandate.Tokens.Keys.SigningKey.Generate("EdDSA", DateTimeOffset.UnixEpoch);
        var edJwk = PublicJwk.Parse(ed.PublicJwk.ToJson());
        Assert.IsType<OkpPublicJwk>(edJwk);
        Assert.Equal(ed.KeyId, edJwk.Kid);
        Assert.True(edJwk.Verify("EdDSA", input, ed.Sign(input)));
        Assert.False(edJwk.Verify("EdDSA", Encoding.ASCII.GetBytes("header.payloaD"), ed.Sign(input)));
        Assert.False(edJwk.Verify("ES256", input, ed.Sign(input)));
    }

    [Fact]
    public void ParseSet_RefusesEmptySetsDuplicateIdsAndNamesTheBadKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = EcPublicJwk.FromKey(key).ToJson();

        Assert.Single(PublicJwk.ParseSet(Encoding.UTF8.GetBytes($$"""{"keys":[{{jwk}}]}""")));
        Assert.Contains("1 to 32 keys", Assert.Throws<JoseException>(() => PublicJwk.ParseSet("""{"keys":[]}"""u8)).Message, StringComparison.Ordinal);
        Assert.Contains("appears twice", Assert.Throws<JoseException>(() => PublicJwk.ParseSet(Encoding.UTF8.GetBytes($$"""{"keys":[{{jwk}},{{jwk}}]}"""))).Message, StringComparison.Ordinal);
        Assert.Contains("keys[1]", Assert.Throws<JoseException>(() => PublicJwk.ParseSet(Encoding.UTF8.GetBytes($$"""{"keys":[{{jwk}},{"kty":"oct"}]}"""))).Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", Assert.Throws<JoseException>(() => PublicJwk.ParseSet("""{"keys":["""u8)).Message, StringComparison.Ordinal);
    }
}
