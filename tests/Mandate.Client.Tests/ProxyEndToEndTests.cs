using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Client.Enforcement;
using Mandate.Client.Tokens;
using Mandate.Proxy;
using Mandate.Server.Tests;
using Mandate.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Client.Tests;

/// <summary>
/// An upstream service behind <c>mandate proxy</c>, an agent with a Mandate token got with <c>client_credentials</c> and
/// <c>private_key_jwt</c>: allowed calls pass, disallowed, out-of-purpose and post-kill-switch calls get 403, callers
/// without a valid token for this audience get 401, and every decision is in Mandate's event stream.
/// </summary>
public sealed class ProxyEndToEndTests
{
    private const string Audience = "https://invoices.test";

    [Theory]
    [InlineData(DecisionMode.Remote)]
    [InlineData(DecisionMode.InProcess)]
    public async Task Proxy_ForwardsOnlyAllowedCalls_AndEveryDecisionIsAnEvent(DecisionMode mode)
    {
        await using var server = await TestServer.StartAsync();
        await using var upstream = await Upstream.StartAsync();
        using var agentKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await RegisterAsync(server, agentKey);
        await using var proxy = await MandateProxy.StartAsync(Configuration(server, upstream, mode), TestServer.AdminToken);
        using var http = new HttpClient();
        var tokens = new MandateTokenClient(http, server.BaseAddress, "invoice-bot", agentKey);
        var token = await tokens.GetTokenAsync(Audience);
        Assert.Same(token, await tokens.GetTokenAsync(Audience));
        using var client = new HttpClient { BaseAddress = proxy.Addresses[0] };

        using (var allowed = await SendAsync(client, HttpMethod.Get, "/invoices/7", token, "monthly-close"))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            Assert.Equal("7", (await allowed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("invoice").GetString());
        }

        var reached = upstream.Hits;
        await AssertRefusedAsync(client, HttpMethod.Post, "/invoices/7/pay", token, "monthly-close", HttpStatusCode.Forbidden, "access_denied");
        await AssertRefusedAsync(client, HttpMethod.Get, "/invoices/7", token, "marketing", HttpStatusCode.Forbidden, "access_denied");
        await AssertRefusedAsync(client, HttpMethod.Get, "/invoices/7", token, null, HttpStatusCode.Forbidden, "access_denied");
        await AssertRefusedAsync(client, HttpMethod.Get, "/reports/q3", token, "monthly-close", HttpStatusCode.Forbidden, "no_route_mapping");
        await AssertRefusedAsync(client, HttpMethod.Get, "/invoices/7", null, "monthly-close", HttpStatusCode.Unauthorized, "unauthenticated");
        var forMandate = await tokens.GetTokenAsync();
        await AssertRefusedAsync(client, HttpMethod.Get, "/invoices/7", forMandate, "monthly-close", HttpStatusCode.Unauthorized, "unauthenticated");
        await AssertRefusedAsync(client, HttpMethod.Get, "/invoices/7", token[..^4] + "AAAA", "monthly-close", HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal(reached, upstream.Hits);

        using (var health = await client.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        // The kill switch: the token stays cryptographically valid, but every decision for the agent is now a deny.
        var before = proxy.Snapshots?.Version;
        await server.PostJsonAsync("/v1/identities/invoice-bot/suspend", new { reason = "kill switch" }, 200);
        if (proxy.Snapshots is { } snapshots)
        {
            await PollAsync(() => snapshots.Version != before, "the proxy never received the snapshot with the suspension");
        }

        await AssertRefusedAsync(client, HttpMethod.Get, "/invoices/7", token, "monthly-close", HttpStatusCode.Forbidden, "access_denied");

        var decisions = await WaitForDecisionsAsync(server, 5);
        Assert.Single(decisions, e => e.GetProperty("outcome").GetString() == "success" && e.GetProperty("action").GetString() == "read");
        Assert.Single(decisions, e => e.GetProperty("outcome").GetString() == "failure" && e.GetProperty("action").GetString() == "pay");
        Assert.Equal(3, decisions.Count(e => e.GetProperty("outcome").GetString() == "failure" && e.GetProperty("action").GetString() == "read"));
        Assert.Contains(decisions, e => e.GetProperty("message").GetString()!.Contains("suspended", StringComparison.Ordinal));
        Assert.All(decisions, e => Assert.Equal("Invoice", e.GetProperty("resource_type").GetString()));
        if (mode == DecisionMode.InProcess)
        {
            Assert.All(decisions, e => Assert.Equal("mandate-proxy", e.GetProperty("source").GetString()));
            Assert.All(decisions, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("token_id").GetString())));
        }
    }

    [Theory]
    [InlineData(DecisionMode.Remote)]
    [InlineData(DecisionMode.InProcess)]
    public async Task ATokensAuthorizationDetails_BindItInBothModes(DecisionMode mode)
    {
        await using var server = await TestServer.StartAsync();
        await using var upstream = await Upstream.StartAsync();
        using var key = new AgentKey();
        await RegisterAsync(server, key.PublicJwkJson);
        await using var proxy = await MandateProxy.StartAsync(Configuration(server, upstream, mode), TestServer.AdminToken);
        var token = await DetailedTokenAsync(server, key, """
            [{"type": "mandate", "actions": ["read"], "resources": ["Invoice::\"7\""], "purpose": "monthly-close"}]
            """);
        using var client = new HttpClient { BaseAddress = proxy.Addresses[0] };

        // The detail binds the purpose too: a request that states none is decided with it.
        using (var allowed = await SendAsync(client, HttpMethod.Get, "/invoices/7", token, null))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        var reached = upstream.Hits;
        await AssertRefusedAsync(client, HttpMethod.Get, "/invoices/8", token, "monthly-close", HttpStatusCode.Forbidden, "access_denied");
        Assert.Equal(reached, upstream.Hits);
    }

    private static async Task<string> DetailedTokenAsync(TestServer server, AgentKey key, string details)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = key.Assertion("invoice-bot", new Uri(server.BaseAddress, "/oauth2/token").ToString()),
            ["resource"] = Audience,
            ["authorization_details"] = details,
        };
        using var http = server.CreateClient();
        using var response = await http.PostAsync("/oauth2/token", new FormUrlEncodedContent(form));
        var body = await TestServer.ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    internal static Task RegisterAsync(TestServer server, ECDsa agentKey) =>
        RegisterAsync(server, JsonDocument.Parse(Mandate.Tokens.Jose.EcPublicJwk.FromKey(agentKey).ToJson()).RootElement);

    internal static async Task RegisterAsync(TestServer server, JsonElement agentJwk)
    {
        await server.PostJsonAsync("/v1/identities", new { kind = "human", id = "alice", display_name = "Alice Ng" });
        await server.PostJsonAsync("/v1/identities", new
        {
            kind = "agent",
            id = "invoice-bot",
            display_name = "Invoice bot",
            owner = "alice",
            credentials = new[] { new { kind = "public_key", jwk = agentJwk } },
        });
        await server.PostJsonAsync("/v1/policies", new
        {
            id = "read-invoices",
            text = """
                permit (principal == Agent::"invoice-bot", action == Action::"read", resource is Invoice)
                when { context has purpose && context.purpose == "monthly-close" };
                """,
        });
    }

    internal static ProxyConfiguration Configuration(TestServer server, Upstream upstream, DecisionMode mode) =>
        ProxyConfiguration.Parse($$"""
            {
              "upstream": "{{upstream.Address}}",
              "listen": ["http://127.0.0.1:0"],
              "server": "{{server.BaseAddress}}",
              "audience": "{{Audience}}",
              "mode": "{{(mode == DecisionMode.Remote ? "remote" : "in_process")}}",
              "routes": [
                { "method": "GET", "path": "/invoices/{id}", "action": "read", "resource": "Invoice::\"{id}\"" },
                { "method": "POST", "path": "/invoices/{id}/pay", "action": "pay", "resource": "Invoice::\"{id}\"" }
              ],
              "context_headers": { "X-Purpose": "purpose" },
              "anonymous_paths": ["/healthz"]
            }
            """);

    private static async Task AssertRefusedAsync(HttpClient client, HttpMethod method, string path, string? token, string? purpose, HttpStatusCode status, string code)
    {
        using var response = await SendAsync(client, method, path, token, purpose);
        var problem = await TestServer.ReadJsonAsync(response);
        Assert.True(status == response.StatusCode, $"{method} {path}: expected {status}, got {response.StatusCode}: {problem}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        if (status == HttpStatusCode.Unauthorized)
        {
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? token, string? purpose)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (purpose is not null)
        {
            request.Headers.Add("X-Purpose", purpose);
        }

        return await client.SendAsync(request);
    }

    private static async Task<List<JsonElement>> WaitForDecisionsAsync(TestServer server, int count)
    {
        var pipeline = server.Server.Services.GetRequiredService<EventPipeline>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var appended = pipeline.NextAppend;
            var page = await server.GetJsonAsync("/v1/events?type=decision.evaluated&limit=1000");
            var items = page.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("actor_id").GetString() == "invoice-bot").ToList();
            if (items.Count >= count)
            {
                return items;
            }

            await appended.WaitAsync(timeout.Token);
        }
    }

    internal static async Task PollAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(20);
        }
    }
}
