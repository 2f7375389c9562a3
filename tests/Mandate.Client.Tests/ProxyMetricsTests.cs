using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mandate.Client.Enforcement;
using Mandate.Client.Tokens;
using Mandate.Proxy;
using Mandate.Server.Tests;

namespace Mandate.Client.Tests;

/// <summary>
/// <c>mandate proxy</c>'s admin listener: <c>/metrics</c> counts what the proxy did with each request and, in process,
/// how fresh its snapshot copy is and what its reporter holds; <c>/healthz</c> answers there; nothing else is served or
/// forwarded there, and the forwarded port does not serve them.
/// </summary>
public sealed class ProxyMetricsTests
{
    private const string Audience = "https://invoices.test";

    [Theory]
    [InlineData(DecisionMode.Remote)]
    [InlineData(DecisionMode.InProcess)]
    public async Task AdminListener_CountsRequestsByOutcome_AndServesOnlyItsOwnEndpoints(DecisionMode mode)
    {
        await using var server = await TestServer.StartAsync();
        await using var upstream = await Upstream.StartAsync();
        using var agentKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await ProxyEndToEndTests.RegisterAsync(server, agentKey);
        var configuration = ProxyEndToEndTests.Configuration(server, upstream, mode) with { AdminListen = ["http://127.0.0.1:0"] };
        await using var proxy = await MandateProxy.StartAsync(configuration, TestServer.AdminToken);
        using var http = new HttpClient();
        var token = await new MandateTokenClient(http, server.BaseAddress, "invoice-bot", agentKey).GetTokenAsync(Audience);
        using var client = new HttpClient { BaseAddress = proxy.Addresses[0] };
        using var admin = new HttpClient { BaseAddress = Assert.Single(proxy.AdminAddresses) };

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, "/invoices/7", token));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, "/invoices/8", token));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client, HttpMethod.Post, "/invoices/7/pay", token));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, HttpMethod.Get, "/invoices/7", null));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, "/healthz", null));

        // The forwarded port keeps its paths for the upstream: /metrics there is an ordinary, unmapped request.
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, HttpMethod.Get, "/metrics", null));

        var text = await admin.GetStringAsync("/metrics");
        Assert.Equal(2, Count(text, "allow"));
        Assert.Equal(1, Count(text, "deny"));
        Assert.Equal(2, Count(text, "unauthenticated"));
        Assert.Equal(1, Count(text, "anonymous"));
        Assert.Null(Find(text, "unavailable"));
        Assert.Matches(@"mandate_enforcement_decision_duration\w*_count\{[^}]*outcome=""allow""[^}]*\} 2\b", text);
        Assert.Matches(@"mandate_enforcement_decision_duration\w*_count\{[^}]*outcome=""deny""[^}]*\} 1\b", text);
        if (mode == DecisionMode.InProcess)
        {
            Assert.Matches(@"mandate_enforcement_snapshot_updates_total(\{[^}]*\})? [1-9]", text);
            Assert.Matches(@"mandate_enforcement_snapshot_failures_total(\{[^}]*\})? 0\b", text);
            var since = Regex.Match(text, @"mandate_enforcement_snapshot_since_confirmed\w*(\{[^}]*\})? ([0-9.eE+-]+)");
            Assert.True(since.Success, text);
            Assert.InRange(double.Parse(since.Groups[2].Value, CultureInfo.InvariantCulture), 0, 60);
            Assert.Contains("mandate_enforcement_events_pending", text, StringComparison.Ordinal);
            Assert.Equal(File.Exists("/proc/self/smaps_rollup"), text.Contains("mandate_memory_huge_pages", StringComparison.Ordinal));
        }
        else
        {
            // Remote decisions are the server's to record; there is no snapshot or reporter to describe.
            Assert.DoesNotContain("mandate_enforcement_snapshot", text, StringComparison.Ordinal);
            Assert.DoesNotContain("mandate_enforcement_events", text, StringComparison.Ordinal);
        }

        using (var health = await admin.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("ok", body.GetProperty("status").GetString());
            Assert.Equal(mode == DecisionMode.Remote ? "remote" : "in_process", body.GetProperty("mode").GetString());
            Assert.Equal(proxy.Snapshots?.Version, body.GetProperty("snapshot").GetString());
        }

        // The admin listener forwards nothing.
        var reached = upstream.Hits;
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(admin, HttpMethod.Get, "/invoices/7", token));
        Assert.Equal(reached, upstream.Hits);
    }

    [Fact]
    public async Task TwoProxiesInOneProcess_EachReportsOnlyItsOwnRequests()
    {
        await using var server = await TestServer.StartAsync();
        await using var upstream = await Upstream.StartAsync();
        using var agentKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await ProxyEndToEndTests.RegisterAsync(server, agentKey);
        var configuration = ProxyEndToEndTests.Configuration(server, upstream, DecisionMode.Remote) with { AdminListen = ["http://127.0.0.1:0"] };
        await using var first = await MandateProxy.StartAsync(configuration, TestServer.AdminToken);
        await using var second = await MandateProxy.StartAsync(configuration, TestServer.AdminToken);
        using var client = new HttpClient { BaseAddress = first.Addresses[0] };
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, HttpMethod.Get, "/invoices/7", null));

        using var admin = new HttpClient();
        Assert.Equal(1, Count(await admin.GetStringAsync(new Uri(first.AdminAddresses[0], "/metrics")), "unauthenticated"));
        Assert.Null(Find(await admin.GetStringAsync(new Uri(second.AdminAddresses[0], "/metrics")), "unauthenticated"));
    }

    [Fact]
    public async Task WithoutAdminListen_ThereIsNoAdminListener()
    {
        await using var server = await TestServer.StartAsync();
        await using var upstream = await Upstream.StartAsync();
        await using var proxy = await MandateProxy.StartAsync(ProxyEndToEndTests.Configuration(server, upstream, DecisionMode.Remote), TestServer.AdminToken);
        Assert.Empty(proxy.AdminAddresses);
    }

    [Fact]
    public void AdminListen_IsReadFromTheConfigurationFile()
    {
        var configuration = ProxyConfiguration.Parse("""{ "upstream": "http://127.0.0.1:5000", "admin_listen": ["http://127.0.0.1:9464"] }""");
        Assert.Equal(["http://127.0.0.1:9464"], configuration.AdminListen);
        Assert.Empty(ProxyConfiguration.Parse("""{ "upstream": "http://127.0.0.1:5000" }""").AdminListen);
    }

    // The request counter's value for one outcome, or null when it has not been reported.
    private static long? Find(string text, string outcome) =>
        Regex.Match(text, $@"mandate_enforcement_requests_total\{{[^}}]*outcome=""{outcome}""[^}}]*\}} (\d+)") is { Success: true } match
            ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : null;

    private static long Count(string text, string outcome) => Find(text, outcome) ?? throw new Xunit.Sdk.XunitException($"no count for `{outcome}` in:\n{text}");

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, HttpMethod method, string path, string? token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Purpose", "monthly-close");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
