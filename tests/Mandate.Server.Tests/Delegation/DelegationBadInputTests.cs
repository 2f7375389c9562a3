using System.Net;
using System.Text;

namespace Mandate.Server.Tests.Delegation;

/// <summary>Garbage sent to token exchange, revocation and introspection: always RFC 6749/8693/7009 error JSON, never a 500.</summary>
public sealed class DelegationBadInputTests : FleetTests
{
    private string _root = null!;

    protected override async Task SeedAsync()
    {
        await Fleet.AddAsync("alice", "human");
        await Fleet.AddAsync("agent", "agent", owner: "alice");
        _root = await Fleet.TokenAsync("alice", ("scope", "read"));
    }

    public static TheoryData<string, string[], string> BadExchanges => new()
    {
        { "no subject", [], "invalid_request" },
        { "subject type missing", ["subject_token=$root"], "invalid_request" },
        { "unknown subject type", ["subject_token=$root", "subject_token_type=urn:x"], "invalid_request" },
        { "garbage subject", ["subject_token=eyJ.eyJ.sig", "subject_token_type=" + Fleet.AccessTokenType], "invalid_request" },
        { "huge subject", ["subject_token=" + new string('a', 20_000), "subject_token_type=" + Fleet.AccessTokenType], "invalid_request" },
        { "repeated subject", ["subject_token=$root", "subject_token=$root", "subject_token_type=" + Fleet.AccessTokenType], "invalid_request" },
        { "garbage actor", ["subject_token=$root", "subject_token_type=" + Fleet.AccessTokenType, "actor_token=%00%01", "actor_token_type=" + Fleet.AccessTokenType], "invalid_request" },
        { "details not json", ["subject_token=$root", "subject_token_type=" + Fleet.AccessTokenType, "authorization_details={{{"], "invalid_authorization_details" },
        { "details wrong type", ["subject_token=$root", "subject_token_type=" + Fleet.AccessTokenType, "authorization_details=[{\"type\":\"x\"}]"], "invalid_authorization_details" },
        { "txn without audience", ["subject_token=$root", "subject_token_type=" + Fleet.AccessTokenType, "requested_token_type=" + Fleet.TxnTokenType, "scope=read"], "invalid_target" },
        { "txn bad context", ["subject_token=$root", "subject_token_type=" + Fleet.AccessTokenType, "requested_token_type=" + Fleet.TxnTokenType, "scope=read", "audience=$issuer", "request_context=%FF"], "invalid_request" },
        { "bad may_act", ["subject_token=$root", "subject_token_type=" + Fleet.AccessTokenType, "may_act=a b"], "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(BadExchanges))]
    public async Task TokenExchange_Malformed_AnswersOAuthErrorJson(string name, string[] fields, string error)
    {
        var body = string.Join('&', fields.Select(f => f.Replace("$root", _root, StringComparison.Ordinal).Replace("$issuer", Uri.EscapeDataString(Fleet.Issuer), StringComparison.Ordinal))
            .Prepend("grant_type=" + Uri.EscapeDataString(Fleet.TokenExchange))
            .Concat(Fleet.ClientAuth("agent").Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")));

        await AssertOAuthErrorAsync("/oauth2/token", body, error, name);
    }

    public static TheoryData<string, string, string?, string> BadRevocations => new()
    {
        { "no token", "", "agent", "invalid_request" },
        { "repeated token", "token=a&token=b", "agent", "invalid_request" },
        { "no authentication", "token=abc", null, "invalid_client" },
        { "bad assertion", "token=abc&client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer&client_assertion=x.y.z", null, "invalid_client" },
        { "two methods", "token=abc&client_secret=x", "agent", "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(BadRevocations))]
    public async Task Revocation_Malformed_AnswersOAuthErrorJson(string name, string body, string? client, string error)
    {
        var auth = client is null ? string.Empty : string.Join('&', Fleet.ClientAuth(client).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));

        await AssertOAuthErrorAsync("/oauth2/revoke", string.Join('&', new[] { body, auth }.Where(p => p.Length > 0)), error, name);
    }

    [Theory]
    [InlineData("/oauth2/revoke")]
    [InlineData("/oauth2/introspect")]
    public async Task WrongContentType_IsInvalidRequest(string path)
    {
        using var client = Server.CreateClient();
        using var response = await client.PostAsync(path, new StringContent("""{"token":"x"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await TestServer.ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task RevokingGarbage_WithValidAuthentication_Succeeds()
    {
        var (status, _) = await Fleet.PostAsync("/oauth2/revoke", "agent", ("token", "not-a-token"), ("token_type_hint", "refresh_token"));

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Introspection_ByAClientWithItsAssertion_Works()
    {
        var (status, body) = await Fleet.PostAsync("/oauth2/introspect", "agent", ("token", _root));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("active").GetBoolean());
    }

    [Theory]
    [InlineData("/v1/delegations/x/revoke", """{"reason":"a\u0000b"}""")]
    [InlineData("/v1/delegations/x/revoke", """{"reason":7}""")]
    public async Task DelegationRevoke_WithBadBody_IsAProblem(string path, string body)
    {
        using var response = await Server.Admin.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task AssertOAuthErrorAsync(string path, string body, string error, string name)
    {
        using var client = Server.CreateClient();
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"));
        var json = await TestServer.ReadJsonAsync(response);

        Assert.True(json.TryGetProperty("error", out var code) && code.GetString() == error, $"{name}: {(int)response.StatusCode} {json}");
        Assert.InRange((int)response.StatusCode, 400, 401);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("error_description").GetString()));
    }
}
