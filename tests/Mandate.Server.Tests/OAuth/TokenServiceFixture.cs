using System.Net.Http.Json;
using System.Text.Json;

namespace Mandate.Server.Tests.OAuth;

/// <summary>A server with a human owner and one agent holding <see cref="Key"/>, and helpers to ask its token service.</summary>
public sealed class TokenServiceFixture : IAsyncLifetime
{
    public const string AgentId = "oauth-bot";

    public TestServer Server { get; private set; } = null!;

    public AgentKey Key { get; } = new();

    public string TokenEndpoint => new Uri(Server.BaseAddress, "/oauth2/token").ToString();

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        await Server.PostJsonAsync("/v1/identities", new { kind = "human", id = "alice", display_name = "Alice" });
        await Server.PostJsonAsync("/v1/identities", new
        {
            kind = "agent", id = AgentId, display_name = "OAuth bot", owner = "alice",
            credentials = new[] { new { kind = "public_key", jwk = Key.PublicJwkJson } },
        });
    }

    public async Task DisposeAsync()
    {
        Key.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>Posts a client-credentials token request with a fresh assertion, and a DPoP proof when given.</summary>
    public async Task<(HttpResponseMessage Response, JsonElement Body)> RequestTokenAsync(IDictionary<string, string>? extra = null, string? dpopProof = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = Key.Assertion(AgentId, TokenEndpoint),
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
        {
            form[name] = value;
        }

        using var http = Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token") { Content = new FormUrlEncodedContent(form) };
        if (dpopProof is not null)
        {
            request.Headers.Add("DPoP", dpopProof);
        }

        var response = await http.SendAsync(request);
        return (response, await TestServer.ReadJsonAsync(response));
    }

    /// <summary>A DPoP-bound token: one request for the nonce, one with it.</summary>
    public async Task<string> DpopTokenAsync()
    {
        var (first, _) = await RequestTokenAsync(dpopProof: Key.DpopProof("POST", TokenEndpoint));
        var nonce = first.Headers.GetValues("DPoP-Nonce").Single();
        var (second, body) = await RequestTokenAsync(dpopProof: Key.DpopProof("POST", TokenEndpoint, nonce: nonce));
        Assert.True(second.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();
}
