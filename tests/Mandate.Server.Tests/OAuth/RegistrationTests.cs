using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mandate.Server.Hosting;

namespace Mandate.Server.Tests.OAuth;

/// <summary>RFC 7591 registration over HTTP: initial access tokens, the identity it creates, and its refusals.</summary>
public sealed class RegistrationTests(TokenServiceFixture fixture) : IClassFixture<TokenServiceFixture>
{
    private async Task<JsonElement> IssueAsync(object body) => await fixture.Server.PostJsonAsync("/v1/registration-tokens", body);

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> RegisterAsync(string? token, object metadata)
    {
        using var http = fixture.Server.CreateClient(token);
        var response = await http.PostAsJsonAsync("/oauth2/register", metadata, ApiJson.Options);
        return (response.StatusCode, await TestServer.ReadJsonAsync(response), response);
    }

    [Fact]
    public async Task Registration_CreatesAnOwnedIdentityWithItsKeys_ThatGetsTokens()
    {
        var issued = await IssueAsync(new { owner = "alice", kind = "service_account", max_uses = 2, expires_in = 600 });
        Assert.StartsWith("mnd_reg_", issued.GetProperty("token").GetString(), StringComparison.Ordinal);
        using var key = new AgentKey();

        var (status, body, _) = await RegisterAsync(issued.GetProperty("token").GetString(), new
        {
            client_name = "Billing sync",
            jwks = new { keys = new[] { key.PublicJwkJson } },
            software_id = "billing-sync",
            unknown_member = "ignored",
        });

        Assert.Equal(HttpStatusCode.Created, status);
        var clientId = body.GetProperty("client_id").GetString()!;
        Assert.Equal("private_key_jwt", body.GetProperty("token_endpoint_auth_method").GetString());
        Assert.Equal("service_account", body.GetProperty("mandate_kind").GetString());
        Assert.False(body.TryGetProperty("client_secret", out _));
        var identity = await fixture.Server.GetJsonAsync($"/v1/identities/{clientId}");
        Assert.Equal("alice", identity.GetProperty("owner").GetString());
        Assert.Equal("Billing sync", identity.GetProperty("display_name").GetString());
        Assert.Equal("billing-sync", identity.GetProperty("labels").GetProperty("software-id").GetString());

        using var http = fixture.Server.CreateClient();
        using var token = await http.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = key.Assertion(clientId, fixture.TokenEndpoint),
        }));
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);

        var used = await fixture.Server.GetJsonAsync($"/v1/registration-tokens/{issued.GetProperty("id").GetString()}");
        Assert.Equal(1, used.GetProperty("uses").GetInt32());
        Assert.False(used.TryGetProperty("token", out _));
    }

    [Fact]
    public async Task InitialAccessToken_IsRequired_SpentPerRegistration_AndRevocable()
    {
        using var key = new AgentKey();
        var metadata = new { jwks = new { keys = new[] { key.PublicJwkJson } } };
        var (missing, missingBody, missingResponse) = await RegisterAsync(null, metadata);
        Assert.Equal(HttpStatusCode.Unauthorized, missing);
        Assert.Equal("invalid_token", missingBody.GetProperty("error").GetString());
        Assert.Contains(missingResponse.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.Equal(HttpStatusCode.Unauthorized, (await RegisterAsync(TestServer.AdminToken, metadata)).Status);

        var once = (await IssueAsync(new { owner = "alice" })).GetProperty("token").GetString();
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(once, metadata)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RegisterAsync(once, metadata)).Status);

        var revokedToken = await IssueAsync(new { owner = "alice", max_uses = 5 });
        await fixture.Server.PostJsonAsync($"/v1/registration-tokens/{revokedToken.GetProperty("id").GetString()}/revoke", new { }, 200);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RegisterAsync(revokedToken.GetProperty("token").GetString(), metadata)).Status);
    }

    [Fact]
    public async Task WithoutAValidToken_TheJwksUriIsNeverFetched()
    {
        using var publisher = new System.Net.HttpListener();
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        publisher.Prefixes.Add($"http://127.0.0.1:{port}/");
        publisher.Start();
        var fetched = publisher.GetContextAsync();

        var (status, _, _) = await RegisterAsync("mnd_reg_forged", new { jwks_uri = $"http://127.0.0.1:{port}/jwks" });

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.False(fetched.IsCompleted);
        publisher.Stop();
    }

    public static TheoryData<string, string, string> BadMetadata => new()
    {
        { "no keys", """{"client_name":"x"}""", "invalid_client_metadata" },
        { "both jwks and jwks_uri", """{"jwks":{"keys":[]},"jwks_uri":"https://keys.example/jwks"}""", "invalid_client_metadata" },
        { "empty jwks", """{"jwks":{"keys":[]}}""", "invalid_client_metadata" },
        { "private key in jwks", """{"jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA","d":"AA"}]}}""", "invalid_client_metadata" },
        { "symmetric key", """{"jwks":{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}}""", "invalid_client_metadata" },
        { "http jwks_uri", """{"jwks_uri":"http://keys.example/jwks"}""", "invalid_client_metadata" },
        { "unreachable jwks_uri", """{"jwks_uri":"http://127.0.0.1:9/jwks"}""", "invalid_client_metadata" },
        { "client_secret_basic", """{"token_endpoint_auth_method":"client_secret_basic","jwks_uri":"https://keys.example/jwks"}""", "invalid_client_metadata" },
        { "authorization_code grant", """{"grant_types":["authorization_code"],"jwks_uri":"https://keys.example/jwks"}""", "invalid_client_metadata" },
        { "redirect uris", """{"redirect_uris":["https://app.example/cb"],"jwks_uri":"https://keys.example/jwks"}""", "invalid_redirect_uri" },
        { "response types", """{"response_types":["code"],"jwks_uri":"https://keys.example/jwks"}""", "invalid_client_metadata" },
        { "client_name not a string", """{"client_name":42,"jwks_uri":"https://keys.example/jwks"}""", "invalid_client_metadata" },
        { "bad environment", """{"mandate_environment":"../prod","jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}}""", "invalid_client_metadata" },
    };

    [Theory]
    [MemberData(nameof(BadMetadata))]
    public async Task BadMetadata_IsRefused_WithoutSpendingTheToken(string name, string metadata, string error)
    {
        var issued = await IssueAsync(new { owner = "alice" });
        using var http = fixture.Server.CreateClient(issued.GetProperty("token").GetString());
        using var response = await http.PostAsync("/oauth2/register", new StringContent(metadata, System.Text.Encoding.UTF8, "application/json"));
        var body = await TestServer.ReadJsonAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {body}");
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal(0, (await fixture.Server.GetJsonAsync($"/v1/registration-tokens/{issued.GetProperty("id").GetString()}")).GetProperty("uses").GetInt32());
    }

    [Theory]
    [InlineData("""{"owner":"nobody"}""")]
    [InlineData("""{"owner":"alice","kind":"human"}""")]
    [InlineData("""{"owner":"alice","max_uses":0}""")]
    [InlineData("""{"owner":"alice","expires_in":99999999999999}""")]
    [InlineData("""{"owner":"oauth-bot"}""")]
    public async Task IssuingABadRegistrationToken_IsAProblem(string body)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await fixture.Server.Admin.PostAsync("/v1/registration-tokens", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_argument", (await TestServer.ReadJsonAsync(response)).GetProperty("code").GetString());
    }
}
