using System.Net;
using System.Text;

namespace Mandate.Server.Tests;

public sealed class BadInputTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        await _server.PostJsonAsync("/v1/identities", new { kind = "human", id = "alice", display_name = "Alice" });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, string> MalformedBodies => new()
    {
        { "truncated json", """{"kind":"agent","display_name":"x""" },
        { "not json", "kind=agent" },
        { "unknown kind", """{"kind":"robot","display_name":"x","owner":"alice"}""" },
        { "integer kind", """{"kind":1,"display_name":"x","owner":"alice"}""" },
        { "wrong type", """{"kind":"agent","display_name":42,"owner":"alice"}""" },
        { "missing required", """{"kind":"agent","owner":"alice"}""" },
        { "null required", """{"kind":"agent","display_name":null,"owner":"alice"}""" },
        { "array body", """[{"kind":"agent"}]""" },
        { "bad label value type", """{"kind":"agent","display_name":"x","owner":"alice","labels":{"a":1}}""" },
        { "bad timestamp", """{"kind":"agent","display_name":"x","owner":"alice","expires_at":"tomorrow"}""" },
        { "agent without owner", """{"kind":"agent","display_name":"x"}""" },
        { "owner unknown", """{"kind":"agent","display_name":"x","owner":"nobody"}""" },
        { "invalid id", """{"kind":"agent","id":"../etc","display_name":"x","owner":"alice"}""" },
        { "bad credential kind", """{"kind":"agent","display_name":"x","owner":"alice","credentials":[{"kind":"password"}]}""" },
        { "public key missing jwk", """{"kind":"agent","display_name":"x","owner":"alice","credentials":[{"kind":"public_key"}]}""" },
        { "private jwk", """{"kind":"agent","display_name":"x","owner":"alice","credentials":[{"kind":"public_key","jwk":{"kty":"EC","crv":"P-256","x":"AA","y":"AA","d":"AA"}}]}""" },
        { "trust without subject", """{"kind":"workload","display_name":"x","owner":"alice","credentials":[{"kind":"federated_trust","issuer":"https://ci.example","subject":"*"}]}""" },
        { "deep nesting", new string('[', 5000) + new string(']', 5000) },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task CreateIdentity_WithBadBody_Returns400ProblemAndStoresNothing(string _, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await _server.Admin.PostAsync("/v1/identities", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await TestServer.ReadJsonAsync(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        await AssertOnlyAliceAsync();
    }

    // Valid JSON until a string is made into text: raw bytes that are not UTF-8, and an escaped half of a surrogate pair.
    public static TheoryData<string, string> UnreadableText
    {
        get
        {
            var data = new TheoryData<string, string>();
            var decisions = new[]
            {
                ("/access/v1/evaluation", """{"subject":{"type":"Agent","id":"a"},"action":{"name":"TEXT"},"resource":{"type":"Doc","id":"1"}}"""),
                ("/access/v1/evaluation", """{"subject":{"type":"Agent","id":"a"},"action":{"name":"read"},"resource":{"type":"Doc","id":"1"},"context":{"purpose":"TEXT"}}"""),
                ("/access/v1/evaluation", """{"subject":{"type":"Agent","id":"a","properties":{"TEXT":{"deep":[1]}}},"action":{"name":"read"},"resource":{"type":"Doc","id":"1"}}"""),
                ("/access/v1/evaluations", """{"subject":{"type":"TEXT","id":"a"},"action":{"name":"read"},"evaluations":[{"resource":{"type":"Doc","id":"1"}}]}"""),
                ("/access/v1/search/resource", """{"subject":{"type":"Agent","id":"TEXT"},"action":{"name":"read"},"resource":{"type":"Doc"}}"""),
                ("/v1/events", """[{"type":"custom.TEXT","category":"authorization","outcome":"success"}]"""),
                ("/v1/identities", """{"kind":"agent","display_name":"TEXT","owner":"alice"}"""),
            };
            foreach (var (path, body) in decisions)
            {
                data.Add(path, body.Replace("TEXT", "\\ud800x", StringComparison.Ordinal));
                data.Add(path, body.Replace("TEXT", "\u00ff\u00fe", StringComparison.Ordinal));
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(UnreadableText))]
    public async Task JsonBodies_WithTextThatIsNotText_Return400Problem(string path, string body)
    {
        // The second form stands for raw bytes 0xFF 0xFE: written as Latin-1, so they reach the server undecoded.
        var bytes = body.Contains('\u00ff', StringComparison.Ordinal) ? Encoding.Latin1.GetBytes(body) : Encoding.UTF8.GetBytes(body);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await _server.Admin.PostAsync(path, content);

        var problem = await TestServer.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: {(int)response.StatusCode} {problem}");
        Assert.Equal("invalid_argument", problem.GetProperty("code").GetString());
        await AssertOnlyAliceAsync();
    }

    /// <summary>
    /// Valid decision and search bodies, mutated at random (bytes replaced, cut or repeated, JSON punctuation and odd
    /// literals inserted) with a fixed seed: every answer is a decision or a 4xx problem, never a server failure.
    /// <c>MANDATE_HTTP_FUZZ</c> sets how many (3,000 by default; <c>MANDATE_HTTP_FUZZ_SEED</c> the seed).
    /// </summary>
    [Fact]
    public async Task MutatedDecisionBodies_AreAnsweredOrRefused_NeverAServerFailure()
    {
        string[][] seeds =
        [
            ["/access/v1/evaluation", """{"subject":{"type":"Agent","id":"a","properties":{"x":1,"tags":["a"],"n":{"k":true}}},"action":{"name":"read","properties":{"m":"GET"}},"resource":{"type":"Doc","id":"1","properties":{"owner":{"type":"User","id":"u"}}},"context":{"time":"2026-12-03T10:00:00Z","ip":"10.0.0.1","n":12345678901234567890,"f":1.5,"arr":[1,2,3],"e":{"__entity":{"type":"User","id":"x"}},"x":{"__extn":{"fn":"ip","arg":"10.0.0.0/8"}}},"options":{"explain":true}}"""],
            ["/access/v1/evaluations", """{"subject":{"type":"Agent","id":"a"},"action":{"name":"read"},"context":{"p":"x"},"options":{"evaluations_semantic":"deny_on_first_deny","explain":true},"evaluations":[{"resource":{"type":"Doc","id":"1"}},{"resource":{"type":"Doc","id":"2"},"context":{"q":1}},{"subject":{"type":"mandate_token","id":"abc"}}]}"""],
            ["/access/v1/search/resource", """{"subject":{"type":"Agent","id":"a"},"action":{"name":"read"},"resource":{"type":"Doc"},"page":{"limit":5,"token":"abc"}}"""],
            ["/access/v1/search/subject", """{"subject":{"type":"Agent"},"action":{"name":"read"},"resource":{"type":"Doc","id":"1"},"page":{"limit":0}}"""],
            ["/access/v1/search/action", """{"subject":{"type":"Agent","id":"a"},"resource":{"type":"Doc","id":"1"}}"""],
        ];
        byte[][] inserts = [.. new[] { "{", "}", "[", "]", "\"", ",", ":", "null", "1e999", "-0", "\"\\ud800\"", "true", "99999999999999999999999", "\u00ff" }
            .Select(t => t == "\u00ff" ? new byte[] { 0xFF } : Encoding.UTF8.GetBytes(t))];
        var count = int.TryParse(Environment.GetEnvironmentVariable("MANDATE_HTTP_FUZZ"), out var n) ? n : 3000;
        var random = new Random(int.TryParse(Environment.GetEnvironmentVariable("MANDATE_HTTP_FUZZ_SEED"), out var seed) ? seed : 3);
        for (var i = 0; i < count; i++)
        {
            var (path, body) = (seeds[i % seeds.Length][0], Encoding.UTF8.GetBytes(seeds[i % seeds.Length][1]).ToList());
            for (var m = random.Next(1, 5); m > 0 && body.Count > 0; m--)
            {
                var at = random.Next(body.Count);
                switch (random.Next(5))
                {
                    case 0: body[at] = (byte)random.Next(256); break;
                    case 1: body.RemoveRange(at, Math.Min(random.Next(1, 9), body.Count - at)); break;
                    case 2: body.InsertRange(at, inserts[random.Next(inserts.Length)]); break;
                    case 3:
                        var from = random.Next(body.Count);
                        body.InsertRange(at, body.GetRange(from, Math.Min(random.Next(1, 31), body.Count - from)));
                        break;
                    default: body.RemoveRange(at, body.Count - at); break;
                }
            }

            using var content = new ByteArrayContent([.. body]);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await _server.Admin.PostAsync(path, content);
            Assert.True((int)response.StatusCode < 500, $"{path} answered {(int)response.StatusCode} to {Encoding.Latin1.GetString([.. body])}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task CreateIdentity_WithOversizeBody_Returns413ProblemAndStoresNothing()
    {
        var body = $$"""{"kind":"agent","display_name":"x","owner":"alice","purpose":"{{new string('a', 2 * 1024 * 1024)}}"}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/identities")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };

        // Wait for the server's verdict before sending the body, as a well-behaved client does; otherwise the
        // server's early 413 can race the upload and surface as a broken pipe on the client.
        request.Headers.ExpectContinue = true;

        using var response = await _server.Admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertOnlyAliceAsync();
    }

    [Fact]
    public async Task CreateIdentity_WithoutJsonContentType_Returns415Problem()
    {
        using var content = new StringContent("""{"kind":"human","display_name":"x"}""", Encoding.UTF8, "text/plain");

        using var response = await _server.Admin.PostAsync("/v1/identities", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertOnlyAliceAsync();
    }

    [Fact]
    public async Task CreateIdentity_WithDuplicateId_Returns409AndKeepsTheOriginal()
    {
        var problem = await _server.PostJsonAsync("/v1/identities", new { kind = "human", id = "alice", display_name = "Impostor" }, 409);

        Assert.Equal("conflict", problem.GetProperty("code").GetString());
        var alice = await _server.GetJsonAsync("/v1/identities/alice");
        Assert.Equal("Alice", alice.GetProperty("display_name").GetString());
    }

    [Fact]
    public async Task ListIdentities_WithBadQuery_Returns400Problem()
    {
        foreach (var query in new[] { "?kind=robot", "?limit=0", "?limit=100000", "?limit=abc", "?cursor=%%%" })
        {
            using var response = await _server.Admin.GetAsync("/v1/identities" + query);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    public static TheoryData<string, string, string> BadReasons => new()
    {
        { "suspend", "leaked\nsee INC-42", "identity.suspended" },
        { "deactivate", "leaked\nsee INC-42", "identity.deactivated" },
        { "deactivate", new string('x', 2001), "identity.deactivated" },
    };

    [Theory]
    [MemberData(nameof(BadReasons))]
    public async Task StatusChange_WithABadReason_Is400AndChangesNothing(string change, string reason, string recorded)
    {
        var problem = await _server.PostJsonAsync($"/v1/identities/alice/{change}", new { reason }, 400);

        Assert.Equal(("invalid_argument", "reason"), (problem.GetProperty("code").GetString(), problem.GetProperty("field").GetString()));
        Assert.Equal("active", (await _server.GetJsonAsync("/v1/identities/alice")).GetProperty("status").GetString());
        await _server.PostJsonAsync($"/v1/identities/alice/{change}", new { reason = "offboarded" }, 200);
        await _server.WaitForEventsAsync(recorded, 1, e => e.GetProperty("message").GetString() == "offboarded");
    }

    [Fact]
    public async Task RevokeCredential_WithABadReason_Is400AndKeepsItActive()
    {
        var id = (await _server.PostJsonAsync("/v1/identities/alice/credentials", new { kind = "api_key" })).GetProperty("credential").GetProperty("id").GetString();

        var problem = await _server.PostJsonAsync($"/v1/credentials/{id}/revoke", new { reason = "leaked\nsee INC-42" }, 400);

        Assert.Equal(("invalid_argument", "reason"), (problem.GetProperty("code").GetString(), problem.GetProperty("field").GetString()));
        Assert.Equal("active", (await _server.GetJsonAsync($"/v1/credentials/{id}")).GetProperty("status").GetString());
        await _server.PostJsonAsync($"/v1/credentials/{id}/revoke", new { reason = "leaked, see INC-42" }, 200);
        await _server.WaitForEventsAsync("credential.revoked", 1, e => e.GetProperty("resource_id").GetString() == id);
    }

    private async Task AssertOnlyAliceAsync()
    {
        var page = await _server.GetJsonAsync("/v1/identities");
        var ids = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Equal(["alice"], ids);
        var credentials = await _server.GetJsonAsync("/v1/credentials");
        Assert.Equal(0, credentials.GetProperty("items").GetArrayLength());
    }
}
