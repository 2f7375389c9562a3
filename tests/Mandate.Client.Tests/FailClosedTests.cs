using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Mandate.Authorization;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Values;
using Mandate.Client.Decisions;
using Mandate.Client.Enforcement;
using Mandate.Client.Tokens;
using Mandate.Core.Identities;
using Mandate.Proxy;
using Mandate.Server.Tests;

namespace Mandate.Client.Tests;

/// <summary>No decision means no access: failures of the decision point or inside the engine refuse, never allow.</summary>
public sealed class FailClosedTests
{
    [Fact]
    public async Task RemoteDecider_WhenMandateIsUnreachable_RefusesAsUnavailable()
    {
        using var http = new HttpClient();
        var decider = new RemoteAccessDecider(http, new Uri($"http://127.0.0.1:{ClosedPort()}"), _ => ValueTask.FromResult("t"), TimeSpan.FromSeconds(2));
        var decision = await decider.DecideAsync(Question(), CancellationToken.None);
        Assert.False(decision.Allowed);
        Assert.True(decision.Unavailable);
    }

    [Fact]
    public async Task RemoteDecider_WhenMandateRefusesTheCredential_RefusesAsUnavailable()
    {
        await using var server = await TestServer.StartAsync();
        await server.PostJsonAsync("/v1/policies", new { id = "all", text = "permit (principal, action, resource);" });
        using var http = new HttpClient();
        var wrong = new RemoteAccessDecider(http, server.BaseAddress, _ => ValueTask.FromResult("not-a-token"), TimeSpan.FromSeconds(5));
        var right = new RemoteAccessDecider(http, server.BaseAddress, _ => ValueTask.FromResult(TestServer.AdminToken), TimeSpan.FromSeconds(5));

        Assert.Equal(AccessDecision.Failed("the decision service answered 401"), await wrong.DecideAsync(Question(), CancellationToken.None));
        Assert.Equal(AccessDecision.Allow, await right.DecideAsync(Question(), CancellationToken.None));
    }

    [Fact]
    public async Task Proxy_WhenTheDecisionServiceIsDown_Answers503AndForwardsNothing()
    {
        await using var server = await TestServer.StartAsync();
        await using var upstream = await Upstream.StartAsync();
        using var agentKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await ProxyEndToEndTests.RegisterAsync(server, agentKey);
        var configuration = ProxyEndToEndTests.Configuration(server, upstream, DecisionMode.Remote);
        await using var proxy = await MandateProxy.StartAsync(configuration, "a-credential-mandate-refuses");
        using var http = new HttpClient();
        var token = await new MandateTokenClient(http, server.BaseAddress, "invoice-bot", agentKey).GetTokenAsync("https://invoices.test");

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(proxy.Addresses[0], "/invoices/7"));
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("X-Purpose", "monthly-close");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("decision_unavailable", (await TestServer.ReadJsonAsync(response)).GetProperty("code").GetString());
        Assert.Equal(0, upstream.Hits);
    }

    [Fact]
    public async Task Proxy_WhenMandateTakesConnectionsButNeverAnswers_Answers503InsteadOfHanging()
    {
        // A listener whose backlog completes connections that nobody reads: every call to it waits for ever.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        await using var upstream = await Upstream.StartAsync();
        var configuration = ProxyConfiguration.Parse($$"""
            {
              "upstream": "{{upstream.Address}}", "listen": ["http://127.0.0.1:0"],
              "server": "http://127.0.0.1:{{((IPEndPoint)silent.LocalEndpoint).Port}}", "audience": "https://invoices.test",
              "routes": [{ "method": "GET", "path": "/invoices/{id}", "action": "read", "resource": "Invoice::\"{id}\"" }]
            }
            """);
        await using var proxy = await MandateProxy.StartAsync(configuration, "a-credential");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var token = "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsiLCJ0eXAiOiJhdCtqd3QifQ.e30.AAAA";

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(proxy.Addresses[0], "/invoices/7"));
            request.Headers.Authorization = new("Bearer", token);
            using var response = await http.SendAsync(request);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("decision_unavailable", (await TestServer.ReadJsonAsync(response)).GetProperty("code").GetString());
        }

        Assert.Equal(0, upstream.Hits);
    }

    [Fact]
    public void Engine_WithAnInjectedInternalFailure_Denies()
    {
        // A snapshot whose policy set is missing makes evaluation throw inside the engine.
        var broken = new AuthorizationSnapshot(1, null!, EntityStore.Empty, new Dictionary<string, Identity>());
        var request = new DecisionRequest(EntityUid.Of("User", "a"), EntityUid.Of("Action", "read"), EntityUid.Of("Doc", "1"), RecordValue.Empty);

        var result = DecisionEngine.Decide(request, broken, DateTimeOffset.UtcNow, out var failure);

        Assert.False(result.Allowed);
        Assert.NotNull(failure);
        Assert.Same(DecisionEngine.Failure, Assert.Single(result.Errors));
    }

    [Fact]
    public void Engine_WithAPolicyThatErrors_SkipsItAndDeniesWhenNothingElsePermits()
    {
        var snapshot = new AuthorizationSnapshot(1, PolicySet.Parse("""
            @id("boom") permit (principal, action, resource) when { context.n + 1 > 0 };
            @id("strict") forbid (principal, action, resource) unless { context.n > 0 };
            """), EntityStore.Empty, new Dictionary<string, Identity>());
        var request = new DecisionRequest(EntityUid.Of("User", "a"), EntityUid.Of("Action", "read"), EntityUid.Of("Doc", "1"),
            new RecordValue([new("n", new StringValue("not a number"))]));

        var result = DecisionEngine.Decide(request, snapshot, DateTimeOffset.UtcNow, out var failure);

        Assert.False(result.Allowed);
        Assert.Null(failure);
        Assert.Equal(2, result.Errors.Count);
    }

    [Fact]
    public void Engine_SharesTheResultOfASolePolicy_AndNothingElse()
    {
        var snapshot = new AuthorizationSnapshot(1, PolicySet.Parse("""
            permit (principal, action == Action::"read", resource);
            permit (principal, action == Action::"audit", resource);
            permit (principal, action == Action::"audit", resource);
            permit (principal, action == Action::"write", resource) when { context.n + 1 > 0 };
            permit (principal, action == Action::"write", resource);
            """), EntityStore.Empty, new Dictionary<string, Identity>());
        DecisionResult Decide(string action, string id) => DecisionEngine.Decide(
            new DecisionRequest(EntityUid.Of("User", "a"), EntityUid.Of("Action", action), EntityUid.Of("Doc", id),
                new RecordValue([new("n", new StringValue("not a number"))])), snapshot, DateTimeOffset.UtcNow, out _);

        // One policy, nothing failing: the same result for every such decision, whatever the resource.
        var read = Decide("read", "1");
        Assert.True(read.Allowed);
        Assert.Equal(["policy0"], read.Reasons);
        Assert.Empty(read.Errors);
        Assert.Same(read, Decide("read", "2"));

        // Two reasons, or an error beside the reason: each decision has its own.
        var audited = Decide("audit", "1");
        Assert.Equal(["policy1", "policy2"], audited.Reasons);
        Assert.NotSame(audited, Decide("audit", "1"));
        var written = Decide("write", "1");
        Assert.True(written.Allowed);
        Assert.Equal(["policy4"], written.Reasons);
        Assert.Equal("policy3", Assert.Single(written.Errors).PolicyId);
        Assert.NotSame(written, Decide("write", "1"));
    }

    [Fact]
    public async Task LocalDecider_BeforeTheFirstSnapshot_RefusesAsUnavailable()
    {
        using var http = new HttpClient();
        var closed = new Uri($"http://127.0.0.1:{ClosedPort()}");
        Func<CancellationToken, ValueTask<string>> credential = _ => ValueTask.FromResult("t");
        await using var follower = new SnapshotFollower(http, closed, credential, Microsoft.Extensions.Logging.Abstractions.NullLogger<SnapshotFollower>.Instance);
        await using var reporter = new DecisionReporter(http, closed, credential, "test", Microsoft.Extensions.Logging.Abstractions.NullLogger<DecisionReporter>.Instance);
        var decider = new LocalAccessDecider(follower, reporter, "test");

        var decision = await decider.DecideAsync(Question(), CancellationToken.None);

        Assert.False(decision.Allowed);
        Assert.True(decision.Unavailable);
    }

    [Fact]
    public async Task LocalDecider_OnASnapshotTheServerHasNotConfirmedForTooLong_RefusesAsUnavailable()
    {
        await using var server = await TestServer.StartAsync();
        await server.PostJsonAsync("/v1/policies", new { id = "all", text = "permit (principal, action, resource);" });
        using var http = new HttpClient();
        Func<CancellationToken, ValueTask<string>> credential = _ => ValueTask.FromResult(TestServer.AdminToken);
        await using var follower = new SnapshotFollower(http, server.BaseAddress, credential, Microsoft.Extensions.Logging.Abstractions.NullLogger<SnapshotFollower>.Instance);
        await using var reporter = new DecisionReporter(http, server.BaseAddress, credential, "test", Microsoft.Extensions.Logging.Abstractions.NullLogger<DecisionReporter>.Instance);
        await follower.WhenReadyAsync(CancellationToken.None);
        var patient = new LocalAccessDecider(follower, reporter, "test");
        var strict = new LocalAccessDecider(follower, reporter, "test", maxSnapshotAge: TimeSpan.FromMilliseconds(200));

        // Nothing changes, so the long poll holds for up to 30 s: the copy ages without a confirmation.
        await ProxyEndToEndTests.PollAsync(() => follower.SinceConfirmed > TimeSpan.FromMilliseconds(400), "the snapshot never aged");

        Assert.Equal(AccessDecision.Allow, await patient.DecideAsync(Question(), CancellationToken.None));
        var refused = await strict.DecideAsync(Question(), CancellationToken.None);
        Assert.True(refused.Unavailable);
        Assert.StartsWith("Mandate has not confirmed the decision snapshot for", refused.Reason, StringComparison.Ordinal);
    }

    private static AccessQuestion Question() => new("User", "a", "read", "Doc", "1", new Dictionary<string, string>());

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
