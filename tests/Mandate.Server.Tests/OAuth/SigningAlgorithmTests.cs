using System.Net;
using System.Net.Http.Json;
using Mandate.Server.Tests.Delegation;
using Mandate.Server.Tests.Node;

namespace Mandate.Server.Tests.OAuth;

/// <summary>A server configured for EdDSA signs with Ed25519; jose verifies its tokens from the JWKS, and so does Mandate itself.</summary>
public sealed class SigningAlgorithmTests
{
    [Fact]
    public async Task EdDsaServer_IssuesTokensThatJoseAndMandateVerify()
    {
        await using var server = await TestServer.StartAsync(o => o with { SigningAlgorithm = "EdDSA" });
        using var fleet = new Fleet(server);
        await fleet.AddAsync("alice", "human");
        await fleet.AddAsync("eddsa-bot", "agent", owner: "alice");
        var token = await fleet.TokenAsync("eddsa-bot");

        using var agent = server.CreateClient(token);
        using var decision = await agent.PostAsJsonAsync("/access/v1/evaluation", new
        {
            subject = new { type = "Agent", id = "eddsa-bot" }, action = new { name = "read" }, resource = new { type = "Table", id = "t" },
        });
        Assert.Equal(HttpStatusCode.OK, decision.StatusCode);

        await NodeTestRunner.RunAsync("eddsa/jwks.test.mjs", server, new Dictionary<string, string> { ["MANDATE_TEST_TOKEN"] = token });
    }
}
