using System.Net.Http.Json;
using System.Text.Json;

namespace Mandate.Server.Tests;

/// <summary>The AuthZEN interop decision files, against bundles in samples/ written for their scenarios.</summary>
public sealed class AuthZenInteropTests
{
    [Fact]
    public async Task Todo_SingleAndBatchDecisions_MatchTheInteropFile()
    {
        var cases = JsonDocument.Parse(await File.ReadAllTextAsync(Conformance.AuthZenFile("todo", "decisions.json"))).RootElement;
        await using var server = await TestServer.StartAsync(o => o with { BundleDirectory = Conformance.Sample("authzen-todo") });

        var failures = new List<string>();
        foreach (var single in cases.GetProperty("evaluation").EnumerateArray())
        {
            var answer = await PostAsync(server, "/access/v1/evaluation", single.GetProperty("request"));
            if (answer.GetProperty("decision").GetBoolean() != single.GetProperty("expected").GetBoolean())
            {
                failures.Add($"{single.GetProperty("request")} -> {answer}");
            }
        }

        foreach (var batch in cases.GetProperty("evaluations").EnumerateArray())
        {
            var answer = await PostAsync(server, "/access/v1/evaluations", batch.GetProperty("request"));
            var expected = batch.GetProperty("expected").GetRawText();
            if (JsonSerializer.Serialize(answer.GetProperty("evaluations")) != JsonSerializer.Serialize(JsonDocument.Parse(expected).RootElement))
            {
                failures.Add($"batch {batch.GetProperty("request")} -> {answer}, expected {expected}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal(40, cases.GetProperty("evaluation").GetArrayLength());
        Assert.Equal(3, cases.GetProperty("evaluations").GetArrayLength());
    }

    [Fact]
    public async Task ApiGateway_Decisions_MatchTheInteropFile()
    {
        var cases = JsonDocument.Parse(await File.ReadAllTextAsync(Conformance.AuthZenFile("api-gateway", "decisions.json"))).RootElement;
        await using var server = await TestServer.StartAsync(o => o with { BundleDirectory = Conformance.Sample("authzen-gateway") });

        var failures = new List<string>();
        foreach (var single in cases.GetProperty("evaluation").EnumerateArray())
        {
            var answer = await PostAsync(server, "/access/v1/evaluation", single.GetProperty("request"));
            if (answer.GetProperty("decision").GetBoolean() != single.GetProperty("expected").GetBoolean())
            {
                failures.Add($"{single.GetProperty("request")} -> {answer}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal(25, cases.GetProperty("evaluation").GetArrayLength());
    }

    [Theory]
    [InlineData("subject", "subject-results.json")]
    [InlineData("resource", "resource-results.json")]
    [InlineData("action", "action-results.json")]
    public async Task Search_ReturnsExactlyTheExpectedResultSets(string kind, string file)
    {
        var directory = Directory.CreateTempSubdirectory("mandate-search-").FullName;
        try
        {
            WriteSearchBundle(directory);
            await using var server = await TestServer.StartAsync(o => o with { BundleDirectory = directory });
            var cases = JsonDocument.Parse(await File.ReadAllTextAsync(Conformance.AuthZenFile("search", file))).RootElement.GetProperty("evaluation");

            var failures = new List<string>();
            foreach (var search in cases.EnumerateArray())
            {
                var results = new List<string>();
                var token = string.Empty;
                do
                {
                    // Small pages, to exercise paging on the way.
                    var request = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(search.GetProperty("request"))!;
                    request["page"] = JsonSerializer.SerializeToElement(new { token, limit = 3 });
                    var answer = await PostAsync(server, "/access/v1/search/" + kind, JsonSerializer.SerializeToElement(request));
                    results.AddRange(answer.GetProperty("results").EnumerateArray().Select(r => JsonSerializer.Serialize(r)));
                    token = answer.GetProperty("page").GetProperty("next_token").GetString()!;
                }
                while (token.Length > 0);

                var expected = search.GetProperty("expected").GetProperty("results").EnumerateArray().Select(r => JsonSerializer.Serialize(r)).Order().ToList();
                if (!expected.SequenceEqual(results.Order()))
                {
                    failures.Add($"{search.GetProperty("request")}: got [{string.Join(", ", results)}], expected [{string.Join(", ", expected)}]");
                }
            }

            Assert.True(failures.Count == 0, string.Join('\n', failures));
            Assert.True(cases.GetArrayLength() > 0);
        }
        finally
        {
            TestServer.DeleteDirectory(directory);
        }
    }

    /// <summary>The search scenario's users and records, from the interop data, as Cedar entities beside the sample policies.</summary>
    private static void WriteSearchBundle(string directory)
    {
        File.Copy(Path.Combine(Conformance.Sample("authzen-search"), "search.cedar"), Path.Combine(directory, "search.cedar"));
        var users = JsonDocument.Parse(File.ReadAllText(Conformance.AuthZenFile("search", "users.json"))).RootElement.EnumerateArray()
            .Select(u => new
            {
                uid = new { type = "user", id = u.GetProperty("id").GetString() },
                attrs = new { role = u.GetProperty("role").GetString(), department = u.GetProperty("department").GetString() },
                parents = Array.Empty<object>(),
            });
        var records = JsonDocument.Parse(File.ReadAllText(Conformance.AuthZenFile("search", "records.json"))).RootElement.EnumerateArray()
            .Select(r => (object)new
            {
                uid = new { type = "record", id = r.GetProperty("id").ToString() },
                attrs = new
                {
                    title = r.GetProperty("title").GetString(),
                    department = r.GetProperty("department").GetString(),
                    owner = new { __entity = new { type = "user", id = r.GetProperty("owner").GetString() } },
                },
                parents = Array.Empty<object>(),
            });
        File.WriteAllText(Path.Combine(directory, "entities.json"), JsonSerializer.Serialize(users.Cast<object>().Concat(records)));
    }

    private static async Task<JsonElement> PostAsync(TestServer server, string path, JsonElement body)
    {
        using var response = await server.Admin.PostAsJsonAsync(path, body);
        var json = await TestServer.ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"{path} {body}: {json}");
        return json;
    }
}
