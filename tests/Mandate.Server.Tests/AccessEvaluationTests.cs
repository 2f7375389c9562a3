using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mandate.Server.Tests;

public sealed class AccessEvaluationTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o with { MaxBatchEvaluations = 5 });
        await _server.PostJsonAsync("/v1/policies", new
        {
            id = "docs",
            text = """
                permit (principal == User::"ann", action == Action::"read", resource is Doc);
                forbid (principal, action, resource == Doc::"secret");
                permit (principal, action == Action::"boom", resource) when { context.n + 1 > 0 };
                permit (principal, action == Action::"timed", resource)
                when { context.time > datetime("2020-01-01") && context.time < datetime("2100-01-01") };
                """,
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Evaluation_AnswersDecisionOnly_UnlessExplainIsAsked()
    {
        var plain = await PostAsync("/access/v1/evaluation", new { subject = User("ann"), action = new { name = "read" }, resource = Doc("a") });
        Assert.Equal("""{"decision":true}""", plain.GetRawText());

        var explained = await PostAsync("/access/v1/evaluation", new
        {
            subject = User("ann"), action = new { name = "read" }, resource = Doc("secret"), options = new { explain = true },
        });
        Assert.False(explained.GetProperty("decision").GetBoolean());
        Assert.Equal("docs#1", explained.GetProperty("context").GetProperty("reasons")[0].GetString());
    }

    [Fact]
    public async Task Evaluations_InheritDefaultsAndKeepOrder_AndAFailingItemIsADenyWithError()
    {
        var response = await PostAsync("/access/v1/evaluations", MixedBatch);

        var decisions = response.GetProperty("evaluations").EnumerateArray().ToList();
        Assert.Equal([true, false, false, false, true], decisions.Select(d => d.GetProperty("decision").GetBoolean()));
        Assert.Contains("resource.type", decisions[2].GetProperty("context").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(decisions[0].TryGetProperty("context", out _));
    }

    [Fact]
    public async Task Evaluations_RecordAnEventForEachDecidedItem_InOrder_AtTheBatchsInstant()
    {
        await PostAsync("/access/v1/evaluations", MixedBatch);

        var events = await _server.WaitForEventsAsync("decision.evaluated", 4);

        Assert.Equal(["ann", "ann", "bob", "ann"], events.Select(e => e.GetProperty("actor_id").GetString()!.Split('"')[1]));
        Assert.Equal(["a", "secret", "a", "b"], events.Select(e => e.GetProperty("resource_id").GetString()));
        Assert.Equal(["success", "failure", "failure", "success"], events.Select(e => e.GetProperty("outcome").GetString()));
        Assert.Single(events.Select(e => e.GetProperty("time").GetString()).Distinct());
        Assert.Equal(4, events.Select(e => e.GetProperty("id").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task EveryDecisionSeesTheTime_UnlessTheCallerSentOne()
    {
        var timed = new { name = "timed" };
        var past = new { time = new { __extn = new { fn = "datetime", arg = "2010-01-01" } } };
        async Task<bool> Single(object? context) =>
            (await PostAsync("/access/v1/evaluation", new { subject = User("ann"), action = timed, resource = Doc("a"), context }))
            .GetProperty("decision").GetBoolean();

        Assert.True(await Single(null));
        Assert.True(await Single(new { purpose = "audit" }));
        Assert.False(await Single(past));

        var batch = await PostAsync("/access/v1/evaluations", new
        {
            subject = User("ann"),
            action = timed,
            context = new { purpose = "audit" },
            evaluations = new object[] { new { resource = Doc("a") }, new { resource = Doc("b"), context = new { purpose = "support" } }, new { resource = Doc("c"), context = past } },
        });
        Assert.Equal([true, true, false], batch.GetProperty("evaluations").EnumerateArray().Select(d => d.GetProperty("decision").GetBoolean()));
    }

    [Theory]
    [InlineData("deny_on_first_deny", 2)]
    [InlineData("permit_on_first_permit", 1)]
    [InlineData("execute_all", 3)]
    public async Task Evaluations_ShortCircuitSemantics_StopAfterTheDecidingItem(string semantic, int expected)
    {
        var response = await PostAsync("/access/v1/evaluations", new
        {
            subject = User("ann"),
            action = new { name = "read" },
            options = new { evaluations_semantic = semantic },
            evaluations = new object[] { new { resource = Doc("a") }, new { resource = Doc("secret") }, new { resource = Doc("c") } },
        });

        Assert.Equal(expected, response.GetProperty("evaluations").GetArrayLength());
    }

    [Fact]
    public async Task Evaluations_BeyondTheBatchLimit_Are400()
    {
        using var response = await _server.Admin.PostAsJsonAsync("/access/v1/evaluations", new
        {
            subject = User("ann"),
            action = new { name = "read" },
            evaluations = Enumerable.Range(0, 6).Select(i => new { resource = Doc("d" + i) }).ToArray(),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 5", (await TestServer.ReadJsonAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyEvaluationError_DeniesAndSaysWhichPolicyFailed()
    {
        var response = await PostAsync("/access/v1/evaluation", new
        {
            subject = User("ann"), action = new { name = "boom" }, resource = Doc("a"), context = new { n = long.MaxValue },
        });

        Assert.False(response.GetProperty("decision").GetBoolean());
        Assert.Equal("docs#2", response.GetProperty("context").GetProperty("errors")[0].GetProperty("policy_id").GetString());
    }

    [Fact]
    public async Task WellKnownConfiguration_NamesTheEndpoints_AndRequestIdIsEchoed()
    {
        using var anonymous = _server.CreateClient();
        var config = await anonymous.GetFromJsonAsync<JsonElement>("/.well-known/authzen-configuration");
        Assert.EndsWith("/access/v1/evaluations", config.GetProperty("access_evaluations_endpoint").GetString(), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/access/v1/evaluation")
        {
            Content = JsonContent.Create(new { subject = User("ann"), action = new { name = "read" }, resource = Doc("a") }),
        };
        request.Headers.Add("X-Request-ID", "req-42");
        using var response = await _server.Admin.SendAsync(request);
        Assert.Equal("req-42", response.Headers.GetValues("X-Request-ID").Single());
    }

    [Fact]
    public async Task Evaluation_WithoutCredentials_Is401_AndWrongMethodIs405()
    {
        using var anonymous = _server.CreateClient();
        using var unauthenticated = await anonymous.PostAsJsonAsync("/access/v1/evaluation", new { subject = User("ann"), action = new { name = "read" }, resource = Doc("a") });
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);

        using var wrongMethod = await _server.Admin.GetAsync("/access/v1/evaluation");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
    }

    [Fact]
    public async Task Metrics_AreScrapeableInPrometheusFormat_AndCountDecisions()
    {
        await PostAsync("/access/v1/evaluation", new { subject = User("ann"), action = new { name = "read" }, resource = Doc("a") });
        using var anonymous = _server.CreateClient();

        using var response = await anonymous.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches(@"mandate_decisions(_decision)?_total\{[^}]*decision=""allow""[^}]*\} [1-9]", text);
        Assert.Contains("mandate_decision_duration", text, StringComparison.Ordinal);
        Assert.Contains("mandate_events_pending", text, StringComparison.Ordinal);
        Assert.Equal(File.Exists("/proc/self/smaps_rollup"), text.Contains("mandate_memory_huge_pages", StringComparison.Ordinal));
    }

    // Items that inherit, one that cannot be evaluated, and one with a subject of its own.
    private static readonly object MixedBatch = new
    {
        subject = User("ann"),
        action = new { name = "read" },
        evaluations = new object[]
        {
            new { resource = Doc("a") },
            new { resource = Doc("secret") },
            new { resource = new { type = "not a type", id = "x" } },
            new { subject = User("bob"), resource = Doc("a") },
            new { resource = Doc("b") },
        },
    };

    private static object User(string id) => new { type = "User", id };

    private static object Doc(string id) => new { type = "Doc", id };

    private async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await _server.Admin.PostAsJsonAsync(path, body);
        var json = await TestServer.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        return json;
    }
}
