using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mandate.Server.Tests.Node;

namespace Mandate.Server.Tests.OAuth;

/// <summary>A server configured for EdDSA signs with Ed25519; jose verifies its tokens from the JWKS, and so does Mandate itself.</summary>
public sealed class SigningAlgorithmTests
{
    [Fact]
    public async Task EdDsaServer_IssuesTokensThatJoseAndMandateVerify()
    {
        await using var server = await TestServer.StartAsync(o => o with { SigningAlgorithm = "EdDSA" });
        using var key = new AgentKey();
        await server.PostJsonAsync("/v1/identities", new { kind = "human", id = "alice", display_name = "Alice" });
        await server.PostJsonAsync("/v1/identities", new
        {
            kind = "agent", id = "eddsa-bot", display_name = "EdDSA bot", owner = "alice",
            credentials = new[] { new { kind = "public_key", jwk = key.PublicJwkJson } },
        });

        using var http = server.CreateClient();
        using var response = await http.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = key.Assertion("eddsa-bot", new Uri(server.BaseAddress, "/oauth2/token").ToString()),
        }));
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;

        using var agent = server.CreateClient(token);
        using var decision = await agent.PostAsJsonAsync("/access/v1/evaluation", new
        {
            subject = new { type = "Agent", id = "eddsa-bot" }, action = new { name = "read" }, resource = new { type = "Table", id = "t" },
        });
        Assert.Equal(HttpStatusCode.OK, decision.StatusCode);

        await NodeTestRunner.RunAsync("eddsa/jwks.test.mjs", server, new Dictionary<string, string> { ["MANDATE_TEST_TOKEN"] = token });
    }
}
