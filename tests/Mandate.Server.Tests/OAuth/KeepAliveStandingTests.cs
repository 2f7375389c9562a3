using System.Net;
using System.Net.Http.Json;

namespace Mandate.Server.Tests.OAuth;

/// <summary>
/// The server remembers, per keep-alive connection, the token text cut from the <c>Authorization</c> header and the
/// principal built for it. That must never outlive the token's standing: a token whose holder is suspended is refused
/// on the very next request of the same connection, and accepted again there once the holder is resumed.
/// </summary>
public sealed class KeepAliveStandingTests(TokenServiceFixture fixture) : IClassFixture<TokenServiceFixture>
{
    private static readonly object Decision = new
    {
        subject = new { type = "Agent", id = TokenServiceFixture.AgentId }, action = new { name = "read" }, resource = new { type = "Table", id = "t" },
    };

    [Fact]
    public async Task SuspendingTheHolder_RefusesTheNextDecisionOnTheSameConnection()
    {
        var (_, issued) = await fixture.RequestTokenAsync();
        using var agent = fixture.Server.CreateClient(issued.GetProperty("access_token").GetString());
        for (var i = 0; i < 3; i++)
        {
            using var answered = await agent.PostAsJsonAsync("/access/v1/evaluation", Decision);
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        await fixture.Server.PostJsonAsync($"/v1/identities/{TokenServiceFixture.AgentId}/suspend", new { reason = "test" }, 200);
        using (var refused = await agent.PostAsJsonAsync("/access/v1/evaluation", Decision))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains(refused.Headers.WwwAuthenticate, h => h.Scheme == "Bearer" && h.Parameter!.Contains("error=\"invalid_token\"", StringComparison.Ordinal));
        }

        await fixture.Server.PostJsonAsync($"/v1/identities/{TokenServiceFixture.AgentId}/resume", new { }, 200);
        using var again = await agent.PostAsJsonAsync("/access/v1/evaluation", Decision);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }
}
