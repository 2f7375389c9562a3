using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Mandate.Server.Tests;

/// <summary>One server for the protocol tests: none of them changes what another decides.</summary>
public sealed class AuthZenProtocolServer : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        await Server.PostJsonAsync("/v1/policies", new
        {
            id = "docs",
            text = """
                permit (principal == User::"ann", action == Action::"read", resource is Doc);
                permit (principal == User::"ann", action == Action::"write", resource is Doc) when { resource has owner && resource.owner == principal };
                permit (principal == User::"ann", action == Action::"audit", resource is Doc)
                when { context.purpose == "audit" && context.n == -7 && context.flag && context.quote == "a\"b\u{e9}" && context.time.toDate() > datetime("2020-01-01") };
                """,
        });
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The HTTPS binding of the AuthZEN Authorization API 1.0, point by point, and bad input on the decision endpoints.</summary>
public sealed class AuthZenProtocolTests(AuthZenProtocolServer fixture) : IClassFixture<AuthZenProtocolServer>
{
    private const string Evaluation = """{"subject":{"type":"User","id":"ann"},"action":{"name":"read"},"resource":{"type":"Doc","id":"a"}}""";
    private readonly TestServer _server = fixture.Server;

    [Theory]
    [InlineData("/access/v1/evaluation", Evaluation)]
    [InlineData("/access/v1/evaluations", """{"subject":{"type":"User","id":"ann"},"action":{"name":"read"},"evaluations":[{"resource":{"type":"Doc","id":"a"}}]}""")]
    [InlineData("/access/v1/search/resource", """{"subject":{"type":"User","id":"ann"},"action":{"name":"read"},"resource":{"type":"Doc"}}""")]
    [InlineData("/access/v1/evaluation", """{"subject":""")]
    public async Task EveryAnswer_EchoesTheRequestId(string path, string body)
    {
        using var request = Post(path, body);
        request.Headers.Add("X-Request-ID", "7f3c-req");
        using var response = await _server.Admin.SendAsync(request);
        Assert.Equal("7f3c-req", response.Headers.GetValues("X-Request-ID").Single());

        using var anonymous = _server.CreateClient();
        using var refused = Post(path, body);
        refused.Headers.Add("X-Request-ID", "unauth-1");
        using var unauthenticated = await anonymous.SendAsync(refused);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal("unauth-1", unauthenticated.Headers.GetValues("X-Request-ID").Single());
    }

    [Theory]
    [InlineData("batch 42", true)]
    [InlineData("tenant=acme;\tjob=7;\tstep=init", true)]
    [InlineData("x", true)]
    [InlineData("1024", true)]
    [InlineData("1025", false)]
    public async Task ARequestId_IsEchoedExactly_UpToItsLimit(string id, bool echoed)
    {
        // "1024" and "1025" stand for ids of that many characters.
        var sent = int.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var length) ? new string('r', length) : id;
        using var request = Post("/access/v1/evaluation", Evaluation);
        request.Headers.TryAddWithoutValidation("X-Request-ID", sent);
        using var response = await _server.Admin.SendAsync(request);

        var answered = response.Headers.GetValues("X-Request-ID").Single();
        Assert.Equal(echoed, answered == sent);
        Assert.False(string.IsNullOrEmpty(answered));
    }

    [Theory]
    [InlineData("""{"subject":{"type":"User","id":"ann"},"action":{"name":"read"},"resource":{"type":"Doc","id":"a"}}""", true)]
    [InlineData("""{"subject":{"type":"\u0055ser","id":"ann"},"action":{"name":"r\u0065ad"},"resource":{"type":"D\u006fc","id":"a"}}""", true)]
    [InlineData("""{"subject":{"type":"User","id":"ann"},"action":{"name":"reads"},"resource":{"type":"Doc","id":"a"}}""", false)]
    [InlineData("""{"subject":{"type":"User","id":"ann"},"action":{"name":"rea"},"resource":{"type":"Doc","id":"a"}}""", false)]
    public async Task TypeAndActionNames_AreReadExactly_EscapedOrNot_RepeatedOrNew(string body, bool expected)
    {
        // Twice: the second read of a name is answered from the names already seen.
        for (var i = 0; i < 2; i++)
        {
            using var response = await _server.Admin.SendAsync(Post("/access/v1/evaluation", body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expected, (await TestServer.ReadJsonAsync(response)).GetProperty("decision").GetBoolean());
        }
    }

    [Fact]
    public async Task LongActionNames_AreReadWhole()
    {
        var name = new string('r', 200) + "ead";
        using var response = await _server.Admin.SendAsync(Post("/access/v1/evaluation",
            $$$"""{"subject":{"type":"User","id":"ann"},"action":{"name":"{{{name}}}"},"resource":{"type":"Doc","id":"long-name"}}"""));
        Assert.False((await TestServer.ReadJsonAsync(response)).GetProperty("decision").GetBoolean());
        var recorded = Assert.Single(await _server.WaitForEventsAsync("decision.evaluated", 1, e => e.GetProperty("resource_id").GetString() == "long-name"));
        Assert.Equal(name, recorded.GetProperty("action").GetString());
    }

    [Fact]
    public async Task UnknownFields_AreIgnored_Everywhere()
    {
        var body = """
            {"subject":{"type":"User","id":"ann","x-tenant":"t1"},"action":{"name":"read","extra":[1,2]},
             "resource":{"type":"Doc","id":"a","meta":{"a":1}},"context":{},"options":{"future_option":true},"trace":"abc"}
            """;
        var answer = await DecideAsync("/access/v1/evaluation", body);
        Assert.True(answer.GetProperty("decision").GetBoolean());
    }

    [Theory]
    [InlineData("truncated", """{"subject":{"type":"User","id":"ann"},"action":{"name":""")]
    [InlineData("not an object", """[1,2,3]""")]
    [InlineData("empty", "")]
    [InlineData("subject is a string", """{"subject":"ann","action":{"name":"read"},"resource":{"type":"Doc","id":"a"}}""")]
    [InlineData("action name is a number", """{"subject":{"type":"User","id":"ann"},"action":{"name":5},"resource":{"type":"Doc","id":"a"}}""")]
    [InlineData("missing resource", """{"subject":{"type":"User","id":"ann"},"action":{"name":"read"}}""")]
    [InlineData("bad type name", """{"subject":{"type":"a b","id":"ann"},"action":{"name":"read"},"resource":{"type":"Doc","id":"a"}}""")]
    [InlineData("empty id", """{"subject":{"type":"User","id":""},"action":{"name":"read"},"resource":{"type":"Doc","id":"a"}}""")]
    [InlineData("context not an object", """{"subject":{"type":"User","id":"ann"},"action":{"name":"read"},"resource":{"type":"Doc","id":"a"},"context":[1]}""")]
    [InlineData("context number too big", """{"subject":{"type":"User","id":"ann"},"action":{"name":"read"},"resource":{"type":"Doc","id":"a"},"context":{"n":1e400}}""")]
    [InlineData("properties not an object", """{"subject":{"type":"User","id":"ann","properties":3},"action":{"name":"read"},"resource":{"type":"Doc","id":"a"}}""")]
    [InlineData("unknown semantic", """{"subject":{"type":"User","id":"ann"},"action":{"name":"read"},"options":{"evaluations_semantic":"first"},"evaluations":[{"resource":{"type":"Doc","id":"a"}}]}""")]
    public async Task MalformedRequests_Are400ProblemsWithAStableCode(string what, string body)
    {
        var path = what == "unknown semantic" ? "/access/v1/evaluations" : "/access/v1/evaluation";
        using var response = await _server.Admin.SendAsync(Post(path, body));
        var problem = await TestServer.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode} {problem}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("invalid_argument", problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Theory]
    [InlineData("/access/v1/evaluation", """{"subject":{"type":"User","id":"ann"},"action":{"name":"read"},"resource":{"type":"Doc","id":7}}""", "resource.id", "`resource.id` must be a string")]
    [InlineData("/access/v1/evaluation", """{"subject":null,"action":{"name":"read"},"resource":{"type":"Doc","id":"a"}}""", "subject", "`subject` must be a JSON object")]
    [InlineData("/access/v1/evaluation", """{"subject":{"id":"ann"},"action":{"name":"read"},"resource":{"type":"Doc","id":"a"}}""", "subject.type", "missing required member `subject.type`")]
    [InlineData("/access/v1/evaluation", """{"subject":{"type":"User","id":"ann"},"action":{"name":"read"},"resource":{"type":"Doc","id":"a"},"options":{"explain":"yes"}}""", "options.explain", "`options.explain` must be true or false")]
    [InlineData("/access/v1/evaluation", """{"subject":{"type":"User","id":"ann"},"action":{"name":"read"},"resource":{"type":"Doc","id":"a"}} {}""", null, "not valid JSON")]
    [InlineData("/access/v1/evaluations", """{"action":{"name":"read"},"evaluations":[{"subject":{"type":"User","id":"ann"},"resource":{"type":"Doc","id":"a"}},{"resource":{"type":"Doc","id":["b"]}}]}""", "evaluations[1].resource.id", "`evaluations[1].resource.id` must be a string")]
    [InlineData("/access/v1/evaluations", """{"evaluations":[null]}""", "evaluations[0]", "`evaluations[0]` must be a JSON object")]
    [InlineData("/access/v1/evaluations", """{"evaluations":{"subject":{"type":"User","id":"ann"}}}""", "evaluations", "`evaluations` must be a JSON array")]
    public async Task MalformedMembers_AreNamedInTheProblem(string path, string body, string? field, string detail)
    {
        using var response = await _server.Admin.SendAsync(Post(path, body));
        var problem = await TestServer.ReadJsonAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {problem}");
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(field, problem.TryGetProperty("field", out var named) ? named.GetString() : null);
    }

    [Theory]
    [InlineData("""{"Subject":{"TYPE":"User","Id":"ann"},"ACTION":{"Name":"read"},"resource":{"type":"Doc","id":"a"}}""")]
    [InlineData("""{"\u0073ubject":{"type":"User","\u0069d":"ann"},"action":{"name":"read"},"resource":{"type":"Doc","id":"a"}}""")]
    [InlineData("""{"subject":{"type":"User","id":"nobody"},"subject":{"type":"User","id":"ann"},"action":{"name":"read"},"resource":{"type":"Doc","id":"a"},"options":null,"context":null}""")]
    public async Task MemberNames_MatchIgnoringCaseAndEscapes_AndTheLastOfARepeatedMemberWins(string body)
    {
        var answer = await DecideAsync("/access/v1/evaluation", body);

        Assert.True(answer.GetProperty("decision").GetBoolean());
    }

    // Flat contexts (strings, integers, booleans) are read straight into Cedar values; anything else through a JSON
    // document. Both must decide alike, add the time alike, and refuse alike.
    [Theory]
    [InlineData("""{"purpose":"audit","n":-7,"flag":true,"quote":"a\"b\u00e9"}""", true)]
    [InlineData("""{"p\u0075rpose":"audit","n":-7,"flag":true,"quote":"a\"b\u00e9"}""", true)]
    [InlineData("""{"purpose":"audit","n":-7,"flag":true,"quote":"a\"b\u00e9","nested":{"x":[1]}}""", true)]
    [InlineData("""{"purpose":"audit","n":-7,"flag":true,"quote":"a\"b\u00e9","m0":0,"m1":1,"m2":2,"m3":3,"m4":4,"m5":5,"m6":6,"m7":7,"m8":8,"m9":9,"m10":10,"m11":11,"m12":12}""", true)]
    [InlineData("""{"purpose":"audit","n":-7,"flag":false,"quote":"a\"b\u00e9"}""", false)]
    [InlineData("""{"purpose":"Audit","n":-7,"flag":true,"quote":"a\"b\u00e9"}""", false)]
    [InlineData("""{"purpose":"audit","n":-7,"flag":true}""", false)]
    [InlineData("""{}""", false)]
    public async Task Contexts_AreDecidedAlike_ReadDirectlyOrThroughADocument(string context, bool expected)
    {
        var single = await DecideAsync("/access/v1/evaluation",
            $$"""{"subject":{"type":"User","id":"ann"},"action":{"name":"audit"},"resource":{"type":"Doc","id":"a"},"context":{{context}}}""");
        Assert.Equal(expected, single.GetProperty("decision").GetBoolean());

        // In a batch: inherited from the top level, and an item's own.
        var batch = await DecideAsync("/access/v1/evaluations",
            $$$"""{"subject":{"type":"User","id":"ann"},"action":{"name":"audit"},"context":{{{context}}},"evaluations":[{"resource":{"type":"Doc","id":"a"}},{"resource":{"type":"Doc","id":"b"},"context":{"purpose":"audit","n":-7,"flag":true,"quote":"a\"b\u00e9"}},{"resource":{"type":"Doc","id":"c"},"context":{"purpose":"none"}}]}""");
        var decisions = batch.GetProperty("evaluations").EnumerateArray().Select(e => e.GetProperty("decision").GetBoolean()).ToArray();
        Assert.Equal([expected, true, false], decisions);
    }

    [Theory]
    [InlineData("""{"n":7.5}""", "is not a 64-bit integer")]
    [InlineData("""{"n":9223372036854775808}""", "is not a 64-bit integer")]
    [InlineData("""{"purpose":"audit","purpose":"audit"}""", "duplicate key `purpose`")]
    [InlineData("""{"purpose":null}""", "is not a Cedar value")]
    [InlineData("""{"purpose":"\ud800"}""", "unpaired surrogate")]
    [InlineData("""{"\udc00":"audit"}""", "unpaired surrogate")]
    public async Task BadContextMembers_Are400_WithTheCedarConversionsMessage(string context, string detail)
    {
        using var response = await _server.Admin.SendAsync(Post("/access/v1/evaluation",
            $$"""{"subject":{"type":"User","id":"ann"},"action":{"name":"audit"},"resource":{"type":"Doc","id":"a"},"context":{{context}}}"""));
        var problem = await TestServer.ReadJsonAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {problem}");
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("context", problem.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("/access/v1/search/resource", """{"subject":{"type":"User","id":"ann"},"action":{},"resource":{"type":"Doc"}}""")]
    [InlineData("/access/v1/search/resource", """{"subject":{"type":"User","id":"ann"},"action":{"name":""},"resource":{"type":"Doc"}}""")]
    [InlineData("/access/v1/evaluation", """{"subject":{"type":"User","id":"ann"},"action":{"name":""},"resource":{"type":"Doc","id":"a"}}""")]
    public async Task ActionsWithoutAName_Are400(string path, string body)
    {
        using var response = await _server.Admin.SendAsync(Post(path, body));
        var problem = await TestServer.ReadJsonAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {problem}");
        Assert.Equal("action", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task DeeplyNestedContext_Is400()
    {
        var nested = string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200);
        var body = Evaluation[..^1] + ",\"context\":" + nested + "}";
        using var response = await _server.Admin.SendAsync(Post("/access/v1/evaluation", body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task AMegabyteString_IsRefusedWith413_AndALongIdWith400()
    {
        var huge = new string('x', 1024 * 1024);
        using var upload = Post("/access/v1/evaluation", Evaluation.Replace("\"ann\"", "\"" + huge + "\"", StringComparison.Ordinal));

        // Wait for 100-continue, so the server's early 413 cannot race the upload into a broken pipe.
        upload.Headers.ExpectContinue = true;
        using var tooLarge = await _server.Admin.SendAsync(upload);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("payload_too_large", (await TestServer.ReadJsonAsync(tooLarge)).GetProperty("code").GetString());

        using var longId = await _server.Admin.SendAsync(Post("/access/v1/evaluation", Evaluation.Replace("\"ann\"", "\"" + new string('x', 2000) + "\"", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, longId.StatusCode);
        Assert.Contains("1 to 1024", (await TestServer.ReadJsonAsync(longId)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenThousandItems_BeyondTheBatchLimit_Are400_AndDecideNothing()
    {
        var items = string.Join(',', Enumerable.Range(0, 10_000).Select(i => $$$"""{"resource":{"type":"Doc","id":"d{{{i}}}"}}"""));
        var body = $$"""{"subject":{"type":"User","id":"ann"},"action":{"name":"read"},"evaluations":[{{items}}]}""";
        using var response = await _server.Admin.SendAsync(Post("/access/v1/evaluations", body));
        var problem = await TestServer.ReadJsonAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 1000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("evaluations", problem.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("GET", "/access/v1/evaluation")]
    [InlineData("PUT", "/access/v1/evaluations")]
    [InlineData("DELETE", "/access/v1/search/subject")]
    [InlineData("GET", "/access/v1/search/action")]
    [InlineData("POST", "/.well-known/authzen-configuration")]
    public async Task WrongMethods_Are405Problems(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET")
        {
            request.Content = new StringContent(Evaluation, Encoding.UTF8, "application/json");
        }

        using var response = await _server.Admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("method_not_allowed", (await TestServer.ReadJsonAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task EmptyFailures_AreExplainedAsProblems_AndAnswersWithABodyAreLeftAlone()
    {
        using var missing = await _server.Admin.GetAsync("/access/v1/no-such-endpoint");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        var problem = await TestServer.ReadJsonAsync(missing);
        Assert.Equal("not_found", problem.GetProperty("code").GetString());
        Assert.Contains("/access/v1/no-such-endpoint", problem.GetProperty("detail").GetString());

        using var text = await _server.Admin.PostAsync("/access/v1/evaluation", new StringContent(Evaluation, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal("unsupported_media_type", (await TestServer.ReadJsonAsync(text)).GetProperty("code").GetString());

        // A refusal that already carries its problem keeps it.
        using var bad = await _server.Admin.PostAsync("/access/v1/evaluation", new StringContent("{", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotEqual("http_400", (await TestServer.ReadJsonAsync(bad)).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(null, "Bearer realm=\"mandate\"")]
    [InlineData("Bearer not-a-token", "error=\"invalid_token\"")]
    [InlineData("Basic dXNlcjpwYXNz", "error=\"invalid_request\"")]
    public async Task MissingOrBadCredentials_Are401WithWwwAuthenticate(string? authorization, string challenge)
    {
        using var anonymous = _server.CreateClient();
        using var request = Post("/access/v1/evaluation", Evaluation);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(challenge, response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal("unauthenticated", (await TestServer.ReadJsonAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Metadata_NamesThePdpAndEveryEndpoint_AsAbsoluteUrls()
    {
        using var anonymous = _server.CreateClient();
        var config = await anonymous.GetFromJsonAsync<JsonElement>("/.well-known/authzen-configuration");
        var pdp = config.GetProperty("policy_decision_point").GetString()!;
        Assert.Equal(_server.BaseAddress.GetLeftPart(UriPartial.Authority), pdp);
        foreach (var (member, path) in new[]
        {
            ("access_evaluation_endpoint", "/access/v1/evaluation"), ("access_evaluations_endpoint", "/access/v1/evaluations"),
            ("search_subject_endpoint", "/access/v1/search/subject"), ("search_resource_endpoint", "/access/v1/search/resource"),
            ("search_action_endpoint", "/access/v1/search/action"),
        })
        {
            Assert.Equal(pdp + path, config.GetProperty(member).GetString());
        }
    }

    [Fact]
    public async Task Search_PagesThroughEveryResult_AndTheLastPageHasAnEmptyNextToken()
    {
        var entities = Enumerable.Range(0, 7).Select(i => new { uid = new { type = "Doc", id = $"doc-{i}" }, attrs = new { }, parents = Array.Empty<object>() });
        await _server.Admin.PutAsJsonAsync("/v1/bundle", new { files = new Dictionary<string, string> { ["entities.json"] = JsonSerializer.Serialize(entities) } });
        var all = await DecideAsync("/access/v1/search/resource", """{"subject":{"type":"User","id":"ann"},"action":{"name":"read"},"resource":{"type":"Doc"}}""");
        var expected = all.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(7, expected.Count);
        Assert.Equal(string.Empty, all.GetProperty("page").GetProperty("next_token").GetString());

        var paged = new List<string?>();
        var token = string.Empty;
        var pages = 0;
        do
        {
            var page = await DecideAsync("/access/v1/search/resource",
                $$$"""{"subject":{"type":"User","id":"ann"},"action":{"name":"read"},"resource":{"type":"Doc"},"page":{"token":"{{{token}}}","limit":3}}""");
            paged.AddRange(page.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
            token = page.GetProperty("page").GetProperty("next_token").GetString()!;
            pages++;
        }
        while (token.Length > 0 && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(expected, paged);

        using var badToken = await _server.Admin.SendAsync(Post("/access/v1/search/resource",
            """{"subject":{"type":"User","id":"ann"},"action":{"name":"read"},"resource":{"type":"Doc"},"page":{"token":"%%%"}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, badToken.StatusCode);
        using var badLimit = await _server.Admin.SendAsync(Post("/access/v1/search/resource",
            """{"subject":{"type":"User","id":"ann"},"action":{"name":"read"},"resource":{"type":"Doc"},"page":{"limit":0}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
    }

    [Fact]
    public async Task Properties_OverlayStoredAttributes_AndActionPropertiesReachContextAction()
    {
        await _server.PostJsonAsync("/v1/policies", new
        {
            id = "urgent",
            text = "permit (principal, action == Action::\"approve\", resource) when { context has action && context.action.urgent == true };",
        });
        var owned = await DecideAsync("/access/v1/evaluation",
            """{"subject":{"type":"User","id":"ann"},"action":{"name":"write"},"resource":{"type":"Doc","id":"a","properties":{"owner":{"__entity":{"type":"User","id":"ann"}}}}}""");
        Assert.True(owned.GetProperty("decision").GetBoolean());
        var urgent = await DecideAsync("/access/v1/evaluation",
            """{"subject":{"type":"User","id":"bob"},"action":{"name":"approve","properties":{"urgent":true}},"resource":{"type":"Doc","id":"a"}}""");
        Assert.True(urgent.GetProperty("decision").GetBoolean());
        var routine = await DecideAsync("/access/v1/evaluation",
            """{"subject":{"type":"User","id":"bob"},"action":{"name":"approve","properties":{"urgent":false}},"resource":{"type":"Doc","id":"a"}}""");
        Assert.False(routine.GetProperty("decision").GetBoolean());
    }

    private static HttpRequestMessage Post(string path, string body) =>
        new(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private async Task<JsonElement> DecideAsync(string path, string body)
    {
        using var response = await _server.Admin.SendAsync(Post(path, body));
        var json = await TestServer.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {json}");
        return json;
    }
}
