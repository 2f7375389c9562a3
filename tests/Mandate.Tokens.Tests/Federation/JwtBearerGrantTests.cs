using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Federation;
using Mandate.Tokens.Issuance;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Tests.Keys;

namespace Mandate.Tokens.Tests.Federation;

/// <summary>
/// The jwt-bearer grant against an external issuer the test plays itself (an RSA key, like Kubernetes and CI
/// systems use): strict verification, every refusal <c>invalid_grant</c>.
/// </summary>
public sealed class JwtBearerGrantTests : IDisposable
{
    private const string Issuer = "https://ci.example";
    private const string Kid = "ci-1";
    private readonly TokenWorld _world = new();
    // One key for the class: RSA generation is slow, and every test plays the same issuer.
    private static readonly RSA IssuerKey = RSA.Create(2048);
    private readonly RSA _issuerKey = IssuerKey;

    public JwtBearerGrantTests() => _world.Trusts.Add(Trust("repo:acme/*:ref:refs/heads/main", [IssuerJwk()]));

    public void Dispose() => _world.Dispose();

    private PublicJwk IssuerJwk(string kid = Kid)
    {
        var p = _issuerKey.ExportParameters(false);
        return PublicJwk.Parse($$"""{"kty":"RSA","kid":"{{kid}}","n":"{{Base64Url.EncodeToString(p.Modulus)}}","e":"{{Base64Url.EncodeToString(p.Exponent)}}"}""");
    }

    private FederatedTrust Trust(string subject, IReadOnlyList<PublicJwk> keys, string? jwksUri = null, bool allowReuse = false, ClientRecord? client = null, string? audience = null) =>
        new("crd_trust", client ?? _world.Client, Issuer, subject, audience, keys, jwksUri, allowReuse);

    private string Assertion(Action<Dictionary<string, object>>? edit = null, string header = $$"""{"alg":"RS256","typ":"JWT","kid":"{{Kid}}"}""", RSA? signer = null)
    {
        var now = _world.Clock.Now;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["sub"] = "repo:acme/app:ref:refs/heads/main",
            ["aud"] = _world.Options.Issuer,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        edit?.Invoke(claims);
        return TokenWorld.Forge(header, JsonSerializer.Serialize(claims), input => (signer ?? _issuerKey).SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private ValueTask<ClientAuthentication> AuthenticateAsync(string assertion, string? clientId = null) =>
        _world.Federation.AuthenticateAsync(assertion, clientId, CancellationToken.None);

    [Fact]
    public async Task TrustedToken_GetsAnAccessTokenForTheMappedIdentity()
    {
        var result = await _world.RequestAsync(new Dictionary<string, string[]>
        {
            ["grant_type"] = [JwtBearerGrant.GrantType],
            ["assertion"] = [Assertion()],
        });

        Assert.Null(result.Error);
        Assert.Equal("bot", result.Token!.Subject);
        Assert.Equal(JwtBearerGrant.Method, result.Token.AuthenticationMethod);
        Assert.Equal("crd_trust", result.Token.CredentialId);
        Assert.Null(_world.Validator.Validate(result.Token.AccessToken).Error);
    }

    public static TheoryData<string, string?, Action<Dictionary<string, object>>?, string> Attacks => new()
    {
        { "alg none", """{"alg":"none"}""", null, "`none`" },
        { "unknown kid", """{"alg":"RS256","kid":"other"}""", null, "no key `other`" },
        { "path-like kid", """{"alg":"RS256","kid":"../../etc/passwd"}""", null, "`kid` is malformed" },
        { "jku", $$"""{"alg":"RS256","kid":"{{Kid}}","jku":"https://evil.example/jwks"}""", null, "`jku`" },
        { "x5u", $$"""{"alg":"RS256","kid":"{{Kid}}","x5u":"https://evil.example/cert"}""", null, "`x5u`" },
        { "embedded jwk", $$$"""{"alg":"RS256","kid":"{{{Kid}}}","jwk":{"kty":"RSA"}}""", null, "`jwk`" },
        { "access token typ", $$"""{"alg":"RS256","kid":"{{Kid}}","typ":"at+jwt"}""", null, "not an identity assertion" },
        { "expired", null, c => c["exp"] = 1000, "expired" },
        { "not yet valid", null, c => c["nbf"] = 99_999_999_999, "not valid yet" },
        { "far-future iat", null, c => c["iat"] = 99_999_999_999, "not valid yet" },
        { "too long-lived", null, c => c["exp"] = DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds(), "longer than" },
        { "untrusted issuer", null, c => c["iss"] = "https://evil.example", "not trusted" },
        { "wrong audience", null, c => c["aud"] = "https://other.example", "`aud`" },
        { "subject outside the condition", null, c => c["sub"] = "repo:acme/app:ref:refs/heads/feature", "no trust" },
        { "no jti", null, c => c.Remove("jti"), "`jti`" },
        { "no exp", null, c => c.Remove("exp"), "`exp` is required" },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task BadAssertions_AreInvalidGrant(string name, string? header, Action<Dictionary<string, object>>? edit, string reason)
    {
        _world.Clock.Now = DateTimeOffset.UtcNow;
        var result = await AuthenticateAsync(header is null ? Assertion(edit) : Assertion(edit, header));

        Assert.True(result.Error?.Error == "invalid_grant", $"{name}: {result.Error}");
        Assert.Contains(reason, result.Error!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hs256SignedWithTheIssuersPublicKey_IsRefused()
    {
        var p = _issuerKey.ExportParameters(false);
        var secret = Encoding.UTF8.GetBytes(IssuerJwk().ToJson());
        var claims = TokenWorld.Part(Assertion(), 1);
        var forged = TokenWorld.Forge($$"""{"alg":"HS256","kid":"{{Kid}}"}""", claims, input => HMACSHA256.HashData(secret, input));

        Assert.Contains("`HS256`", (await AuthenticateAsync(forged)).Error!.Description, StringComparison.Ordinal);
        Assert.NotNull(p.Modulus);
    }

    [Fact]
    public async Task AlteredStrippedOrForeignSignatures_AreRefused()
    {
        var parts = Assertion().Split('.');
        using var stranger = RSA.Create(2048);

        Assert.Contains("signature", (await AuthenticateAsync(string.Join('.', parts[0], parts[1], (parts[2][0] == 'A' ? "B" : "A") + parts[2][1..]))).Error!.Description, StringComparison.Ordinal);
        Assert.Equal("invalid_grant", (await AuthenticateAsync(parts[0] + "." + parts[1] + ".")).Error?.Error);
        Assert.Contains("signature", (await AuthenticateAsync(Assertion(signer: stranger))).Error!.Description, StringComparison.Ordinal);
        Assert.Equal("invalid_grant", (await AuthenticateAsync(parts[0] + ".e30." + parts[2])).Error?.Error);
        Assert.Equal("invalid_grant", (await AuthenticateAsync(parts[0] + ".bm90IGpzb24." + parts[2])).Error?.Error);
    }

    [Fact]
    public async Task Jti_IsSingleUse_UnlessTheTrustAllowsReuse()
    {
        var assertion = Assertion();
        Assert.Null((await AuthenticateAsync(assertion)).Error);
        Assert.Contains("already used", (await AuthenticateAsync(assertion)).Error!.Description, StringComparison.Ordinal);

        _world.Trusts[0] = _world.Trusts[0] with { AllowReuse = true };
        var reusable = Assertion(c => c.Remove("jti"));
        Assert.Null((await AuthenticateAsync(reusable)).Error);
        Assert.Null((await AuthenticateAsync(reusable)).Error);
    }

    [Fact]
    public async Task ClientIdMustMatch_AndAmbiguousMappingsAreRefused()
    {
        Assert.Contains("no trust of `other`", (await AuthenticateAsync(Assertion(), "other")).Error!.Description, StringComparison.Ordinal);

        _world.Trusts.Add(Trust("repo:acme/app:*", [IssuerJwk()], client: _world.Client with { ClientId = "bot-2", Subject = "bot-2" }));
        Assert.Contains("more than one identity", (await AuthenticateAsync(Assertion())).Error!.Description, StringComparison.Ordinal);
        Assert.Equal("bot-2", (await AuthenticateAsync(Assertion(), "bot-2")).Client!.ClientId);
    }

    [Fact]
    public async Task InactiveIdentity_IsRefused()
    {
        _world.Trusts[0] = _world.Trusts[0] with { Client = _world.Client with { IsActive = false } };

        Assert.Contains("not active", (await AuthenticateAsync(Assertion())).Error!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysByUri_AreFetched_AndRefetchedWhenTheIssuerRotates()
    {
        using var publisher = new JwksServer { Answer = ($$"""{"keys":[{{IssuerJwk().ToJson()}}]}""", 200, []) };
        _world.Trusts[0] = Trust("repo:acme/*:ref:refs/heads/main", [], publisher.Uri);
        Assert.Null((await AuthenticateAsync(Assertion())).Error);
        Assert.Null((await AuthenticateAsync(Assertion())).Error);
        Assert.Equal(1, publisher.Fetches);

        // The issuer rotates to a new kid: the unknown kid triggers one refetch (after the minimum interval).
        publisher.Answer = ($$"""{"keys":[{{IssuerJwk("ci-2").ToJson()}}]}""", 200, []);
        _world.Clock.Now += TimeSpan.FromSeconds(31);
        Assert.Null((await AuthenticateAsync(Assertion(header: """{"alg":"RS256","kid":"ci-2"}"""))).Error);
        Assert.Equal(2, publisher.Fetches);
    }
}
