using System.Security.Cryptography;

namespace Mandate.Tokens.Tests.Clients;

/// <summary>RFC 7523 client assertions: every refusal is <c>invalid_client</c> with a reason a developer can act on.</summary>
public sealed class ClientAssertionValidatorTests : IDisposable
{
    private readonly TokenWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task ValidAssertion_AuthenticatesTheClientAndNamesTheCredential()
    {
        var result = await AuthenticateAsync(_world.Assertion());

        Assert.Null(result.Error);
        Assert.Equal("bot", result.Client!.ClientId);
        Assert.Equal("crd_1", result.CredentialId);
    }

    public static TheoryData<string, Action<Dictionary<string, object>>, string> BadClaims => new()
    {
        { "wrong aud", c => c["aud"] = "https://evil.example", "`aud`" },
        { "issuer is the token endpoint's issuer, accepted", c => c["aud"] = "https://mandate.test", "" },
        { "iss differs from sub", c => c["iss"] = "someone", "`iss` and `sub`" },
        { "unknown client", c => { c["iss"] = "ghost"; c["sub"] = "ghost"; }, "unknown client" },
        { "missing exp", c => c.Remove("exp"), "`exp` is required" },
        { "expired", c => c["exp"] = 1000, "expired" },
        { "too long-lived", c => c["exp"] = DateTimeOffset.UtcNow.AddYears(1).ToUnixTimeSeconds(), "longer than" },
        { "iat in the future", c => c["iat"] = 99999999999, "not valid yet" },
        { "no jti", c => c.Remove("jti"), "`jti`" },
        { "exp not a number", c => c["exp"] = "soon", "NumericDate" },
        { "fractional exp and iat (RFC 7519 section 2), accepted", c => (c["exp"], c["iat"]) = ((long)c["exp"] + 0.5, (long)c["iat"] - 0.25), "" },
        { "fractional exp, expired", c => c["exp"] = 1000.5, "expired" },
        { "fractional iat in the future", c => c["iat"] = 99999999999.5, "not valid yet" },
        { "negative exp", c => c["exp"] = -1.5, "NumericDate" },
        { "iat past year 9999", c => c["iat"] = 253402300799.5, "NumericDate" },
    };

    [Theory]
    [MemberData(nameof(BadClaims))]
    public async Task BadClaims_AreRefused(string name, Action<Dictionary<string, object>> edit, string reason)
    {
        _world.Clock.Now = DateTimeOffset.UtcNow;
        var result = await AuthenticateAsync(_world.Assertion(edit));

        if (reason.Length == 0)
        {
            Assert.True(result.Error is null, name);
            return;
        }

        Assert.Equal("invalid_client", result.Error?.Error);
        Assert.Contains(reason, result.Error!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayedJti_IsRefused_ButAForgeryDoesNotBurnIt()
    {
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = _world.Assertion(c => c["jti"] = "once", key: attacker);
        Assert.Contains("signature", (await AuthenticateAsync(forged)).Error!.Description, StringComparison.Ordinal);

        var genuine = _world.Assertion(c => c["jti"] = "once");
        Assert.Null((await AuthenticateAsync(genuine)).Error);
        Assert.Contains("already used", (await AuthenticateAsync(genuine)).Error!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysAreMatchedByKid_OrTriedInTurnWithoutOne()
    {
        Assert.Contains("no registered key has kid", (await AuthenticateAsync(_world.Assertion(kid: "other"))).Error!.Description, StringComparison.Ordinal);
        var withoutKid = Mandate.Tokens.Jose.CompactJws.Sign(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = "bot", ["sub"] = "bot", ["aud"] = _world.Options.Issuer, ["exp"] = _world.Clock.Now.AddMinutes(1).ToUnixTimeSeconds(), ["jti"] = "x",
        }), _world.ClientKey, "unused", "JWT");
        Assert.Contains("no registered key has kid", (await AuthenticateAsync(withoutKid)).Error!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InactiveClient_AndAccessTokenAsAssertion_AreRefused()
    {
        Assert.Contains("not a client assertion", (await AuthenticateAsync(_world.Assertion(type: "at+jwt"))).Error!.Description, StringComparison.Ordinal);

        _world.Client = _world.Client with { IsActive = false };
        Assert.Contains("not active", (await AuthenticateAsync(_world.Assertion())).Error!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongAssertionType_OrMissingAssertion_IsRefused()
    {
        var wrongType = await _world.Assertions.AuthenticateAsync("bot", "urn:other", _world.Assertion(), CancellationToken.None);
        var missing = await _world.Assertions.AuthenticateAsync("bot", null, null, CancellationToken.None);
        var mismatch = await _world.Assertions.AuthenticateAsync("other", Mandate.Tokens.Clients.ClientAssertionValidator.JwtBearerType, _world.Assertion(), CancellationToken.None);

        Assert.Equal("invalid_client", wrongType.Error?.Error);
        Assert.Equal("invalid_client", missing.Error?.Error);
        Assert.Contains("does not match client_id", mismatch.Error!.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"alg":"none","typ":"JWT"}""", "`none`")]
    [InlineData("""{"alg":"ES256","kid":"../../etc/passwd"}""", "`kid` is malformed")]
    [InlineData("""{"alg":"ES256","jku":"https://evil.example/jwks"}""", "`jku`")]
    [InlineData("""{"alg":"ES256","x5u":"https://evil.example/cert"}""", "`x5u`")]
    [InlineData("""{"alg":"ES256","jwk":{"kty":"EC"}}""", "`jwk`")]
    [InlineData("""{"alg":"ES256","crit":["exp"]}""", "`crit`")]
    public async Task HostileHeaders_AreInvalidClient(string header, string reason)
    {
        var forged = TokenWorld.Forge(header, TokenWorld.Part(_world.Assertion(), 1),
            input => _world.ClientKey.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

        var result = await AuthenticateAsync(forged);

        Assert.Equal("invalid_client", result.Error?.Error);
        Assert.Contains(reason, result.Error!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hs256WithThePublicKey_AndAlteredOrStrippedSignatures_AreRefused()
    {
        var assertion = _world.Assertion();
        var hs256 = TokenWorld.Forge($$"""{"alg":"HS256","kid":"{{_world.ClientJwk.Kid}}"}""", TokenWorld.Part(assertion, 1),
            input => HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_world.ClientJwk.ToJson()), input));
        var parts = assertion.Split('.');

        Assert.Contains("`HS256`", (await AuthenticateAsync(hs256)).Error!.Description, StringComparison.Ordinal);
        Assert.Contains("signature", (await AuthenticateAsync(string.Join('.', parts[0], parts[1], (parts[2][0] == 'A' ? "B" : "A") + parts[2][1..]))).Error!.Description, StringComparison.Ordinal);
        Assert.Equal("invalid_client", (await AuthenticateAsync(parts[0] + "." + parts[1] + ".")).Error?.Error);
        Assert.Equal("invalid_client", (await AuthenticateAsync(parts[0] + ".bm90IGpzb24." + parts[2])).Error?.Error);
        Assert.Equal("invalid_client", (await AuthenticateAsync("!!!." + parts[1] + "." + parts[2])).Error?.Error);
    }

    [Fact]
    public async Task TheSharedSigner_MakesAssertionsTheValidatorAccepts_OncePerTokenId()
    {
        _world.Clock.Now = DateTimeOffset.UtcNow;
        string Sign(string? tokenId = null) => Mandate.Tokens.Clients.ClientAssertion.Sign(
            _world.ClientKey, _world.ClientJwk.Kid, "bot", _world.Options.TokenEndpoint, _world.Clock.Now, TimeSpan.FromMinutes(1), tokenId);

        var first = Sign();
        var second = Sign();

        Assert.Null((await AuthenticateAsync(first)).Error);
        Assert.Null((await AuthenticateAsync(second)).Error);
        Assert.Contains("already used", (await AuthenticateAsync(first)).Error!.Description, StringComparison.Ordinal);
        Assert.Null((await AuthenticateAsync(Sign("chosen-id"))).Error);
        Assert.Contains("already used", (await AuthenticateAsync(Sign("chosen-id"))).Error!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSharedSigner_EscapesItsClaims_AndRefusesAnAssertionValidForNoTime()
    {
        const string Awkward = "agent \"quoted\" \\ ünïcode";
        var token = Mandate.Tokens.Clients.ClientAssertion.Sign(
            _world.ClientKey, _world.ClientJwk.Kid, Awkward, "https://mandate.test/oauth2/token", DateTimeOffset.FromUnixTimeSeconds(1_000), TimeSpan.FromSeconds(90), "t-1");
        var claims = System.Text.Json.JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1])).RootElement;

        Assert.Equal(Awkward, claims.GetProperty("iss").GetString());
        Assert.Equal(Awkward, claims.GetProperty("sub").GetString());
        Assert.Equal((1_000L, 1_090L, "t-1"), (claims.GetProperty("iat").GetInt64(), claims.GetProperty("exp").GetInt64(), claims.GetProperty("jti").GetString()));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mandate.Tokens.Clients.ClientAssertion.Sign(
            _world.ClientKey, _world.ClientJwk.Kid, "bot", "https://mandate.test/oauth2/token", DateTimeOffset.UtcNow, TimeSpan.Zero));
    }

    private ValueTask<Mandate.Tokens.Clients.ClientAuthentication> AuthenticateAsync(string assertion) =>
        _world.Assertions.AuthenticateAsync(null, Mandate.Tokens.Clients.ClientAssertionValidator.JwtBearerType, assertion, CancellationToken.None);
}
