using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.Server.Hosting;

namespace Mandate.Server.Tests;

/// <summary>
/// The foundation path over real HTTP: register an agent with a public key, get a client-credentials token with
/// a signed assertion, verify it against the published JWKS, ask for decisions, and find them in the event stream.
/// </summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private readonly AgentKey _key = new();

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        await _server.PostJsonAsync("/v1/identities", new { kind = "human", id = "alice", display_name = "Alice Ng" });
        await _server.PostJsonAsync("/v1/identities", new
        {
            kind = "agent",
            id = "invoice-bot",
            display_name = "Invoice bot",
            owner = "alice",
            purpose = "monthly close",
            credentials = new[] { new { kind = "public_key", jwk = _key.PublicJwkJson } },
        });
        await _server.PostJsonAsync("/v1/policies", new
        {
            id = "monthly-close",
            text = """
                permit (principal == Agent::"invoice-bot", action == Action::"read", resource == Table::"invoices")
                when { context.purpose == "monthly-close" && principal.owner == Human::"alice" };
                """,
        });
    }

    public async Task DisposeAsync()
    {
        _key.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Agent_GetsTokenAndDecisions_AndEveryDecisionIsAnEvent()
    {
        using var anonymous = _server.CreateClient();
        var metadata = await anonymous.GetFromJsonAsync<JsonElement>("/.well-known/oauth-authorization-server");
        var issuer = metadata.GetProperty("issuer").GetString()!;
        var tokenEndpoint = metadata.GetProperty("token_endpoint").GetString()!;

        var token = await RequestTokenAsync(anonymous, tokenEndpoint, _key.Assertion("invoice-bot", tokenEndpoint));
        var jwks = await anonymous.GetFromJsonAsync<JsonElement>(metadata.GetProperty("jwks_uri").GetString());
        var claims = VerifyWithJwks(token, jwks);
        Assert.Equal(issuer, claims.GetProperty("iss").GetString());
        Assert.Equal("invoice-bot", claims.GetProperty("sub").GetString());
        Assert.Equal("invoice-bot", claims.GetProperty("client_id").GetString());
        Assert.Equal(issuer, claims.GetProperty("aud").GetString());
        var lifetime = claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64();
        Assert.InRange(lifetime, 60, 300);

        using var agent = _server.CreateClient(token);
        Assert.True(await DecideAsync(agent, "monthly-close"));
        Assert.False(await DecideAsync(agent, "marketing"));

        var events = await WaitForEventsAsync("decision", 2);
        Assert.Contains(events, e => e.GetProperty("outcome").GetString() == "success"
            && e.GetProperty("actor_id").GetString() == "invoice-bot"
            && e.GetProperty("policies").EnumerateArray().Any(p => p.GetString() == "monthly-close")
            && e.GetProperty("token_id").GetString() == claims.GetProperty("jti").GetString());
        Assert.Contains(events, e => e.GetProperty("outcome").GetString() == "failure" && e.GetProperty("resource_id").GetString() == "invoices");
        Assert.NotEmpty(await WaitForEventsAsync("token.issued", 1));
    }

    [Fact]
    public async Task OneKeepAliveConnection_CarriesNoCallerFromOneRequestToTheNext()
    {
        using var anonymous = _server.CreateClient();
        var tokenEndpoint = _server.BaseAddress.GetLeftPart(UriPartial.Authority) + "/oauth2/token";
        var token = await RequestTokenAsync(anonymous, tokenEndpoint, _key.Assertion("invoice-bot", tokenEndpoint));

        // One connection for every request: the server reuses its per-request state on it.
        using var connection = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = _server.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, await SendAsync(connection, token, "invoices"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(connection, TestServer.AdminToken, "ledger"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(connection, null, "journal"));

        var asked = Assert.Single(await _server.WaitForEventsAsync("decision.evaluated", 1, e => e.GetProperty("resource_id").GetString() == "ledger"));
        Assert.True(!asked.TryGetProperty("token_id", out var tokenId) || tokenId.ValueKind == JsonValueKind.Null, asked.ToString());
        Assert.EndsWith("asked by admin", asked.GetProperty("message").GetString());
        Assert.DoesNotContain(await _server.WaitForEventsAsync("decision.evaluated", 2), e => e.GetProperty("resource_id").GetString() == "journal");

        static async Task<HttpStatusCode> SendAsync(HttpClient client, string? bearer, string table)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/access/v1/evaluation")
            {
                Content = JsonContent.Create(new
                {
                    subject = new { type = "Agent", id = "invoice-bot" },
                    action = new { name = "read" },
                    resource = new { type = "Table", id = table },
                    context = new { purpose = "monthly-close" },
                }),
            };
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }
    }

    [Fact]
    public async Task SuspendedAgent_LosesItsTokenAndIsDenied()
    {
        using var anonymous = _server.CreateClient();
        var tokenEndpoint = _server.BaseAddress.GetLeftPart(UriPartial.Authority) + "/oauth2/token";
        var token = await RequestTokenAsync(anonymous, tokenEndpoint, _key.Assertion("invoice-bot", tokenEndpoint));

        await _server.PostJsonAsync("/v1/identities/invoice-bot/suspend", new { reason = "kill switch test" }, 200);

        using var agent = _server.CreateClient(token);
        using var refused = await agent.PostAsJsonAsync("/access/v1/evaluation", Evaluation("monthly-close"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.False(await DecideAsync(_server.Admin, "monthly-close"));
        using var noToken = await anonymous.PostAsync(tokenEndpoint, Form(_key.Assertion("invoice-bot", tokenEndpoint)));
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal("invalid_client", (await TestServer.ReadJsonAsync(noToken)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Introspection_ReportsActiveTokens_AndInactiveOnceTheIdentityIsSuspended()
    {
        using var anonymous = _server.CreateClient();
        var tokenEndpoint = _server.BaseAddress.GetLeftPart(UriPartial.Authority) + "/oauth2/token";
        var token = await RequestTokenAsync(anonymous, tokenEndpoint, _key.Assertion("invoice-bot", tokenEndpoint));

        var active = await IntrospectAsync(token);
        Assert.True(active.GetProperty("active").GetBoolean());
        Assert.Equal("invoice-bot", active.GetProperty("sub").GetString());
        Assert.False((await IntrospectAsync(token[..^4] + "AAAA")).GetProperty("active").GetBoolean());
        Assert.False((await IntrospectAsync("not-a-token")).GetProperty("active").GetBoolean());

        await _server.PostJsonAsync("/v1/identities/invoice-bot/suspend", new { }, 200);
        Assert.Equal("""{"active":false}""", (await IntrospectAsync(token)).GetRawText());

        using var unauthenticated = await anonymous.PostAsync("/oauth2/introspect", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }

    private async Task<JsonElement> IntrospectAsync(string token)
    {
        using var response = await _server.Admin.PostAsync("/oauth2/introspect", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await TestServer.ReadJsonAsync(response);
    }

    [Fact]
    public async Task ApiKey_IsAFallbackThatWorksOverBasic_AndIsMarkedWeaker()
    {
        var created = await _server.PostJsonAsync("/v1/identities", new
        {
            kind = "service_account", id = "legacy-etl", display_name = "Legacy ETL", owner = "alice", credentials = new[] { new { kind = "api_key" } },
        });
        var secret = created.GetProperty("secrets")[0].GetProperty("secret").GetString()!;

        // The API names the key by its prefix and never answers with the hash that checks it.
        var credentialId = created.GetProperty("credentials")[0].GetProperty("id").GetString()!;
        foreach (var material in new[]
        {
            created.GetProperty("credentials")[0].GetProperty("material"),
            (await _server.GetJsonAsync($"/v1/credentials/{credentialId}")).GetProperty("material"),
            (await _server.GetJsonAsync("/v1/credentials?identity=legacy-etl")).GetProperty("items")[0].GetProperty("material"),
        })
        {
            Assert.StartsWith(material.GetProperty("prefix").GetString()!, secret, StringComparison.Ordinal);
            Assert.False(material.TryGetProperty("hash", out _), material.ToString());
        }

        using var client = _server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes("legacy-etl:" + secret)));

        using var response = await client.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }));
        var body = await TestServer.ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, body.ToString());

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes("legacy-etl:" + secret[..^1] + (secret[^1] == 'a' ? 'b' : 'a'))));
        using var refused = await client.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var issued = await WaitForEventsAsync("token.issued", 1);
        Assert.Contains(issued, e => e.GetProperty("actor_id").GetString() == "legacy-etl"
            && e.GetProperty("message").GetString()!.Contains("weaker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReplayedAssertion_IsRefusedWithInvalidClient()
    {
        using var anonymous = _server.CreateClient();
        var tokenEndpoint = _server.BaseAddress.GetLeftPart(UriPartial.Authority) + "/oauth2/token";
        var assertion = _key.Assertion("invoice-bot", tokenEndpoint);
        await RequestTokenAsync(anonymous, tokenEndpoint, assertion);

        using var replay = await anonymous.PostAsync(tokenEndpoint, Form(assertion));

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        var error = await TestServer.ReadJsonAsync(replay);
        Assert.Equal("invalid_client", error.GetProperty("error").GetString());
        Assert.Contains("jti", error.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(await WaitForEventsAsync("token.refused", 1));
    }

    private static FormUrlEncodedContent Form(string assertion) => new(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ["client_assertion"] = assertion,
    });

    private static async Task<string> RequestTokenAsync(HttpClient client, string tokenEndpoint, string assertion)
    {
        using var response = await client.PostAsync(tokenEndpoint, Form(assertion));
        var body = await TestServer.ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    private static object Evaluation(string purpose) => new
    {
        subject = new { type = "Agent", id = "invoice-bot" },
        action = new { name = "read" },
        resource = new { type = "Table", id = "invoices" },
        context = new { purpose },
    };

    private static async Task<bool> DecideAsync(HttpClient client, string purpose)
    {
        using var response = await client.PostAsJsonAsync("/access/v1/evaluation", Evaluation(purpose), ApiJson.Options);
        var body = await TestServer.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("decision").GetBoolean();
    }

    private static JsonElement VerifyWithJwks(string token, JsonElement jwks)
    {
        var parts = token.Split('.');
        var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement;
        Assert.Equal("at+jwt", header.GetProperty("typ").GetString());
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        var jwk = jwks.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == header.GetProperty("kid").GetString());
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint
            {
                X = Base64Url.DecodeFromChars(jwk.GetProperty("x").GetString()),
                Y = Base64Url.DecodeFromChars(jwk.GetProperty("y").GetString()),
            },
        });
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]),
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        return JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement.Clone();
    }

    private Task<List<JsonElement>> WaitForEventsAsync(string type, int count) => _server.WaitForEventsAsync(type, count);
}
