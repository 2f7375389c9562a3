using System.Net;
using System.Net.Http.Headers;
using Mandate.Client.Enforcement;
using Mandate.Proxy;
using Mandate.Server.Tests;

namespace Mandate.Client.Tests;

/// <summary>
/// RFC 9449 at an enforcement point: a DPoP-bound token reaches the upstream only with a fresh proof for that very
/// request, signed by the key it is bound to; as a bearer token, with no proof, a replayed, misdirected or foreign
/// proof, it is refused with 401 and a DPoP challenge.
/// </summary>
public sealed class DpopEnforcementTests
{
    private const string Audience = "https://invoices.test";

    [Fact]
    public async Task BoundToken_PassesOnlyWithAProofForThisRequestByTheBoundKey()
    {
        await using var server = await TestServer.StartAsync();
        await using var upstream = await Upstream.StartAsync();
        using var key = new AgentKey();
        using var thief = new AgentKey();
        await ProxyEndToEndTests.RegisterAsync(server, key.PublicJwkJson);
        await using var proxy = await MandateProxy.StartAsync(ProxyEndToEndTests.Configuration(server, upstream, DecisionMode.Remote), TestServer.AdminToken);
        var token = await BoundTokenAsync(server, key);
        using var client = new HttpClient { BaseAddress = proxy.Addresses[0] };
        var url = new Uri(proxy.Addresses[0], "/invoices/7").ToString();

        await AssertAsync(client, HttpStatusCode.OK, "DPoP", token, key.DpopProof("GET", url, token));
        var once = key.DpopProof("GET", url, token);
        await AssertAsync(client, HttpStatusCode.OK, "DPoP", token, once);
        var reached = upstream.Hits;

        await AssertAsync(client, HttpStatusCode.Unauthorized, "DPoP", token, once, "already used");
        await AssertAsync(client, HttpStatusCode.Unauthorized, "Bearer", token, null, "DPoP-bound");
        await AssertAsync(client, HttpStatusCode.Unauthorized, "Bearer", token, key.DpopProof("GET", url, token), "DPoP-bound");
        await AssertAsync(client, HttpStatusCode.Unauthorized, "DPoP", token, null, "`DPoP` proof header");
        await AssertAsync(client, HttpStatusCode.Unauthorized, "DPoP", token, key.DpopProof("POST", url, token), "htm");
        await AssertAsync(client, HttpStatusCode.Unauthorized, "DPoP", token, key.DpopProof("GET", url + "8", token), "htu");
        await AssertAsync(client, HttpStatusCode.Unauthorized, "DPoP", token, key.DpopProof("GET", url, "another-token"), "ath");
        await AssertAsync(client, HttpStatusCode.Unauthorized, "DPoP", token, thief.DpopProof("GET", url, token), "another key");
        Assert.Equal(reached, upstream.Hits);
    }

    [Fact]
    public async Task BehindATlsTerminator_AProofNamingThePublicUrlPasses()
    {
        await using var server = await TestServer.StartAsync();
        await using var upstream = await Upstream.StartAsync();
        using var key = new AgentKey();
        await ProxyEndToEndTests.RegisterAsync(server, key.PublicJwkJson);
        var configuration = ProxyEndToEndTests.Configuration(server, upstream, DecisionMode.Remote) with { PublicOrigin = new Uri("https://invoices.example") };
        await using var proxy = await MandateProxy.StartAsync(configuration, TestServer.AdminToken);
        var token = await BoundTokenAsync(server, key);
        using var client = new HttpClient { BaseAddress = proxy.Addresses[0] };

        await AssertAsync(client, HttpStatusCode.OK, "DPoP", token, key.DpopProof("GET", "https://invoices.example/invoices/7", token));
        await AssertAsync(client, HttpStatusCode.OK, "DPoP", token, key.DpopProof("GET", new Uri(proxy.Addresses[0], "/invoices/7").ToString(), token));
        await AssertAsync(client, HttpStatusCode.Unauthorized, "DPoP", token, key.DpopProof("GET", "https://elsewhere.example/invoices/7", token), "htu");
        await AssertAsync(client, HttpStatusCode.Unauthorized, "DPoP", token, key.DpopProof("GET", "http://invoices.example/invoices/7", token), "htu");
    }

    [Theory]
    [InlineData("https://invoices.example/api")]
    [InlineData("https://invoices.example/?x=1")]
    [InlineData("ftp://invoices.example")]
    [InlineData("https://user@invoices.example")]
    public async Task APublicOriginThatIsNotAnOrigin_IsRefusedAtStart(string origin)
    {
        await using var server = await TestServer.StartAsync();
        await using var upstream = await Upstream.StartAsync();
        var configuration = ProxyEndToEndTests.Configuration(server, upstream, DecisionMode.Remote) with { PublicOrigin = new Uri(origin) };

        var refused = await Assert.ThrowsAsync<ArgumentException>(async () => await (await MandateProxy.StartAsync(configuration, TestServer.AdminToken)).DisposeAsync());

        Assert.Contains("public origin", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BearerToken_IsRefusedWithTheDpopScheme()
    {
        await using var server = await TestServer.StartAsync();
        await using var upstream = await Upstream.StartAsync();
        using var key = new AgentKey();
        await ProxyEndToEndTests.RegisterAsync(server, key.PublicJwkJson);
        await using var proxy = await MandateProxy.StartAsync(ProxyEndToEndTests.Configuration(server, upstream, DecisionMode.Remote), TestServer.AdminToken);
        var (_, body) = await RequestTokenAsync(server, key, null);
        var token = body.GetProperty("access_token").GetString()!;
        using var client = new HttpClient { BaseAddress = proxy.Addresses[0] };
        var url = new Uri(proxy.Addresses[0], "/invoices/7").ToString();

        await AssertAsync(client, HttpStatusCode.OK, "Bearer", token, null);
        await AssertAsync(client, HttpStatusCode.Unauthorized, "DPoP", token, key.DpopProof("GET", url, token), "bearer token");
    }

    private static async Task<string> BoundTokenAsync(TestServer server, AgentKey key)
    {
        var endpoint = new Uri(server.BaseAddress, "/oauth2/token").ToString();
        var (first, _) = await RequestTokenAsync(server, key, key.DpopProof("POST", endpoint));
        var nonce = first.Headers.GetValues("DPoP-Nonce").Single();
        var (second, body) = await RequestTokenAsync(server, key, key.DpopProof("POST", endpoint, nonce: nonce));
        Assert.True(second.IsSuccessStatusCode, body.ToString());
        Assert.Equal("DPoP", body.GetProperty("token_type").GetString());
        return body.GetProperty("access_token").GetString()!;
    }

    private static async Task<(HttpResponseMessage Response, System.Text.Json.JsonElement Body)> RequestTokenAsync(TestServer server, AgentKey key, string? proof)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = key.Assertion("invoice-bot", new Uri(server.BaseAddress, "/oauth2/token").ToString()),
            ["resource"] = Audience,
        };
        using var http = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token") { Content = new FormUrlEncodedContent(form) };
        if (proof is not null)
        {
            request.Headers.Add("DPoP", proof);
        }

        var response = await http.SendAsync(request);
        return (response, await TestServer.ReadJsonAsync(response));
    }

    private static async Task AssertAsync(HttpClient client, HttpStatusCode expected, string scheme, string token, string? proof, string? detail = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/invoices/7");
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        request.Headers.Add("X-Purpose", "monthly-close");
        if (proof is not null)
        {
            request.Headers.Add("DPoP", proof);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{scheme} with {(proof is null ? "no proof" : "a proof")}: expected {expected}, got {response.StatusCode}: {body}");
        if (expected == HttpStatusCode.Unauthorized)
        {
            Assert.Contains(detail!, body, StringComparison.Ordinal);
            Assert.StartsWith("DPoP ", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }
}
