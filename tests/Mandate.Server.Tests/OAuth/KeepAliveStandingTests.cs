using System.Net;
using System.Net.Http.Json;

namespace Mandate.Server.Tests.OAuth;

/// <summary>
/// The server remembers, per keep-alive connection, the token text cut from the <c>Authorization</c> header and the
/// principal built for it. That must never outlive the token's standing: a token whose holder is suspended is refused
/// on the very next request of the same connection, and accepted again there once the holder is resumed; and a request
/// that presents another credential on that connection is never taken for the remembered token's holder.
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

    [Fact]
    public async Task AnIdentityToken_DoesNotCarryOverToTheNextRequestOnTheSameConnection()
    {
        // The connection remembers the last token it presented; its next request, made with the admin token, must be
        // recorded as asked by the admin and not with the agent's token.
        var (_, issued) = await fixture.RequestTokenAsync();
        var run = Guid.NewGuid().ToString("N");
        using var client = fixture.Server.CreateClient();
        foreach (var (caller, bearer) in new[] { ("agent", issued.GetProperty("access_token").GetString()!), ("admin", TestServer.AdminToken) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/access/v1/evaluation") { Content = JsonContent.Create(Decision) };
            request.Headers.Authorization = new("Bearer", bearer);
            request.Headers.Add("X-Request-ID", $"{run}-{caller}");
            using var answered = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        var events = await fixture.Server.WaitForEventsAsync("decision.evaluated", 2, e => e.GetProperty("request_id").GetString()!.StartsWith(run, StringComparison.Ordinal));
        var agent = Assert.Single(events, e => e.GetProperty("request_id").GetString() == $"{run}-agent");
        var admin = Assert.Single(events, e => e.GetProperty("request_id").GetString() == $"{run}-admin");
        // Both decide about the agent; what differs is who asked, and with which token.
        Assert.DoesNotContain("asked by", agent.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(agent.TryGetProperty("token_id", out _));
        Assert.Contains("asked by admin", admin.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(admin.TryGetProperty("token_id", out _));
    }
}
