using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Mandate.Tokens;
using Mandate.Tokens.Issuance;
using Mandate.Tokens.Validation;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Mandate.Server.Tests.Delegation;

/// <summary>
/// Revoking the root of a chain with 10,000 descendants makes every descendant introspect inactive as soon as the
/// revocation is answered, and still after a restart. The descendants are built in process through the token engine
/// (real exchanges: signed assertions, policy decisions, group-committed delegation nodes); the checks are real
/// introspection, in process through the endpoint's <see cref="TokenIntrospector"/> and over HTTP. How long the
/// cascade takes is printed here but not asserted (a test's timing says more about its neighbours than about
/// Mandate); <c>Mandate.Benchmarks revocation-cascade</c> measures it beside a reference.
/// </summary>
[Collection(AcceptanceCollection.Name)]
public sealed class CascadingRevocationAcceptanceTests(ITestOutputHelper output)
{
    private const int Children = 100;
    private const int GrandchildrenEach = 99;
    private const int Descendants = Children + (Children * GrandchildrenEach);

    [Fact]
    public async Task RevokingTheRootOfTenThousandDescendants_MakesEveryOneInactiveOnceAnswered_AndAfterARestart()
    {
        var directory = Path.Combine(Path.GetTempPath(), "mandate-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            List<string> descendants;
            await using (var server = await TestServer.StartAsync(directory, ownsDirectory: false))
            {
                using var fleet = new Fleet(server);
                await fleet.AddAsync("alice", "human");
                await fleet.AddAsync("agent", "agent", owner: "alice");
                await fleet.AddAsync("sub", "agent", owner: "alice", parent: "agent");
                var root = await fleet.TokenAsync("alice", ("scope", "invoices:read"));

                var build = Stopwatch.StartNew();
                var endpoint = server.Server.Services.GetRequiredService<TokenEndpoint>();
                var children = await ExchangeManyAsync(endpoint, fleet, "agent", await fleet.TokenAsync("agent"), [.. Enumerable.Repeat(root, Children)]);
                var grandchildren = await ExchangeManyAsync(endpoint, fleet, "sub", await fleet.TokenAsync("sub"),
                    [.. children.SelectMany(child => Enumerable.Repeat(child, GrandchildrenEach))]);
                descendants = [.. children, .. grandchildren];
                output.WriteLine($"built {descendants.Count} descendants through the engine in {build.ElapsedMilliseconds} ms");
                Assert.Equal(Descendants, descendants.Count);

                var introspector = server.Server.Services.GetRequiredService<TokenIntrospector>();
                Assert.Equal(Descendants, CountActive(introspector, descendants));

                var revocation = Stopwatch.StartNew();
                var (status, body) = await fleet.PostAsync("/oauth2/revoke", "alice", ("token", root));
                var revoked = revocation.Elapsed;
                var stillActive = CountActive(introspector, descendants);
                var allInactive = revocation.Elapsed;

                Assert.True(status == HttpStatusCode.OK, body.ToString());
                Assert.Equal(0, stillActive);
                output.WriteLine($"revoke round trip {revoked.TotalMilliseconds:F1} ms; all {Descendants} descendants introspected inactive "
                    + $"{allInactive.TotalMilliseconds:F1} ms after the revocation was sent");

                output.WriteLine($"over HTTP: {await IntrospectAllInactiveAsync(server, descendants)} ms to introspect all {Descendants} (all inactive)");
            }

            await using var restarted = await TestServer.StartAsync(directory, ownsDirectory: false);
            output.WriteLine($"after restart, over HTTP: {await IntrospectAllInactiveAsync(restarted, descendants)} ms to introspect all {Descendants} (all inactive)");
        }
        finally
        {
            TestServer.DeleteDirectory(directory);
        }
    }

    /// <summary>Introspects every token in process, on every core, and counts the active ones.</summary>
    private static int CountActive(TokenIntrospector introspector, List<string> tokens)
    {
        var active = 0;
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, tokens.Count, 1000), range =>
        {
            var count = 0;
            for (var i = range.Item1; i < range.Item2; i++)
            {
                count += (bool)introspector.Introspect(tokens[i])["active"] ? 1 : 0;
            }

            Interlocked.Add(ref active, count);
        });
        return active;
    }

    /// <summary>Exchanges each subject token for a token of <paramref name="actor"/>, concurrently, so delegation nodes share durable writes.</summary>
    private static async Task<List<string>> ExchangeManyAsync(TokenEndpoint endpoint, Fleet fleet, string actor, string actorToken, IReadOnlyList<string> subjects)
    {
        var issued = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(subjects, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (subject, ct) =>
        {
            var form = fleet.ClientAuth(actor).ToDictionary(p => p.Key, p => new[] { p.Value });
            form["grant_type"] = [TokenExchangeGrant.GrantType];
            form["subject_token"] = [subject];
            form["subject_token_type"] = [IssuedToken.AccessTokenTypeUri];
            form["actor_token"] = [actorToken];
            form["actor_token_type"] = [IssuedToken.AccessTokenTypeUri];
            var result = await endpoint.HandleAsync(form, new TokenRequestContext("127.0.0.1", "acceptance", null), ct);
            issued.Add(result.Token?.AccessToken ?? throw new InvalidOperationException($"{result.Error?.Error}: {result.Error?.Description}"));
        });
        return [.. issued];
    }

    private static async Task<long> IntrospectAllInactiveAsync(TestServer server, IReadOnlyList<string> tokens)
    {
        var clock = Stopwatch.StartNew();
        var active = 0;
        await Parallel.ForEachAsync(tokens, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (token, ct) =>
        {
            using var response = await server.Admin.PostAsync("/oauth2/introspect", new FormUrlEncodedContent([new("token", token)]), ct);
            var body = await TestServer.ReadJsonAsync(response);
            if (response.StatusCode != HttpStatusCode.OK || body.GetProperty("active").GetBoolean())
            {
                Interlocked.Increment(ref active);
            }
        });
        Assert.Equal(0, active);
        return clock.ElapsedMilliseconds;
    }
}

/// <summary>Heavy checks (10,000 exchanges) run alone, after the parallel tests of this assembly, so they do not starve their neighbours.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AcceptanceCollection
{
    public const string Name = "acceptance (runs alone)";
}
