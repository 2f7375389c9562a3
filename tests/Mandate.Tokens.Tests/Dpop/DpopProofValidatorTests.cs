using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Tokens.Dpop;
using Mandate.Tokens.Issuance;
using Mandate.Tokens.Jose;

namespace Mandate.Tokens.Tests.Dpop;

/// <summary>RFC 9449 proof validation: every way a proof can be wrong is refused with <c>invalid_dpop_proof</c> (or <c>use_dpop_nonce</c>).</summary>
public sealed class DpopProofValidatorTests : IDisposable
{
    private const string Url = "https://mandate.test/access/v1/evaluation";
    private readonly TokenWorld _world = new();
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose()
    {
        _key.Dispose();
        _world.Dispose();
    }

    private string Proof(Action<Dictionary<string, object>>? claims = null, Func<string, string>? header = null, ECDsa? signer = null, ECDsa? key = null)
    {
        key ??= _key;
        var body = new Dictionary<string, object>
        {
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["htm"] = "POST",
            ["htu"] = Url,
            ["iat"] = _world.Clock.Now.ToUnixTimeSeconds(),
            ["ath"] = DpopProofValidator.AccessTokenHash("the-token"),
        };
        claims?.Invoke(body);
        var jwk = EcPublicJwk.FromKey(key).ToJson();
        var headerJson = $$"""{"typ":"dpop+jwt","alg":"ES256","jwk":{{jwk}}}""";
        return TokenWorld.Forge(header?.Invoke(headerJson) ?? headerJson, JsonSerializer.Serialize(body),
            input => (signer ?? key).SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    private DpopValidation Validate(string proof, string? token = "the-token", bool nonce = false, string method = "POST") =>
        _world.Dpop.Validate(proof, method, [Url], token, nonce);

    [Fact]
    public void ValidProof_YieldsTheKeyThumbprint()
    {
        var result = Validate(Proof());

        Assert.Null(result.Error);
        Assert.Equal(EcPublicJwk.FromKey(_key).Thumbprint, result.KeyThumbprint);
    }

    [Fact]
    public void HtuIsComparedNormalized_WithoutQueryOrFragment()
    {
        Assert.Null(Validate(Proof(c => c["htu"] = "HTTPS://Mandate.TEST:443/access/v1/evaluation?x=1#f")).Error);
        Assert.NotNull(Validate(Proof(c => c["htu"] = "https://mandate.test/access/v1/evaluations")).Error);
        Assert.NotNull(Validate(Proof(c => c["htu"] = "http://mandate.test/access/v1/evaluation")).Error);
        Assert.NotNull(Validate(Proof(c => c["htu"] = "https://mandate.test:8443/access/v1/evaluation")).Error);
    }

    public static TheoryData<string, Func<string, string>?, Action<Dictionary<string, object>>?, string> Attacks => new()
    {
        { "alg none", h => """{"typ":"dpop+jwt","alg":"none"}""", null, "`none`" },
        { "HS256", h => h.Replace("\"ES256\"", "\"HS256\"", StringComparison.Ordinal), null, "`HS256`" },
        { "wrong typ", h => h.Replace("dpop+jwt", "JWT", StringComparison.Ordinal), null, "`typ`" },
        { "no jwk", h => """{"typ":"dpop+jwt","alg":"ES256"}""", null, "`jwk`" },
        { "private jwk", h => h.Replace("\"kty\":\"EC\"", "\"kty\":\"EC\",\"d\":\"AAAA\"", StringComparison.Ordinal), null, "private key" },
        { "jku", h => h.Replace("{\"typ\"", "{\"jku\":\"https://evil.example/jwks\",\"typ\"", StringComparison.Ordinal), null, "`jku`" },
        { "x5u", h => h.Replace("{\"typ\"", "{\"x5u\":\"https://evil.example/cert\",\"typ\"", StringComparison.Ordinal), null, "`x5u`" },
        { "path-like kid", h => h.Replace("{\"typ\"", "{\"kid\":\"../../keys\",\"typ\"", StringComparison.Ordinal), null, "`kid`" },
        { "wrong htm", null, c => c["htm"] = "GET", "`htm`" },
        { "wrong htu", null, c => c["htu"] = "https://evil.example/access/v1/evaluation", "`htu`" },
        { "old iat", null, c => c["iat"] = 1_000_000, "`iat`" },
        { "future iat", null, c => c["iat"] = 99_999_999_999, "`iat`" },
        { "no jti", null, c => c.Remove("jti"), "`jti`" },
        { "wrong ath", null, c => c["ath"] = DpopProofValidator.AccessTokenHash("another-token"), "`ath`" },
        { "no ath", null, c => c.Remove("ath"), "`ath`" },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public void BadProofs_AreInvalidDpopProof(string name, Func<string, string>? header, Action<Dictionary<string, object>>? claims, string reason)
    {
        var result = Validate(Proof(claims, header));

        Assert.True(result.Error == "invalid_dpop_proof", $"{name}: {result.Error} {result.Description}");
        Assert.Contains(reason, result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplayedProof_IsRefused_ButAForgeryDoesNotBurnItsJti()
    {
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = Proof(c => c["jti"] = "once", signer: attacker);
        Assert.Contains("signature", Validate(forged).Description, StringComparison.Ordinal);

        var proof = Proof(c => c["jti"] = "once");
        Assert.Null(Validate(proof).Error);
        Assert.Contains("already used", Validate(proof).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void AlteredOrStrippedSignature_IsRefused()
    {
        var parts = Proof().Split('.');
        var altered = string.Join('.', parts[0], parts[1], (parts[2][0] == 'A' ? "B" : "A") + parts[2][1..]);

        Assert.Contains("signature", Validate(altered).Description, StringComparison.Ordinal);
        Assert.Equal("invalid_dpop_proof", Validate(parts[0] + "." + parts[1] + ".").Error);
        Assert.Equal("invalid_dpop_proof", Validate(parts[0] + "." + parts[1]).Error);
    }

    [Fact]
    public void Nonces_AreRequiredWhenConfigured_AndExpireAfterTwoSteps()
    {
        Assert.Equal("use_dpop_nonce", Validate(Proof(), nonce: true).Error);
        Assert.Equal("use_dpop_nonce", Validate(Proof(c => c["nonce"] = "made-up"), nonce: true).Error);

        var nonce = _world.Nonces.Current();
        Assert.Null(Validate(Proof(c => c["nonce"] = nonce), nonce: true).Error);

        _world.Clock.Now += TimeSpan.FromMinutes(11);
        Assert.Equal("use_dpop_nonce", Validate(Proof(c => c["nonce"] = nonce), nonce: true).Error);
    }

    /// <summary>A proof for a token request, by <paramref name="key"/> (the test's own key by default).</summary>
    private string TokenProof(Action<Dictionary<string, object>>? edit = null, ECDsa? key = null) => Proof(c =>
    {
        c["htu"] = "https://mandate.test/oauth2/token";
        c["nonce"] = _world.Nonces.Current();
        c.Remove("ath");
        edit?.Invoke(c);
    }, key: key);

    private async Task<TokenResult> RequestAsync(Dictionary<string, string[]> form, string? proof) =>
        await _world.Endpoint.HandleAsync(form, new TokenRequestContext(null, null, null, DpopProof: proof), CancellationToken.None);

    /// <summary>A token exchange by <paramref name="client"/>, with a DPoP proof when <paramref name="proof"/> is set.</summary>
    private Task<TokenResult> ExchangeAsync(string client, string subject, string? actor, string? proof, params (string Name, string Value)[] extra)
    {
        List<(string, string)> parameters = [("subject_token", subject), ("subject_token_type", IssuedToken.AccessTokenTypeUri), .. extra];
        if (actor is not null)
        {
            parameters.Add(("actor_token", actor));
            parameters.Add(("actor_token_type", IssuedToken.AccessTokenTypeUri));
        }

        return RequestAsync(_world.FormOf(client, TokenExchangeGrant.GrantType, [.. parameters]), proof);
    }

    private async Task<string> BoundTokenAsync(string client, ECDsa key, params (string Name, string Value)[] extra) =>
        (await RequestAsync(_world.FormOf(client, "client_credentials", [("scope", "read"), .. extra]), TokenProof(key: key))).Token!.AccessToken;

    private (string, string)[] TransactionToken =>
        [("requested_token_type", TransactionTokenGrant.TokenTypeUri), ("audience", _world.Options.TrustDomain), ("scope", "read")];

    [Fact]
    public async Task ABoundSubjectToken_IsNotExchangedWithoutAProofOfItsKey()
    {
        _world.AddClient("agent");
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bound = await BoundTokenAsync(TokenWorld.ClientId, _key);

        var narrowed = await ExchangeAsync(TokenWorld.ClientId, bound, null, null);
        Assert.Equal("invalid_request", narrowed.Error?.Error);
        Assert.Contains("DPoP-bound", narrowed.Error!.Description, StringComparison.Ordinal);
        var byAnotherKey = await ExchangeAsync(TokenWorld.ClientId, bound, null, TokenProof(key: other));
        Assert.Equal("invalid_request", byAnotherKey.Error?.Error);

        var delegated = await ExchangeAsync("agent", bound, await _world.TokenOfAsync("agent"), TokenProof(key: other));
        Assert.Equal("invalid_request", delegated.Error?.Error);
        Assert.Contains("may_act", delegated.Error!.Description, StringComparison.Ordinal);
        var impersonated = await ExchangeAsync("agent", bound, null, TokenProof(key: other));
        Assert.Equal("invalid_request", impersonated.Error?.Error);

        var transaction = await ExchangeAsync(TokenWorld.ClientId, bound, null, null, TransactionToken);
        Assert.Equal("invalid_request", transaction.Error?.Error);
        _world.AddClient("gateway", "Workload");
        var byGateway = await ExchangeAsync("gateway", bound, null, null, TransactionToken);
        Assert.Equal("invalid_request", byGateway.Error?.Error);
    }

    [Fact]
    public async Task ABoundSubjectToken_IsExchangedWithAProofOfItsKey_AndStaysBoundToIt()
    {
        var bound = await BoundTokenAsync(TokenWorld.ClientId, _key);

        var narrowed = await ExchangeAsync(TokenWorld.ClientId, bound, null, TokenProof());
        Assert.True(narrowed.Error is null, narrowed.Error?.Description);
        Assert.Equal("DPoP", narrowed.Token!.TokenType);
        Assert.Equal(EcPublicJwk.FromKey(_key).Thumbprint, _world.Validator.ValidateAnyAudience(narrowed.Token.AccessToken).Token!.KeyThumbprint);

        var transaction = await ExchangeAsync(TokenWorld.ClientId, bound, null, TokenProof(), TransactionToken);
        Assert.True(transaction.Error is null, transaction.Error?.Description);
    }

    [Fact]
    public async Task ABoundSubjectToken_NamingTheClientInMayAct_IsDelegatedOnlyToATokenBoundToTheClientsKey()
    {
        _world.AddClient("agent");
        using var agentKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bound = await BoundTokenAsync(TokenWorld.ClientId, _key, ("may_act", "agent"));
        var agentToken = await _world.TokenOfAsync("agent");

        var unbound = await ExchangeAsync("agent", bound, agentToken, null);
        Assert.Equal("invalid_request", unbound.Error?.Error);

        var delegated = await ExchangeAsync("agent", bound, agentToken, TokenProof(key: agentKey));
        Assert.True(delegated.Error is null, delegated.Error?.Description);
        Assert.Equal("DPoP", delegated.Token!.TokenType);
        Assert.Equal(EcPublicJwk.FromKey(agentKey).Thumbprint, _world.Validator.ValidateAnyAudience(delegated.Token.AccessToken).Token!.KeyThumbprint);
    }

    [Fact]
    public async Task ABoundActorToken_IsUsedOnlyWithAProofOfItsKey()
    {
        _world.AddClient("alice", "Human");
        _world.AddClient("agent");
        using var agentKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var alice = await _world.TokenOfAsync("alice", ("scope", "read"));
        var agentToken = await BoundTokenAsync("agent", agentKey);

        Assert.Equal("invalid_request", (await ExchangeAsync("agent", alice, agentToken, null)).Error?.Error);
        Assert.Equal("invalid_request", (await ExchangeAsync("agent", alice, agentToken, TokenProof())).Error?.Error);

        var delegated = await ExchangeAsync("agent", alice, agentToken, TokenProof(key: agentKey));
        Assert.True(delegated.Error is null, delegated.Error?.Description);
        Assert.Equal(EcPublicJwk.FromKey(agentKey).Thumbprint, _world.Validator.ValidateAnyAudience(delegated.Token!.AccessToken).Token!.KeyThumbprint);
    }

    [Fact]
    public async Task TokenEndpoint_BindsTheTokenToTheProofKey_AndRefusesABadProof()
    {
        var bound = await _world.Endpoint.HandleAsync(_world.Form(_world.Assertion()), new TokenRequestContext(null, null, null, DpopProof: TokenProof()), CancellationToken.None);
        Assert.Equal("DPoP", bound.Token!.TokenType);
        var validated = _world.Validator.Validate(bound.Token.AccessToken);
        Assert.Equal(EcPublicJwk.FromKey(_key).Thumbprint, validated.Token!.KeyThumbprint);

        var noNonce = await _world.Endpoint.HandleAsync(_world.Form(_world.Assertion()),
            new TokenRequestContext(null, null, null, DpopProof: TokenProof(c => c.Remove("nonce"))), CancellationToken.None);
        Assert.Equal("use_dpop_nonce", noNonce.Error?.Error);

        var wrongUri = await _world.Endpoint.HandleAsync(_world.Form(_world.Assertion()),
            new TokenRequestContext(null, null, null, DpopProof: TokenProof(c => c["htu"] = "https://mandate.test/oauth2/introspect")), CancellationToken.None);
        Assert.Equal("invalid_dpop_proof", wrongUri.Error?.Error);
    }
}
