using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mandate.Server.Hosting;
using Mandate.Server.Tests.Cli;

namespace Mandate.Server.Tests.Events;

/// <summary>Every kind of event Mandate records exports as valid OCSF, through the API and the CLI.</summary>
public sealed class OcsfExportTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        await _server.PostJsonAsync("/v1/identities", new { kind = "human", id = "alice", display_name = "Alice Ng" });
        await _server.PostJsonAsync("/v1/groups", new { id = "finance", kind = "group", display_name = "Finance" });
        using (var decision = await _server.Admin.PostAsJsonAsync("/access/v1/evaluation", new
        {
            subject = new { type = "Human", id = "alice" },
            action = new { name = "read" },
            resource = new { type = "Table", id = "invoices" },
        }, ApiJson.Options))
        {
            decision.EnsureSuccessStatusCode();
        }

        using var anonymous = _server.CreateClient();
        using var refused = await anonymous.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "nobody", ["client_secret"] = "wrong",
        }));
        const string External = """
            {"type":"bucket.read","outcome":"success","category":"api_activity","actor_id":"ci-runner","actor_kind":"workload","action":"GetObject","resource_type":"Bucket","resource_id":"invoices","source_ip":"203.0.113.9","user_agent":"aws-cli/2.15","request_id":"req-42","source":"aws.cloudtrail"}
            {"type":"escalation.refused","outcome":"failure","category":"detection_finding","actor_id":"invoice-bot","actor_kind":"agent","chain":["alice"],"action":"grant_role","resource_type":"Role","resource_id":"admins","message":"agent tried to grant a role it does not hold","policies":["no-self-escalation"]}
            """;
        // The pipeline writes in order, so once this durable ingest is acknowledged every event emitted before it is stored too.
        using var content = new StringContent(External, Encoding.UTF8, "application/x-ndjson");
        using var ingest = await _server.Admin.PostAsync("/v1/events", content);
        ingest.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<List<JsonElement>> ExportAsync(string query = "")
    {
        var text = await _server.Admin.GetStringAsync("/v1/events/export" + query);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    [Fact]
    public async Task Export_EveryEventIsValidOcsf_AndEveryClassAppears()
    {
        var exported = await ExportAsync();

        foreach (var e in exported)
        {
            Assert.True(OcsfSchemaFacts.Problems(e).Count == 0, $"{string.Join("; ", OcsfSchemaFacts.Problems(e))}\n{e}");
        }

        Assert.Equal([2004, 3001, 3002, 3003, 3004, 6003], exported.Select(e => e.GetProperty("class_uid").GetInt32()).Distinct().Order());
    }

    [Fact]
    public async Task Export_CarriesActorChainPoliciesEndpointAndCorrelation()
    {
        var exported = await ExportAsync();

        var api = exported.Single(e => e.GetProperty("class_uid").GetInt32() == 6003);
        Assert.Equal("ci-runner", api.GetProperty("actor").GetProperty("user").GetProperty("uid").GetString());
        Assert.Equal("GetObject", api.GetProperty("api").GetProperty("operation").GetString());
        Assert.Equal("203.0.113.9", api.GetProperty("src_endpoint").GetProperty("ip").GetString());
        Assert.Equal("aws-cli/2.15", api.GetProperty("http_request").GetProperty("user_agent").GetString());
        Assert.Equal("req-42", api.GetProperty("metadata").GetProperty("correlation_uid").GetString());
        Assert.Equal("invoices", api.GetProperty("resources")[0].GetProperty("uid").GetString());
        Assert.Equal("aws.cloudtrail", api.GetProperty("metadata").GetProperty("log_provider").GetString());

        var finding = exported.Single(e => e.GetProperty("class_uid").GetInt32() == 2004);
        Assert.Equal(200401, finding.GetProperty("type_uid").GetInt64());
        Assert.Equal(["alice"], finding.GetProperty("unmapped").GetProperty("mandate").GetProperty("delegation_chain").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("agent", finding.GetProperty("evidences")[0].GetProperty("actor").GetProperty("user").GetProperty("type").GetString());

        var created = exported.First(e => e.GetProperty("class_uid").GetInt32() == 3001);
        Assert.Equal(300101, created.GetProperty("type_uid").GetInt64());
        Assert.Equal("alice", created.GetProperty("user").GetProperty("uid").GetString());

        var refused = exported.Single(e => e.GetProperty("class_uid").GetInt32() == 3002);
        Assert.Equal(2, refused.GetProperty("status_id").GetInt32());
    }

    [Fact]
    public async Task Export_AppliesTheListingFilters()
    {
        var exported = await ExportAsync("?identity=ci-runner");

        Assert.Equal("bucket.read", Assert.Single(exported).GetProperty("metadata").GetProperty("event_code").GetString());
    }

    [Fact]
    public async Task Cli_ExportsToAFileAndToStandardOutput()
    {
        var file = Path.Combine(_server.DataDirectory, "export.ocsf.jsonl");

        var toFile = await CliRun.InvokeAsync(_server, "events", "export", "--out", file);
        var toStdout = await CliRun.InvokeAsync(_server, "events", "export", "--type", "escalation");

        Assert.True(toFile.ExitCode == 0, toFile.ToString());
        var lines = await File.ReadAllLinesAsync(file);
        Assert.Equal((await ExportAsync()).Count, lines.Length);
        Assert.All(lines, l => Assert.Empty(OcsfSchemaFacts.Problems(JsonDocument.Parse(l).RootElement)));
        Assert.Equal(0, toStdout.ExitCode);
        Assert.Equal(2004, JsonDocument.Parse(toStdout.Output.Trim()).RootElement.GetProperty("class_uid").GetInt32());

        // A refused export leaves the last good one in place, and nothing beside it.
        var refused = await CliRun.InvokeAsync(null, "events", "export", "--out", file, "--server", _server.BaseAddress.ToString(), "--token", "not-the-admin-token");
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal(lines, await File.ReadAllLinesAsync(file));
        Assert.Equal([file], Directory.GetFiles(_server.DataDirectory, "*export*", SearchOption.TopDirectoryOnly));
    }
}
