using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mandate.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Tests;

public sealed class BundleTests
{
    private const string Schema = """
        entity User { clearance: Long };
        entity Doc { level: Long };
        action read appliesTo { principal: [User], resource: [Doc] };
        """;

    private const string Entities = """
        [{"uid": {"type": "User", "id": "a"}, "attrs": {"clearance": 3}, "parents": []},
         {"uid": {"type": "Doc", "id": "1"}, "attrs": {"level": 2}, "parents": []}]
        """;

    private static readonly JsonElement ReadDoc =
        JsonDocument.Parse("""{"subject":{"type":"User","id":"a"},"action":{"name":"read"},"resource":{"type":"Doc","id":"1"}}""").RootElement;

    [Fact]
    public async Task Reload_SwapsPoliciesWithoutRestart_AndABrokenFileKeepsTheServedBundle()
    {
        var directory = Directory.CreateTempSubdirectory("mandate-bundle-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "p.cedar"), "permit (principal == User::\"a\", action, resource);");
            await using var server = await TestServer.StartAsync(o => o with { BundleDirectory = directory });
            Assert.True(await DecideAsync(server, ReadDoc));

            await File.WriteAllTextAsync(Path.Combine(directory, "p.cedar"), "forbid (principal, action, resource);");
            await server.PostJsonAsync("/v1/bundle/reload", new { }, 200);
            Assert.False(await DecideAsync(server, ReadDoc));

            await File.WriteAllTextAsync(Path.Combine(directory, "p.cedar"), "permit (principal");
            var problem = await server.PostJsonAsync("/v1/bundle/reload", new { }, 400);
            Assert.Equal("invalid_bundle", problem.GetProperty("code").GetString());
            var error = problem.GetProperty("errors")[0];
            Assert.Equal("p.cedar", error.GetProperty("file").GetString());
            Assert.Equal(1, error.GetProperty("line").GetInt32());
            Assert.True(error.GetProperty("column").GetInt32() > 1);
            Assert.False(await DecideAsync(server, ReadDoc));
        }
        finally
        {
            TestServer.DeleteDirectory(directory);
        }
    }

    [Fact]
    public async Task Push_WithSchema_RefusesEveryInvalidPolicyWithFileLineAndColumn_AndKeepsTheLastGoodBundle()
    {
        await using var server = await TestServer.StartAsync();
        var good = await PushAsync(server, Files(("app.cedarschema", Schema), ("entities.json", Entities),
            ("p.cedar", "permit (principal, action == Action::\"read\", resource) when { principal.clearance >= resource.level };")));
        Assert.Equal(HttpStatusCode.OK, good.Status);
        Assert.Equal("upload", good.Body.GetProperty("source").GetString());
        Assert.StartsWith("sha256:", good.Body.GetProperty("digest").GetString(), StringComparison.Ordinal);
        Assert.True(await DecideAsync(server, ReadDoc));

        var bad = await PushAsync(server, Files(("app.cedarschema", Schema), ("entities.json", Entities),
            ("p.cedar", "permit (principal, action == Action::\"read\", resource) when { principal.clearance >= resource.level };"),
            ("q.cedar", "permit (principal, action, resource);\n\npermit (principal, action == Action::\"read\", resource)\n  when { resource.secrecy > 1 };"),
            ("r.cedar", "permit (principal, action == Action::\"write\", resource);")));

        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        var errors = bad.Body.GetProperty("errors").EnumerateArray().ToList();
        var secrecy = Assert.Single(errors, e => e.GetProperty("message").GetString()!.Contains("secrecy", StringComparison.Ordinal));
        Assert.Equal("q.cedar", secrecy.GetProperty("file").GetString());
        Assert.Equal(4, secrecy.GetProperty("line").GetInt32());
        Assert.Contains(errors, e => e.GetProperty("file").GetString() == "r.cedar" && e.GetProperty("line").GetInt32() == 1);
        Assert.True(await DecideAsync(server, ReadDoc));
        Assert.Equal(good.Body.GetProperty("digest").GetString(), (await server.GetJsonAsync("/v1/bundle")).GetProperty("digest").GetString());
    }

    [Fact]
    public async Task Push_RefusesEntitiesThatDoNotFitTheSchema_AndFilesThatAreNotBundleFiles()
    {
        await using var server = await TestServer.StartAsync();
        var misfit = await PushAsync(server, Files(("app.cedarschema", Schema), ("p.cedar", "permit (principal, action, resource);"),
            ("entities.json", """[{"uid": {"type": "User", "id": "a"}, "attrs": {"clearance": "high"}, "parents": []}]""")));
        Assert.Equal(HttpStatusCode.BadRequest, misfit.Status);
        Assert.Equal("entities.json", misfit.Body.GetProperty("errors")[0].GetProperty("file").GetString());

        var stray = await PushAsync(server, Files(("../evil.cedar", "permit (principal, action, resource);")));
        Assert.Equal(HttpStatusCode.BadRequest, stray.Status);
        Assert.Equal("../evil.cedar", stray.Body.GetProperty("errors")[0].GetProperty("file").GetString());

        using var notJson = await server.Admin.PutAsync("/v1/bundle", new StringContent("{\"files\": {\"p.cedar\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        using var nullText = await server.Admin.PutAsync("/v1/bundle", new StringContent("{\"files\": {\"p.cedar\": null}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, nullText.StatusCode);
        using var noFiles = await server.Admin.PutAsync("/v1/bundle", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, noFiles.StatusCode);
        using var plain = await server.Admin.PutAsync("/v1/bundle", new StringContent("permit (principal, action, resource);"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plain.StatusCode);
        await server.GetJsonAsync("/v1/bundle", 404);
    }

    [Fact]
    public async Task Push_AcceptsATarGz_AndTheUploadedBundleSurvivesARestart()
    {
        var data = Path.Combine(Path.GetTempPath(), "mandate-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var server = await TestServer.StartAsync(data, ownsDirectory: false))
            {
                using var archive = new ByteArrayContent(TarGz(("./p.cedar", "permit (principal == User::\"a\", action == Action::\"read\", resource);")));
                archive.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
                using var pushed = await server.Admin.PutAsync("/v1/bundle", archive);
                Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);
                Assert.True(await DecideAsync(server, ReadDoc));

                using var garbage = new ByteArrayContent([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8]);
                garbage.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
                using var refused = await server.Admin.PutAsync("/v1/bundle", garbage);
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
                using var nested = new ByteArrayContent(TarGz(("sub/p.cedar", "permit (principal, action, resource);")));
                nested.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
                using var refusedNested = await server.Admin.PutAsync("/v1/bundle", nested);
                Assert.Equal(HttpStatusCode.BadRequest, refusedNested.StatusCode);
                Assert.True(await DecideAsync(server, ReadDoc));
            }

            await using (var restarted = await TestServer.StartAsync(data, ownsDirectory: false))
            {
                Assert.True(await DecideAsync(restarted, ReadDoc));
                Assert.Equal("p", (await restarted.GetJsonAsync("/v1/bundle")).GetProperty("policies")[0].GetString());
            }
        }
        finally
        {
            TestServer.DeleteDirectory(data);
        }
    }

    /// <summary>
    /// Two bundles give opposite answers to the same batch of questions. Threads ask the batch over and over while the
    /// bundles are pushed in turn: every answer must be entirely one bundle's or entirely the other's, never an error
    /// and never a mix, and both must be seen.
    /// </summary>
    [Fact]
    public async Task Push_WhileDecisionsAreMade_EveryBatchMatchesExactlyOneBundle()
    {
        await using var server = await TestServer.StartAsync();
        var docs = Enumerable.Range(0, 20).Select(i => $"d{i}").ToArray();
        var bundleA = Files(("p.cedar", "permit (principal, action, resource) when { resource.even };"), ("entities.json", DocEntities(docs)));
        var bundleB = Files(("p.cedar", "permit (principal, action, resource) unless { resource.even };"), ("entities.json", DocEntities(docs)));
        var expectedA = docs.Select((_, i) => i % 2 == 0).ToArray();
        var expectedB = expectedA.Select(d => !d).ToArray();
        Assert.Equal(HttpStatusCode.OK, (await PushAsync(server, bundleA)).Status);
        var batch = new
        {
            subject = new { type = "User", id = "u" },
            action = new { name = "read" },
            evaluations = docs.Select(d => new { resource = new { type = "Doc", id = d } }).ToArray(),
        };

        using var done = new CancellationTokenSource();
        var seen = new int[2];
        var failures = new List<string>();
        var askers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            using var client = server.CreateClient(TestServer.AdminToken);
            while (!done.IsCancellationRequested)
            {
                using var response = await client.PostAsJsonAsync("/access/v1/evaluations", batch);
                var json = await TestServer.ReadJsonAsync(response);
                var decisions = response.IsSuccessStatusCode
                    ? json.GetProperty("evaluations").EnumerateArray().Select(e => e.GetProperty("decision").GetBoolean()).ToArray()
                    : [];
                var which = decisions.SequenceEqual(expectedA) ? 0 : decisions.SequenceEqual(expectedB) ? 1 : -1;
                if (which < 0)
                {
                    lock (failures)
                    {
                        failures.Add($"{(int)response.StatusCode}: {json}");
                    }
                }
                else
                {
                    Interlocked.Increment(ref seen[which]);
                }
            }
        })).ToList();

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PushAsync(server, i % 2 == 0 ? bundleB : bundleA)).Status);
        }

        await done.CancelAsync();
        await Task.WhenAll(askers);
        Assert.Empty(failures);
        Assert.True(seen[0] > 0 && seen[1] > 0, $"saw A {seen[0]} times and B {seen[1]} times");
    }

    [Fact]
    public async Task Snapshot_IsServedWithAnETag_AndALongPollReturnsWhenItChanges()
    {
        await using var server = await TestServer.StartAsync();
        using var first = await server.Admin.GetAsync("/v1/snapshot");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var tag = first.Headers.ETag!;

        using (var unchanged = new HttpRequestMessage(HttpMethod.Get, "/v1/snapshot"))
        {
            unchanged.Headers.IfNoneMatch.Add(tag);
            using var response = await server.Admin.SendAsync(unchanged);
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        }

        using var poll = new HttpRequestMessage(HttpMethod.Get, "/v1/snapshot?wait=30");
        poll.Headers.IfNoneMatch.Add(tag);
        var waiting = server.Admin.SendAsync(poll);
        Assert.Equal(HttpStatusCode.OK, (await PushAsync(server, Files(("p.cedar", "permit (principal == User::\"a\", action, resource);")))).Status);
        using var changed = await waiting;
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(tag, changed.Headers.ETag);
        var document = await TestServer.ReadJsonAsync(changed);
        Assert.Equal("p", document.GetProperty("policies")[0].GetProperty("id").GetString());
        Assert.Equal(changed.Headers.ETag!.Tag, '"' + document.GetProperty("version").GetString() + '"');
    }

    private static Dictionary<string, string> Files(params (string Name, string Text)[] files) =>
        files.ToDictionary(f => f.Name, f => f.Text, StringComparer.Ordinal);

    private static string DocEntities(string[] docs) =>
        JsonSerializer.Serialize(docs.Select((d, i) => new { uid = new { type = "Doc", id = d }, attrs = new { even = i % 2 == 0 }, parents = Array.Empty<object>() }));

    [Fact]
    public async Task BundleChanges_RunOneAtATime_SoTheServedBundleIsTheStoredOne()
    {
        // A push stores and then serves, a reload serves: interleaved, one bundle would be served and another stored.
        // Every change runs inside StoredBundle.ChangeAsync, which must not let a second start before the first ends.
        await using var server = await TestServer.StartAsync();
        var stored = server.Server.Services.GetRequiredService<Mandate.Server.Admin.StoredBundle>();
        var release = new TaskCompletionSource();
        var order = new List<string>();
        var first = stored.ChangeAsync(async () =>
        {
            lock (order)
            {
                order.Add("first starts");
            }

            await release.Task;
            lock (order)
            {
                order.Add("first ends");
            }

            return 1;
        }, CancellationToken.None);
        var second = stored.ChangeAsync(() =>
        {
            lock (order)
            {
                order.Add("second starts");
            }

            return Task.FromResult(2);
        }, CancellationToken.None);

        await Task.Delay(200);
        Assert.False(second.IsCompleted);
        release.SetResult();
        var results = await Task.WhenAll(first, second);
        Assert.Equal([1, 2], results);
        Assert.Equal(["first starts", "first ends", "second starts"], order);

        // And through the API: concurrent pushes leave the served bundle the one a restart would load.
        var pushes = Enumerable.Range(0, 4).Select(i => PushAsync(server, new Dictionary<string, string>
        {
            ["p.cedar"] = $"permit (principal, action == Action::\"a{i}\", resource);",
        })).ToArray();
        Assert.All(await Task.WhenAll(pushes), p => Assert.Equal(HttpStatusCode.OK, p.Status));
        Assert.Equal(PolicyBundle.Load(Path.Combine(server.DataDirectory, "bundle")).Digest,
            (await server.GetJsonAsync("/v1/bundle")).GetProperty("digest").GetString());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PushAsync(TestServer server, Dictionary<string, string> files)
    {
        using var response = await server.Admin.PutAsJsonAsync("/v1/bundle", new { files });
        return (response.StatusCode, await TestServer.ReadJsonAsync(response));
    }

    private static async Task<bool> DecideAsync(TestServer server, JsonElement request)
    {
        using var response = await server.Admin.PostAsJsonAsync("/access/v1/evaluation", request);
        var json = await TestServer.ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return json.GetProperty("decision").GetBoolean();
    }

    private static byte[] TarGz(params (string Name, string Text)[] files)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip))
        {
            foreach (var (name, text) in files)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
            }
        }

        return buffer.ToArray();
    }
}
