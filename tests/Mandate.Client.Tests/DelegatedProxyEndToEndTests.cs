using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Mandate.Client.Enforcement;
using Mandate.Proxy;
using Mandate.Server.Tests;
using Mandate.Server.Tests.Delegation;
using Mandate.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Client.Tests;

/// <summary>
/// An agent acting for a human behind <c>mandate proxy</c>: alice gets a token for the invoices service and the
/// invoice bot exchanges it for a delegated one. A call passes only when policy allows both the bot and alice and the
/// purpose fits; after alice's token is revoked nothing passes; every decision is an event carrying the chain.
/// </summary>
public sealed class DelegatedProxyEndToEndTests
{
    private const string Audience = "https://invoices.test";

    [Theory]
    [InlineData(DecisionMode.Remote)]
    [InlineData(DecisionMode.InProcess)]
    public async Task DelegatedToken_PassesOnlyWhatEveryHopMayDo_AndNothingAfterRevocation(DecisionMode mode)
    {
        await using var server = await TestServer.StartAsync();
        await using var upstream = await Upstream.StartAsync();
        using var fleet = new Fleet(server);
        await fleet.AddAsync("alice", "human");
        await fleet.AddAsync("invoice-bot", "agent", owner: "alice");
        await server.PostJsonAsync("/v1/policies", new
        {
            id = "invoices",
            text = """
                permit (principal == Human::"alice", action in [Action::"read", Action::"pay"], resource is Invoice);
                permit (principal == Agent::"invoice-bot", action == Action::"read", resource is Invoice)
                when { context has purpose && context.purpose == "monthly-close" };
                """,
        });
        await using var proxy = await MandateProxy.StartAsync(ProxyEndToEndTests.Configuration(server, upstream, mode), TestServer.AdminToken);
        var root = await fleet.TokenAsync("alice", ("resource", Audience));
        var delegated = await fleet.DelegateAsync("invoice-bot", root);
        using var client = new HttpClient { BaseAddress = proxy.Addresses[0] };

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, "/invoices/7", delegated, "monthly-close"));
        var reached = upstream.Hits;
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client, HttpMethod.Post, "/invoices/7/pay", delegated, "monthly-close"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client, HttpMethod.Get, "/invoices/7", delegated, "marketing"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Post, "/invoices/7/pay", root, null));
        reached++;

        var (revoked, body) = await fleet.PostAsync("/oauth2/revoke", "alice", ("token", root));
        Assert.True(revoked == HttpStatusCode.OK, body.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client, HttpMethod.Get, "/invoices/7", delegated, "monthly-close"));
        Assert.Equal(reached, upstream.Hits);

        var decisions = await DecisionsOfAsync(server, "invoice-bot", 4);
        Assert.All(decisions, e => Assert.Equal(["alice"], e.GetProperty("chain").EnumerateArray().Select(c => c.GetString())));
        Assert.Single(decisions, e => e.GetProperty("outcome").GetString() == "success");
        Assert.Contains(decisions, e => e.GetProperty("action").GetString() == "pay" && e.GetProperty("message").GetString()!.Contains("refused at Agent::\"invoice-bot\"", StringComparison.Ordinal));
        Assert.Contains(decisions, e => e.GetProperty("message").GetString()!.Contains("revoked", StringComparison.Ordinal));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, HttpMethod method, string path, string token, string? purpose)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (purpose is not null)
        {
            request.Headers.Add("X-Purpose", purpose);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<List<JsonElement>> DecisionsOfAsync(TestServer server, string actor, int count)
    {
        var pipeline = server.Server.Services.GetRequiredService<EventPipeline>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var appended = pipeline.NextAppend;
            var page = await server.GetJsonAsync("/v1/events?type=decision.evaluated&limit=1000");
            var items = page.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("actor_id").GetString() == actor).ToList();
            if (items.Count >= count)
            {
                return items;
            }

            await appended.WaitAsync(timeout.Token);
        }
    }
}
