using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mandate.Core.Storage;
using Mandate.Server.Tests.Cli;
using Mandate.Telemetry;
using Mandate.Telemetry.Import;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Tests.Events;

/// <summary>
/// <c>mandate import</c> over the sample CloudTrail and Kubernetes audit files: actors are attributed to the identities
/// whose labels claim them, and every other principal becomes a discovered, unmanaged identity.
/// </summary>
public sealed class ImportTests : IAsyncLifetime
{
    private const string BillingRole = "arn:aws:iam::123456789012:role/billing-agent";
    private const string InvoiceServiceAccount = "system:serviceaccount:billing:invoice-agent";
    private static readonly string Samples = Path.Combine(AppContext.BaseDirectory, "Samples", "Imports");
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        await _server.PostJsonAsync("/v1/identities", new
        {
            kind = "human", id = "alice", display_name = "Alice Ng",
            labels = new Dictionary<string, string> { ["aws.source_identity"] = "alice", ["k8s.user"] = "alice@example.com" },
        });
        await _server.PostJsonAsync("/v1/identities", new
        {
            kind = "agent", id = "invoice-bot", display_name = "Invoice bot", owner = "alice",
            labels = new Dictionary<string, string> { ["aws.arn"] = BillingRole, ["k8s.user"] = InvoiceServiceAccount },
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonElement[]> EventsAsync(string query) =>
        [.. (await _server.GetJsonAsync("/v1/events?limit=1000&" + query)).GetProperty("items").EnumerateArray()];

    private async Task<Dictionary<string, JsonElement>> DiscoveredAsync(string source) =>
        (await _server.GetJsonAsync($"/v1/discovered-identities?source={source}")).GetProperty("items").EnumerateArray()
            .ToDictionary(d => d.GetProperty("external_id").GetString()!);

    [Fact]
    public async Task CloudTrail_FilesAndGzip_AreAttributedAndUnknownPrincipalsDiscovered()
    {
        // The second log file goes in gzip-compressed, the way CloudTrail delivers to S3.
        var directory = Directory.CreateDirectory(Path.Combine(_server.DataDirectory, "cloudtrail-in")).FullName;
        var files = Directory.GetFiles(Path.Combine(Samples, "cloudtrail")).Order().ToArray();
        File.Copy(files[0], Path.Combine(directory, Path.GetFileName(files[0])));
        await using (var gzip = new GZipStream(File.Create(Path.Combine(directory, Path.GetFileName(files[1]) + ".gz")), CompressionLevel.Optimal))
        {
            await gzip.WriteAsync(await File.ReadAllBytesAsync(files[1]));
        }

        var run = await CliRun.InvokeAsync(_server, "import", "cloudtrail", directory);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("imported 6 events (2 attributed to managed identities", run.Output, StringComparison.Ordinal);
        var bot = await EventsAsync("identity=invoice-bot&type=aws");
        Assert.Equal(["aws.s3.get_object", "aws.s3.put_object"], bot.Select(e => e.GetProperty("type").GetString()));
        var read = bot[0];
        Assert.Equal("agent", read.GetProperty("actor_kind").GetString());
        Assert.Equal(["alice"], read.GetProperty("chain").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("aws.cloudtrail", read.GetProperty("source").GetString());
        Assert.Equal("s3:GetObject", read.GetProperty("action").GetString());
        Assert.Equal("arn:aws:s3:::acme-invoices/2026/11/inv-1042.pdf", read.GetProperty("resource_id").GetString());
        Assert.Equal("10.20.30.40", read.GetProperty("source_ip").GetString());
        Assert.Equal("cloudtrail:1f4b6a2e-8c51-4d3e-9f0a-2b7c9d1e0a01", read.GetProperty("id").GetString());
        Assert.Equal(2, (await EventsAsync("identity=alice&include_delegated=true&type=aws")).Length);

        var denied = Assert.Single(await EventsAsync("identity=arn:aws:iam::123456789012:role/data-export"));
        Assert.Equal("failure", denied.GetProperty("outcome").GetString());
        Assert.StartsWith("AccessDenied: ", denied.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("account_change", Assert.Single(await EventsAsync("type=aws.iam")).GetProperty("category").GetString());
        Assert.Equal("authentication", Assert.Single(await EventsAsync("type=aws.signin.console_login")).GetProperty("category").GetString());

        var discovered = await DiscoveredAsync("aws.cloudtrail");
        Assert.Equal(
            ["arn:aws:iam::123456789012:role/data-export", "arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:user/ci-deployer", "events.amazonaws.com"],
            discovered.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("service_account", discovered["arn:aws:iam::123456789012:user/ci-deployer"].GetProperty("kind").GetString());
        Assert.Equal("workload", discovered["events.amazonaws.com"].GetProperty("kind").GetString());
        Assert.Equal("aws.arn", discovered["arn:aws:iam::123456789012:root"].GetProperty("claim_label").GetString());
    }

    [Fact]
    public async Task KubernetesAudit_OneEventPerRequest_ImpersonationIsAChain_AndDiscoveredCanBeClaimed()
    {
        var run = await CliRun.InvokeAsync(_server, "import", "k8s-audit", Path.Combine(Samples, "k8s", "audit.log"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("imported 6 events (2 attributed to managed identities, 2 records skipped, 0 already imported)", run.Output, StringComparison.Ordinal);
        var secret = Assert.Single(await EventsAsync("identity=invoice-bot&type=k8s"));
        Assert.Equal("k8s.secrets.get", secret.GetProperty("type").GetString());
        Assert.Equal("billing/invoice-db", secret.GetProperty("resource_id").GetString());
        Assert.Equal("kubernetes.audit", secret.GetProperty("source").GetString());
        Assert.Equal("k8s.pods_exec.create", Assert.Single(await EventsAsync("identity=alice&type=k8s")).GetProperty("type").GetString());

        var impersonated = Assert.Single(await EventsAsync("identity=system:serviceaccount:kube-system:deployer"));
        Assert.Equal(["admin@example.com"], impersonated.GetProperty("chain").EnumerateArray().Select(c => c.GetString()));
        var forbidden = Assert.Single(await EventsAsync("type=k8s.clusterrolebindings"));
        Assert.Equal("failure", forbidden.GetProperty("outcome").GetString());
        Assert.Equal("entity_management", forbidden.GetProperty("category").GetString());
        Assert.Equal("authentication", Assert.Single(await EventsAsync("type=k8s.tokenreviews")).GetProperty("category").GetString());

        var discovered = await DiscoveredAsync("kubernetes.audit");
        Assert.Equal(
            ["admin@example.com", "system:kube-controller-manager", "system:serviceaccount:ci:runner", "system:serviceaccount:kube-system:deployer", "system:serviceaccount:monitoring:prometheus"],
            discovered.Keys.Order(StringComparer.Ordinal));
        Assert.True(discovered.Values.All(d => !d.TryGetProperty("managed_by", out _)));

        // Registering the service account as an identity that claims it marks the discovery as managed from then on.
        await _server.PostJsonAsync("/v1/identities", new
        {
            kind = "service_account", id = "prometheus", display_name = "Prometheus", owner = "alice",
            labels = new Dictionary<string, string> { ["k8s.user"] = "system:serviceaccount:monitoring:prometheus" },
        });
        var after = await DiscoveredAsync("kubernetes.audit");
        Assert.Equal("prometheus", after["system:serviceaccount:monitoring:prometheus"].GetProperty("managed_by").GetString());
        Assert.Equal("service_account", after["system:serviceaccount:monitoring:prometheus"].GetProperty("kind").GetString());

        // The CLI lists the same, with the claiming identity.
        var listed = await CliRun.InvokeAsync(_server, "identity", "discovered", "--source", "kubernetes.audit");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        var row = listed.Output.Split('\n').Single(line => line.Contains("system:serviceaccount:monitoring:prometheus", StringComparison.Ordinal));
        Assert.Contains("service-account", row, StringComparison.Ordinal);
        Assert.Contains("k8s.user", row, StringComparison.Ordinal);
        Assert.EndsWith("prometheus", row.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(5, listed.Output.Split('\n').Count(line => line.StartsWith("kubernetes.audit", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ImportingTheSameFilesAgain_StoresNothingTwice()
    {
        var log = Path.Combine(Samples, "k8s", "audit.log");
        Assert.True((await CliRun.InvokeAsync(_server, "import", "k8s-audit", log)).ExitCode == 0);
        var events = await EventsAsync("type=k8s");
        var sightings = (await DiscoveredAsync("kubernetes.audit")).ToDictionary(d => d.Key, d => d.Value.GetProperty("events").GetInt32());

        var again = await CliRun.InvokeAsync(_server, "import", "k8s-audit", log);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("imported 0 events (0 attributed to managed identities, 2 records skipped, 6 already imported)", again.Output, StringComparison.Ordinal);
        Assert.Equal(events.Select(e => e.GetProperty("id").GetString()), (await EventsAsync("type=k8s")).Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(sightings, (await DiscoveredAsync("kubernetes.audit")).ToDictionary(d => d.Key, d => d.Value.GetProperty("events").GetInt32()));
    }

    [Fact]
    public async Task ARecordDeliveredTwiceInOneFile_IsStoredOnce()
    {
        // CloudTrail delivers at least once: the same event can appear twice, even in one file.
        var file = Directory.GetFiles(Path.Combine(Samples, "cloudtrail")).Order().First();
        var records = JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement.GetProperty("Records").EnumerateArray().Select(r => JsonSerializer.Serialize(r)).ToArray();
        using var content = new StringContent(string.Join('\n', [.. records, records[0]]), Encoding.UTF8, "application/x-ndjson");

        using var response = await _server.Admin.PostAsync("/v1/imports/cloudtrail", content);
        var result = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((5, 4, 1), (result.GetProperty("records").GetInt32(), result.GetProperty("imported").GetInt32(), result.GetProperty("duplicates").GetInt32()));
        var first = JsonDocument.Parse(records[0]).RootElement.GetProperty("eventID").GetString();
        Assert.Single(await EventsAsync("type=aws"), e => e.GetProperty("id").GetString() == "cloudtrail:" + first);
    }

    [Fact]
    public async Task TheSameRecordsImportedAtOnce_AreStoredOnce()
    {
        var file = Directory.GetFiles(Path.Combine(Samples, "cloudtrail")).Order().First();
        var body = await File.ReadAllTextAsync(file);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await _server.Admin.PostAsync("/v1/imports/cloudtrail", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var result = await TestServer.ReadJsonAsync(response);
            return (Imported: result.GetProperty("imported").GetInt32(), Duplicates: result.GetProperty("duplicates").GetInt32());
        }));

        // One import stores the file's four events; the other five find all four stored.
        Assert.Equal(4, results.Sum(r => r.Imported));
        Assert.Equal(5 * 4, results.Sum(r => r.Duplicates));
        var ids = (await EventsAsync("type=aws")).Select(e => e.GetProperty("id").GetString()).ToArray();
        Assert.Equal(4, ids.Length);
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public async Task CloudTrailLogFile_CanBePostedAsIs()
    {
        var file = Directory.GetFiles(Path.Combine(Samples, "cloudtrail")).Order().First();
        using var content = new StringContent(await File.ReadAllTextAsync(file), Encoding.UTF8, "application/json");

        using var response = await _server.Admin.PostAsync("/v1/imports/cloudtrail", content);
        var result = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((4, 4, 1), (result.GetProperty("records").GetInt32(), result.GetProperty("imported").GetInt32(), result.GetProperty("attributed").GetInt32()));
        Assert.Equal(result.GetProperty("first_sequence").GetInt64() + 3, result.GetProperty("last_sequence").GetInt64());
    }

    [Fact]
    public async Task MalformedRecords_AreRefusedWithAReasonEach_AndNothingIsStored()
    {
        var good = JsonDocument.Parse(await File.ReadAllTextAsync(Directory.GetFiles(Path.Combine(Samples, "cloudtrail")).Order().First()))
            .RootElement.GetProperty("Records")[0].GetRawText().ReplaceLineEndings(" ");
        var future = JsonNode.Parse(good)!;
        future["eventID"] = "from-the-future";
        future["eventTime"] = DateTimeOffset.UtcNow.AddDays(400).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var body = string.Join('\n', good, """{"eventName":"GetObject","eventSource":"s3.amazonaws.com"}""", "[1]", """{"eventID":"x""",
            future.ToJsonString());
        using var content = new StringContent(body, Encoding.UTF8, "application/x-ndjson");

        using var response = await _server.Admin.PostAsync("/v1/imports/cloudtrail", content);
        using var unknown = await _server.Admin.PostAsync("/v1/imports/syslog", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await TestServer.ReadJsonAsync(response)).GetProperty("errors").EnumerateArray()
            .ToDictionary(e => e.GetProperty("index").GetInt32(), e => e.GetProperty("reason").GetString()!);
        Assert.Equal([1, 2, 3, 4], errors.Keys.Order());
        Assert.Contains("is more than 5 minutes ahead of the server's clock", errors[4], StringComparison.Ordinal);
        Assert.Contains("needs `eventID`", errors[1], StringComparison.Ordinal);
        Assert.Contains("must be a JSON object", errors[2], StringComparison.Ordinal);
        Assert.Contains("not valid JSON", errors[3], StringComparison.Ordinal);
        Assert.Empty(await EventsAsync("type=aws"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task AnImportCancelledOnceItsEventsAreStored_StillRecordsItsSightings()
    {
        // Its events are stored, so a retry finds them all duplicates: what it saw must be recorded now or never.
        const string Unclaimed = "arn:aws:iam::123456789012:user/ci-deployer";
        var record = Directory.GetFiles(Path.Combine(Samples, "cloudtrail"), "*.json")
            .SelectMany(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("Records").EnumerateArray())
            .First(r => r.GetProperty("userIdentity").TryGetProperty("arn", out var arn) && arn.GetString() == Unclaimed).Clone();
        using var cancel = new CancellationTokenSource();
        var pipeline = _server.Server.Services.GetRequiredService<EventPipeline>();
        using var importer = new EventImporter(_server.Server.Services.GetRequiredService<IMandateStore>(), async (events, token) =>
        {
            var stored = await pipeline.AppendDurableAsync(events, token);
            await cancel.CancelAsync();
            return stored;
        });

        var result = await importer.ImportAsync(ImportFormat.CloudTrail, [record], null, cancel.Token);

        Assert.Equal(1, result.Imported);
        Assert.Equal([Unclaimed], result.Discovered);
        Assert.Contains(Unclaimed, (await DiscoveredAsync("aws.cloudtrail")).Keys);
    }
}

