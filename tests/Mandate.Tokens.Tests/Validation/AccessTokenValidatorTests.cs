using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Tokens.Jose;

namespace Mandate.Tokens.Tests.Validation;

/// <summary>The JWT attack suite against access-token validation: every forgery is refused with a precise reason.</summary>
public sealed class AccessTokenValidatorTests : IDisposable
{
    private readonly TokenWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task Validate_OwnToken_ReturnsItsClaims()
    {
        var token = await _world.TokenAsync(("scope", "read write"));

        var result = _world.Validator.Validate(token);

        Assert.Null(result.Error);
        Assert.Equal("bot", result.Token!.Subject);
        Assert.Equal("bot", result.Token.ClientId);
        Assert.Equal(["read", "write"], result.Token.Scopes);
        Assert.Equal(_world.Clock.Now.AddMinutes(5), result.Token.ExpiresAt);
    }

    [Fact]
    public async Task RepeatPresentation_StillChecksExpiryAudienceAndKey()
    {
        var token = await _world.TokenAsync(("resource", "https://api.one/"));
        Assert.Null(_world.Validator.ValidateAnyAudience(token).Error);

        Assert.Null(_world.Validator.Validate(token, "https://api.one/").Error);
        Assert.Contains("is not for", _world.Validator.Validate(token).Error, StringComparison.Ordinal);

        _world.Clock.Now += TimeSpan.FromMinutes(6);
        Assert.Contains("expired", _world.Validator.Validate(token, "https://api.one/").Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepeatPresentation_IsRefusedOnceItsKeyIsNoLongerPublished()
    {
        var token = await _world.TokenAsync();
        Assert.Null(_world.Validator.Validate(token).Error);

        // Two rotations drop the signing key; move the token's clock back so only the key check can refuse it.
        _world.Clock.Now += TimeSpan.FromDays(31);
        await _world.Keys.RotateIfDueAsync(CancellationToken.None);
        _world.Clock.Now += TimeSpan.FromDays(31);
        await _world.Keys.RotateIfDueAsync(CancellationToken.None);
        _world.Clock.Now -= TimeSpan.FromDays(62);

        Assert.Contains("not signed by a key", _world.Validator.Validate(token).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlgNone_IsRefused()
    {
        var token = await _world.TokenAsync();
        var forged = TokenWorld.Forge("""{"alg":"none","typ":"at+jwt"}""", TokenWorld.Part(token, 1), _ => []);

        Assert.Contains("`none`", _world.Validator.Validate(forged).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hs256SignedWithThePublicKey_IsRefused()
    {
        var token = await _world.TokenAsync();
        var publicKeyBytes = System.Text.Encoding.UTF8.GetBytes(_world.Keys.Current.PublicJwk.ToJson());
        var header = $$"""{"alg":"HS256","typ":"at+jwt","kid":"{{_world.Keys.Current.KeyId}}"}""";
        var forged = TokenWorld.Forge(header, TokenWorld.Part(token, 1), input => HMACSHA256.HashData(publicKeyBytes, input));

        Assert.Contains("`HS256`", _world.Validator.Validate(forged).Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"alg":"ES256","typ":"at+jwt","kid":"unknown"}""", "not signed by a key")]
    [InlineData("""{"alg":"ES256","typ":"at+jwt","kid":"../../etc/passwd"}""", "`kid` is malformed")]
    [InlineData("""{"alg":"ES256","typ":"at+jwt","kid":"k","jku":"https://evil.example/jwks"}""", "`jku`")]
    [InlineData("""{"alg":"ES256","typ":"at+jwt","kid":"k","x5u":"https://evil.example/cert"}""", "`x5u`")]
    [InlineData("""{"alg":"ES256","typ":"at+jwt","kid":"k","jwk":{"kty":"EC"}}""", "`jwk`")]
    [InlineData("""{"alg":"ES256","typ":"at+jwt","kid":"k","crit":["exp"]}""", "`crit`")]
    [InlineData("""{"alg":"RS256","typ":"at+jwt"}""", "`RS256`")]
    public async Task HostileHeaders_AreRefused(string header, string reason)
    {
        var token = await _world.TokenAsync();
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = TokenWorld.Forge(header, TokenWorld.Part(token, 1),
            input => attacker.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

        Assert.Contains(reason, _world.Validator.Validate(forged).Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("txntoken+jwt")]
    [InlineData("client-authentication+jwt")]
    public async Task OtherTokenTypes_SignedByTheIssuer_AreNotAccessTokens(string type)
    {
        var token = await _world.TokenAsync();
        var resigned = CompactJws.Sign(System.Text.Encoding.UTF8.GetBytes(TokenWorld.Part(token, 1)), _world.Keys.Current, type);

        Assert.Contains("not an access token", _world.Validator.Validate(resigned).Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("iss", "\"https://evil.example\"", "another issuer")]
    [InlineData("aud", "\"https://other.example\"", "is not for")]
    [InlineData("exp", "1000", "expired")]
    [InlineData("nbf", "99999999999", "not valid yet")]
    [InlineData("iat", "99999999999", "in the future")]
    public async Task WrongClaims_SignedByTheIssuer_AreRefused(string claim, string value, string reason)
    {
        var token = await _world.TokenAsync();
        var claims = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(TokenWorld.Part(token, 1))!;
        claims[claim] = JsonDocument.Parse(value).RootElement;
        var resigned = CompactJws.Sign(JsonSerializer.SerializeToUtf8Bytes(claims), _world.Keys.Current, "at+jwt");

        Assert.Contains(reason, _world.Validator.Validate(resigned).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlteredPayload_StrippedSignature_AndMalformedShapes_AreRefused()
    {
        var token = await _world.TokenAsync();
        var parts = token.Split('.');
        var altered = parts[0] + "." + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(TokenWorld.Part(token, 1).Replace("\"bot\"", "\"admin\"", StringComparison.Ordinal)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_') + "." + parts[2];

        Assert.Equal("the token signature is invalid", _world.Validator.Validate(altered).Error);
        Assert.NotNull(_world.Validator.Validate(parts[0] + "." + parts[1] + ".").Error);
        Assert.NotNull(_world.Validator.Validate(parts[0] + "." + parts[1]).Error);
        Assert.NotNull(_world.Validator.Validate(token + ".extra").Error);
        Assert.NotNull(_world.Validator.Validate("a.b!.c").Error);
        Assert.NotNull(_world.Validator.Validate(new string('a', CompactJws.MaxLength + 1)).Error);
        Assert.NotNull(_world.Validator.Validate(TokenWorld.Forge("""{"alg":"ES256"}""", "[1,2]", _ => new byte[64])).Error);
    }

    [Fact]
    public async Task ATokenSpelledDifferently_DoesNotVerify()
    {
        var token = await _world.TokenAsync();
        var signature = token.LastIndexOf('.') + 1;
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

        // An ES256 or EdDSA signature is 64 bytes: 86 characters, the last of which carries 4 unused bits.
        var lastValue = alphabet.IndexOf(token[^1], StringComparison.Ordinal);
        string[] spellings =
        [
            token[..(signature + 10)] + "   " + token[(signature + 10)..],
            token[..(signature + 10)] + "\t\r\n" + token[(signature + 10)..],
            token + "==",
            token + "%3D%3D",
            token[..^1] + alphabet[lastValue | 1],
            token[..^1],
            token + "A",
        ];

        foreach (var spelling in spellings)
        {
            var result = _world.Validator.Validate(spelling);
            Assert.True(result.Token is null, $"`{spelling[signature..]}` verified");
        }

        Assert.Contains("not base64url", _world.Validator.Validate(spellings[0]).Error, StringComparison.Ordinal);
        Assert.Null(_world.Validator.Validate(token).Error);
    }

    [Fact]
    public async Task TokenSignedByARetiredKey_ValidatesDuringTheOverlapOnly()
    {
        var token = await _world.TokenAsync();
        _world.Clock.Now += TimeSpan.FromDays(30);
        Assert.True(await _world.Keys.RotateIfDueAsync(CancellationToken.None));

        // Signed by the retired key and still published: only the token's own expiry refuses it.
        Assert.Contains("expired", _world.Validator.Validate(token).Error, StringComparison.Ordinal);
        var jwks = JsonDocument.Parse(_world.Keys.JwksJson).RootElement.GetProperty("keys");
        Assert.Equal(2, jwks.GetArrayLength());

        _world.Clock.Now += TimeSpan.FromDays(30);
        await _world.Keys.RotateIfDueAsync(CancellationToken.None);
        Assert.Equal(2, JsonDocument.Parse(_world.Keys.JwksJson).RootElement.GetProperty("keys").GetArrayLength());
        Assert.DoesNotContain(jwks[1].GetProperty("kid").GetString()!, _world.Keys.JwksJson, StringComparison.Ordinal);
    }
}
