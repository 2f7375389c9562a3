using System.Text.Json;

namespace Mandate.Tokens.Tests.Issuance;

public sealed class TokenEndpointTests : IDisposable
{
    private readonly TokenWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task ClientCredentials_IssuesAnRfc9068AccessToken()
    {
        var result = await _world.RequestAsync(_world.Form(_world.Assertion(), ("scope", "read read write")));

        Assert.Null(result.Error);
        Assert.Equal(300, result.ExpiresIn);
        var header = JsonDocument.Parse(TokenWorld.Part(result.Token!.AccessToken, 0)).RootElement;
        var claims = JsonDocument.Parse(TokenWorld.Part(result.Token.AccessToken, 1)).RootElement;
        Assert.Equal("at+jwt", header.GetProperty("typ").GetString());
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.Equal(_world.Keys.Current.KeyId, header.GetProperty("kid").GetString());
        Assert.Equal("https://mandate.test", claims.GetProperty("iss").GetString());
        Assert.Equal("https://mandate.test", claims.GetProperty("aud").GetString());
        Assert.Equal("bot", claims.GetProperty("sub").GetString());
        Assert.Equal("bot", claims.GetProperty("client_id").GetString());
        Assert.Equal("read write", claims.GetProperty("scope").GetString());
        Assert.Equal(300, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());
        Assert.False(string.IsNullOrEmpty(claims.GetProperty("jti").GetString()));
        Assert.Equal(["issued bot"], _world.Outcomes);
    }

    [Theory]
    [InlineData(new[] { 60 }, 60)]
    [InlineData(new[] { 60, 120 }, 120)]
    [InlineData(new[] { 60, -1 }, 300)]
    [InlineData(new[] { 3600 }, 300)]
    public async Task ClientCredentials_LifetimeNeverPassesTheLatestNotAfterOfItsDetails(int[] endsIn, int lifetime)
    {
        var details = endsIn.Select(seconds => seconds < 0
            ? """{"type":"mandate","actions":["read"]}"""
            : $$"""{"type":"mandate","actions":["read"],"not_after":"{{_world.Clock.Now.AddSeconds(seconds):yyyy-MM-ddTHH:mm:ssZ}}"}""");

        var result = await _world.RequestAsync(_world.Form(_world.Assertion(), ("authorization_details", $"[{string.Join(',', details)}]")));

        Assert.True(result.Error is null, result.Error?.Description);
        Assert.Equal(lifetime, result.ExpiresIn);
        Assert.Equal(_world.Clock.Now.AddSeconds(lifetime), result.Token!.ExpiresAt);
        var claims = TokenWorld.Claims(result.Token.AccessToken);
        Assert.Equal(lifetime, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());
    }

    [Fact]
    public async Task ATokenLongerThanAnyValidatorAccepts_IsNotIssued()
    {
        // Each part within its own limit: 2 K of scope, 8 details of about 900 characters, 10 resources of about 500 characters.
        var scope = string.Join(' ', Enumerable.Range(0, 200).Select(i => $"scope{i:D4}"));
        var tables = string.Join(',', Enumerable.Range(0, 18).Select(i => $$"""
            "Table::\"t{{i:D20}}\""
            """));
        var detail = $$"""{"type":"mandate","actions":["read"],"purpose":"{{new string('p', 250)}}","resources":[{{tables}}]}""";
        var details = "[" + string.Join(',', Enumerable.Repeat(detail, 8)) + "]";
        (string, string)[] resources = [.. Enumerable.Range(0, 10).Select(i => ("resource", $"https://api{i}.example/{new string('r', 480)}"))];

        var result = await _world.RequestAsync(_world.Form(_world.Assertion(), [("scope", scope), ("authorization_details", details), .. resources]));

        Assert.True(result.Error?.Error == "invalid_request", result.Error?.Description ?? "issued");
        Assert.Contains("too long", result.Error!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resources_BecomeTheAudience()
    {
        var result = await _world.RequestAsync(_world.Form(_world.Assertion(), ("resource", "https://api.one/"), ("resource", "https://api.two/")));

        var audiences = JsonDocument.Parse(TokenWorld.Part(result.Token!.AccessToken, 1)).RootElement.GetProperty("aud");
        Assert.Equal(["https://api.one/", "https://api.two/"], audiences.EnumerateArray().Select(a => a.GetString()));
        Assert.Null(_world.Validator.Validate(result.Token.AccessToken, "https://api.two/").Error);
        Assert.NotNull(_world.Validator.Validate(result.Token.AccessToken).Error);
    }

    public static TheoryData<string, Dictionary<string, string[]>, string> BadRequests => new()
    {
        { "no grant", new() { ["client_id"] = ["bot"] }, "invalid_request" },
        { "password grant", new() { ["grant_type"] = ["password"] }, "unsupported_grant_type" },
        { "repeated grant", new() { ["grant_type"] = ["client_credentials", "client_credentials"] }, "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task MalformedRequests_GetTheRightOAuthError(string name, Dictionary<string, string[]> form, string error)
    {
        var result = await _world.RequestAsync(form);

        Assert.True(result.Error?.Error == error, name);
        Assert.Equal(["refused " + error], _world.Outcomes);
    }

    [Theory]
    [InlineData("scope", "read \"all\"", "invalid_scope")]
    [InlineData("resource", "/relative", "invalid_target")]
    [InlineData("resource", "https://api.example/#fragment", "invalid_target")]
    public async Task BadScopeOrResource_AreRefused(string name, string value, string error)
    {
        var result = await _world.RequestAsync(_world.Form(_world.Assertion(), (name, value)));

        Assert.Equal(error, result.Error?.Error);
    }

    [Fact]
    public async Task ApiKey_AuthenticatesByPostOrBasic_AndIsRecordedAsTheWeakerMethod()
    {
        var posted = await _world.RequestAsync(new Dictionary<string, string[]>
        {
            ["grant_type"] = ["client_credentials"], ["client_id"] = ["bot"], ["client_secret"] = [TokenWorld.Secret],
        });
        var basic = await _world.Endpoint.HandleAsync(new Dictionary<string, string[]> { ["grant_type"] = ["client_credentials"] },
            new Mandate.Tokens.TokenRequestContext(null, null, null, new Mandate.Tokens.BasicCredentials("bot", TokenWorld.Secret)), CancellationToken.None);
        var wrong = await _world.RequestAsync(new Dictionary<string, string[]>
        {
            ["grant_type"] = ["client_credentials"], ["client_id"] = ["bot"], ["client_secret"] = ["guess"],
        });
        var both = await _world.RequestAsync(_world.Form(_world.Assertion(), ("client_id", "bot"), ("client_secret", TokenWorld.Secret)));

        Assert.Equal("client_secret_post", posted.Token?.AuthenticationMethod);
        Assert.Equal("client_secret_basic", basic.Token?.AuthenticationMethod);
        Assert.Equal("crd_key", basic.Token!.CredentialId);
        Assert.Equal("invalid_client", wrong.Error?.Error);
        Assert.Equal("invalid_request", both.Error?.Error);
    }

    [Fact]
    public async Task BadClientAuthentication_IsInvalidClientWith401()
    {
        var result = await _world.RequestAsync(_world.Form(_world.Assertion(c => c["aud"] = "https://evil.example")));

        Assert.Equal("invalid_client", result.Error?.Error);
        Assert.Equal(401, result.Error!.Status);
    }
}
