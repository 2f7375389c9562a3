using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Mandate.Server.Tests.Access;

/// <summary>
/// AuthZEN search and the policy dry run decide by the same rules as <c>/access/v1/evaluation</c>: the kill switch,
/// <c>context.time</c> and request properties apply to them too, so neither lists or allows what an evaluation denies.
/// </summary>
public sealed class SearchAgreesWithEvaluationTests : IAsyncLifetime
{
    private const string ReadD1 = """{"subject":{"type":"Agent","id":"bot"},"action":{"name":"read"},"resource":{"type":"Doc","id":"d1"}}""";
    private const string ResourcesOfBot = """{"subject":{"type":"Agent","id":"bot"},"action":{"name":"read"},"resource":{"type":"Doc"}}""";
    private const string ReadersOfD1 = """{"subject":{"type":"Agent"},"action":{"name":"read"},"resource":{"type":"Doc","id":"d1"}}""";
    private const string ActionsOfBotOnD1 = """{"subject":{"type":"Agent","id":"bot"},"resource":{"type":"Doc","id":"d1"}}""";
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        await _server.PostJsonAsync("/v1/policies", new { id = "agents-read-docs", text = """permit (principal is Agent, action == Action::"read", resource is Doc);""" });
        var entities = new[] { "d1", "d2" }.Select(id => new { uid = new { type = "Doc", id }, attrs = new { }, parents = Array.Empty<object>() });
        using var bundle = await _server.Admin.PutAsJsonAsync("/v1/bundle", new { files = new Dictionary<string, string> { ["entities.json"] = JsonSerializer.Serialize(entities) } });
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        await _server.PostJsonAsync("/v1/identities", new { kind = "human", id = "alice", display_name = "Alice" });
        await _server.PostJsonAsync("/v1/identities", new { kind = "agent", id = "bot", display_name = "Bot", owner = "alice" });
        await _server.PostJsonAsync("/v1/identities", new { kind = "agent", id = "helper", display_name = "Helper", owner = "alice" });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Search_NeverListsWhatEvaluationDenies_ForASuspendedAgent()
    {
        await _server.PostJsonAsync("/v1/identities/bot/suspend", new { reason = "incident" }, 200);

        Assert.False((await PostAsync("/access/v1/evaluation", ReadD1)).GetProperty("decision").GetBoolean());
        Assert.Empty(Results(await PostAsync("/access/v1/search/resource", ResourcesOfBot), "id"));
        Assert.Equal(["helper"], Results(await PostAsync("/access/v1/search/subject", ReadersOfD1), "id"));
        Assert.Empty(Results(await PostAsync("/access/v1/search/action", ActionsOfBotOnD1), "name"));

        await _server.PostJsonAsync("/v1/identities/bot/resume", new { }, 200);
        Assert.Equal(["d1", "d2"], Results(await PostAsync("/access/v1/search/resource", ResourcesOfBot), "id"));
    }

    [Fact]
    public async Task Search_SeesTheTime_SoATimeForbidHoldsThereToo()
    {
        await _server.PostJsonAsync("/v1/policies", new { id = "closed", text = """forbid (principal, action, resource) when { context.time > datetime("2020-01-01T00:00:00Z") };""" });

        Assert.False((await PostAsync("/access/v1/evaluation", ReadD1)).GetProperty("decision").GetBoolean());
        Assert.Empty(Results(await PostAsync("/access/v1/search/resource", ResourcesOfBot), "id"));
        Assert.Empty(Results(await PostAsync("/access/v1/search/subject", ReadersOfD1), "id"));
        Assert.Empty(Results(await PostAsync("/access/v1/search/action", ActionsOfBotOnD1), "name"));
    }

    [Fact]
    public async Task Search_ActionProperties_ReachContextAction_AsInAnEvaluation()
    {
        await _server.PostJsonAsync("/v1/policies", new
        {
            id = "urgent",
            text = """permit (principal, action == Action::"approve", resource is Doc) when { context.action.urgent == true };""",
        });

        var found = await PostAsync("/access/v1/search/resource",
            """{"subject":{"type":"Agent","id":"bot"},"action":{"name":"approve","properties":{"urgent":true}},"resource":{"type":"Doc"}}""");

        Assert.Equal(["d1", "d2"], Results(found, "id"));
        Assert.True((await PostAsync("/access/v1/evaluation",
            """{"subject":{"type":"Agent","id":"bot"},"action":{"name":"approve","properties":{"urgent":true}},"resource":{"type":"Doc","id":"d1"}}""")).GetProperty("decision").GetBoolean());
    }

    [Fact]
    public async Task ActionSearch_ListsOnlyActionsAnEvaluationCanGrant()
    {
        await _server.PostJsonAsync("/v1/policies", new
        {
            id = "bot-on-alice",
            text = """
                permit (principal == Agent::"bot", action == Mandate::Action::"impersonate", resource == Human::"alice");
                permit (principal == Agent::"bot", action == App::Action::"read", resource == Human::"alice");
                permit (principal == Agent::"bot", action == Action::"wave", resource == Human::"alice");
                """,
        });

        var found = Results(await PostAsync("/access/v1/search/action", """{"subject":{"type":"Agent","id":"bot"},"resource":{"type":"Human","id":"alice"}}"""), "name");

        Assert.Equal(["wave"], found);
        foreach (var name in found)
        {
            var evaluation = await PostAsync("/access/v1/evaluation",
                $$$"""{"subject":{"type":"Agent","id":"bot"},"action":{"name":"{{{name}}}"},"resource":{"type":"Human","id":"alice"}}""");
            Assert.True(evaluation.GetProperty("decision").GetBoolean(), name);
        }
    }

    [Theory]
    [InlineData("/access/v1/search/resource", """{"subject":{"type":"Agent","id":"bot","properties":{"clearance":5}},"action":{"name":"read"},"resource":{"type":"Doc"}}""", "subject.properties")]
    [InlineData("/access/v1/search/resource", """{"subject":{"type":"Agent","id":"bot"},"action":{"name":"read"},"resource":{"type":"Doc","properties":{"open":true}}}""", "resource.properties")]
    [InlineData("/access/v1/search/subject", """{"subject":{"type":"Agent"},"action":{"name":"read"},"resource":{"type":"Doc","id":"d1","properties":{"open":true}}}""", "resource.properties")]
    [InlineData("/access/v1/search/action", """{"subject":{"type":"access_token","id":"eyJhbGciOiJub25lIn0.e30."},"resource":{"type":"Doc","id":"d1"}}""", "subject")]
    [InlineData("/access/v1/search/resource", """{"subject":{"type":"access_token","id":"eyJhbGciOiJub25lIn0.e30."},"action":{"name":"read"},"resource":{"type":"Doc"}}""", "subject")]
    public async Task Search_RefusesWhatItCannotDecideAsAnEvaluationWould_WithA400(string path, string body, string field)
    {
        var (status, problem) = await SendAsync(path, body);

        Assert.True(status == HttpStatusCode.BadRequest, problem.ToString());
        Assert.Equal("invalid_argument", problem.GetProperty("code").GetString());
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task PolicyDryRun_DecidesAsTheLiveDecision_WithTheKillSwitchAndTheTime()
    {
        const string DryRun = """{"principal":{"type":"Agent","id":"bot"},"action":{"name":"read"},"resource":{"type":"Doc","id":"d1"}}""";
        Assert.True((await PostAsync("/v1/policies/evaluate", DryRun)).GetProperty("decision").GetBoolean());

        await _server.PostJsonAsync("/v1/identities/bot/suspend", new { }, 200);
        var suspended = await PostAsync("/v1/policies/evaluate", DryRun);
        Assert.False(suspended.GetProperty("decision").GetBoolean());
        Assert.Contains("`bot` is suspended", suspended.GetProperty("context").GetRawText(), StringComparison.Ordinal);

        await _server.PostJsonAsync("/v1/identities/bot/resume", new { }, 200);
        var timed = await PostAsync("/v1/policies/evaluate",
            """{"principal":{"type":"Agent","id":"bot"},"action":{"name":"read"},"resource":{"type":"Doc","id":"d1"},"policies":"permit (principal, action, resource) when { context.time > datetime(\"2020-01-01T00:00:00Z\") };"}""");
        Assert.True(timed.GetProperty("decision").GetBoolean());
    }

    private static List<string?> Results(JsonElement page, string key) =>
        [.. page.GetProperty("results").EnumerateArray().Select(r => r.GetProperty(key).GetString())];

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _server.Admin.PostAsync(path, content);
        return (response.StatusCode, await TestServer.ReadJsonAsync(response));
    }

    private async Task<JsonElement> PostAsync(string path, string body)
    {
        var (status, json) = await SendAsync(path, body);
        Assert.True(status == HttpStatusCode.OK, $"{path}: {(int)status} {json}");
        return json;
    }
}
