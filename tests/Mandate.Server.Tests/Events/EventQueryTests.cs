using System.Text;
using System.Text.Json;

namespace Mandate.Server.Tests.Events;

/// <summary>Identity queries over the event stream: an identity's own events, its delegations, and its sub-agents' events.</summary>
public sealed class EventQueryTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        await _server.PostJsonAsync("/v1/identities", new { kind = "human", id = "alice", display_name = "Alice Ng" });
        await _server.PostJsonAsync("/v1/identities", new { kind = "agent", id = "planner", display_name = "Planner", owner = "alice" });
        await _server.PostJsonAsync("/v1/identities", new { kind = "agent", id = "researcher", display_name = "Researcher", owner = "alice", parent = "planner" });
        await _server.PostJsonAsync("/v1/identities", new { kind = "agent", id = "fetcher", display_name = "Fetcher", owner = "alice", parent = "researcher" });
        await _server.PostJsonAsync("/v1/identities", new { kind = "agent", id = "other", display_name = "Other", owner = "alice" });
        const string Events = """
            {"type":"tool.called","outcome":"success","actor_id":"planner","action":"plan"}
            {"type":"tool.called","outcome":"success","actor_id":"researcher","action":"search"}
            {"type":"tool.called","outcome":"success","actor_id":"fetcher","action":"fetch"}
            {"type":"tool.called","outcome":"success","actor_id":"other","action":"fetch"}
            {"type":"tool.called","outcome":"success","actor_id":"other","chain":["researcher"],"action":"summarize"}
            """;
        using var content = new StringContent(Events, Encoding.UTF8, "application/x-ndjson");
        using var response = await _server.Admin.PostAsync("/v1/events", content);
        response.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<string[]> ActionsAsync(string query) =>
        [.. (await _server.GetJsonAsync("/v1/events?type=tool&" + query)).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()!)];

    [Fact]
    public async Task Identity_AloneDelegatedAndWithDescendants()
    {
        Assert.Equal(["plan"], await ActionsAsync("identity=planner"));
        Assert.Equal(["search", "summarize"], await ActionsAsync("identity=researcher&include_delegated=true"));
        Assert.Equal(["plan", "search", "fetch"], await ActionsAsync("identity=planner&include_descendants=true"));
        Assert.Equal(["plan", "search", "fetch", "summarize"], await ActionsAsync("identity=planner&include_descendants=true&include_delegated=true"));
    }

    [Fact]
    public async Task IncludeDescendants_WithoutIdentity_IsABadRequest()
    {
        var problem = await _server.GetJsonAsync("/v1/events?include_descendants=true", expectedStatus: 400);

        Assert.Equal("invalid_argument", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task FollowOverSse_ResumesAfterLastEventId()
    {
        using var client = _server.CreateClient(TestServer.AdminToken);
        var first = await _server.GetJsonAsync("/v1/events?type=tool&limit=2");
        var resumeAfter = first.GetProperty("items")[1].GetProperty("sequence").GetInt64();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events/stream?type=tool");
        request.Headers.Add("Last-Event-ID", resumeAfter.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var received = new List<(string Id, string Action)>();
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(stream).EnumerateAsync(cancel.Token))
        {
            received.Add((item.EventId!, JsonDocument.Parse(item.Data).RootElement.GetProperty("action").GetString()!));
            if (received.Count == 3)
            {
                break;
            }
        }

        Assert.Equal(["fetch", "fetch", "summarize"], received.Select(r => r.Action));
        Assert.Equal((resumeAfter + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), received[0].Id);
    }
}
