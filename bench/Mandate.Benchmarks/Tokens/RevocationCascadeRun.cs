using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Server;
using Mandate.Tokens;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Issuance;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Benchmarks.Tokens;

/// <summary>
/// How long revoking the root of a delegation tree takes to cut off every token below it, beside revoking a token with
/// nothing below it, in the same server and run. Each round builds a tree of <c>--children</c> exchanged tokens under a
/// fresh root, each with <c>--grandchildren</c> of its own (100 × 99 gives 10,000 descendants), through the token
/// engine in process (real signed assertions, policy decisions and group-committed delegation nodes). It then revokes the
/// root over HTTP with the admin token and sweeps every descendant through introspection in process on every core, and
/// then measures the two references: revoking a leaf token (nothing below it) the same way, and the same sweep again
/// once nothing changes any more. Reported per round and as medians: the revocation round trips, the time from sending
/// the root's revocation until the sweep found every descendant inactive, and the sweep alone.
/// </summary>
internal static class RevocationCascadeRun
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = int.Parse(TokenLoadPreparation.Argument(args, "--rounds") ?? "5", CultureInfo.InvariantCulture);
        var children = int.Parse(TokenLoadPreparation.Argument(args, "--children") ?? "100", CultureInfo.InvariantCulture);
        var grandchildren = int.Parse(TokenLoadPreparation.Argument(args, "--grandchildren") ?? "99", CultureInfo.InvariantCulture);
        var data = Path.Combine(Path.GetTempPath(), "mandate-bench-" + Guid.NewGuid().ToString("N"));
        var adminToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        try
        {
            await using var server = await MandateServer.StartAsync(new MandateServerOptions
            {
                DataDirectory = data,
                Urls = ["http://127.0.0.1:0"],
                AdminToken = adminToken,
                Announcements = TextWriter.Null,
            });
            using var http = new HttpClient { BaseAddress = server.Addresses[0] };
            http.DefaultRequestHeaders.Authorization = new("Bearer", adminToken);
            var issuer = server.Addresses[0].GetLeftPart(UriPartial.Authority);
            using var alice = new Client("alice", issuer);
            using var agent = new Client("agent", issuer);
            using var sub = new Client("sub", issuer);
            await RegisterAsync(http, alice, "human", owner: null, parent: null);
            await RegisterAsync(http, agent, "agent", owner: "alice", parent: null);
            await RegisterAsync(http, sub, "agent", owner: "alice", parent: "agent");

            var endpoint = server.Services.GetRequiredService<TokenEndpoint>();
            var introspector = server.Services.GetRequiredService<TokenIntrospector>();
            var leafTrips = new List<double>();
            var rootTrips = new List<double>();
            var cascades = new List<double>();
            var sweeps = new List<double>();
            Console.WriteLine($"{rounds} rounds, each revoking the root of {children + (children * grandchildren)} descendants "
                + $"({children} children with {grandchildren} each), beside revoking a leaf token");
            for (var round = 1; round <= rounds; round++)
            {
                var root = await TokenAsync(http, alice, ("scope", "invoices:read"));
                var leaf = await TokenAsync(http, alice, ("scope", "invoices:read"));
                var build = Stopwatch.StartNew();
                var first = await ExchangeManyAsync(endpoint, agent, await TokenAsync(http, agent), [.. Enumerable.Repeat(root, children)]);
                var second = await ExchangeManyAsync(endpoint, sub, await TokenAsync(http, sub), [.. first.SelectMany(child => Enumerable.Repeat(child, grandchildren))]);
                List<string> descendants = [.. first, .. second];
                var built = build.Elapsed;

                var active = CountActive(introspector, descendants);
                if (active != descendants.Count)
                {
                    throw new InvalidOperationException($"{descendants.Count - active} descendants were inactive before any revocation");
                }

                var revocation = Stopwatch.StartNew();
                await RevokeAsync(http, root);
                var rootTrip = revocation.Elapsed;
                var stillActive = CountActive(introspector, descendants);
                var cascade = revocation.Elapsed;
                if (stillActive != 0)
                {
                    throw new InvalidOperationException($"{stillActive} of {descendants.Count} descendants were still active after the root's revocation was answered");
                }

                var leafTrip = await RevokeAsync(http, leaf);
                var sweep = Stopwatch.StartNew();
                CountActive(introspector, descendants);
                var sweepTime = sweep.Elapsed;

                leafTrips.Add(leafTrip.TotalMilliseconds);
                rootTrips.Add(rootTrip.TotalMilliseconds);
                cascades.Add(cascade.TotalMilliseconds);
                sweeps.Add(sweepTime.TotalMilliseconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}: built in {built.TotalMilliseconds:F0} ms; revoke root {rootTrip.TotalMilliseconds:F1} ms, "
                    + $"all inactive {cascade.TotalMilliseconds:F1} ms after sending; revoke leaf {leafTrip.TotalMilliseconds:F1} ms; sweep alone {sweepTime.TotalMilliseconds:F1} ms"));
            }

            var leafMedian = Median(leafTrips);
            var rootMedian = Median(rootTrips);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median: revoke root {rootMedian:F1} ms, leaf {leafMedian:F1} ms ({rootMedian / leafMedian:F2}x the leaf); "
                + $"every descendant inactive {Median(cascades):F1} ms after sending (worst {cascades.Max():F1} ms), of which the sweep alone takes {Median(sweeps):F1} ms"));
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static int CountActive(TokenIntrospector introspector, List<string> tokens)
    {
        var active = 0;
        Parallel.ForEach(Partitioner.Create(0, tokens.Count, 1000), range =>
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

    /// <summary>Exchanges each subject token for one of <paramref name="actor"/>, 16 at once, so delegation nodes share durable writes.</summary>
    private static async Task<List<string>> ExchangeManyAsync(TokenEndpoint endpoint, Client actor, string actorToken, IReadOnlyList<string> subjects)
    {
        var issued = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(subjects, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (subject, ct) =>
        {
            var form = new Dictionary<string, string[]>
            {
                ["client_assertion_type"] = [ClientAssertionValidator.JwtBearerType],
                ["client_assertion"] = [actor.Assertion()],
                ["grant_type"] = [TokenExchangeGrant.GrantType],
                ["subject_token"] = [subject],
                ["subject_token_type"] = [IssuedToken.AccessTokenTypeUri],
                ["actor_token"] = [actorToken],
                ["actor_token_type"] = [IssuedToken.AccessTokenTypeUri],
            };
            var result = await endpoint.HandleAsync(form, new TokenRequestContext("127.0.0.1", "revocation-cascade", null), ct);
            issued.Add(result.Token?.AccessToken ?? throw new InvalidOperationException($"exchange refused: {result.Error?.Error}: {result.Error?.Description}"));
        });
        return [.. issued];
    }

    private static async Task RegisterAsync(HttpClient http, Client client, string kind, string? owner, string? parent)
    {
        using var response = await http.PostAsJsonAsync("/v1/identities", new
        {
            kind,
            id = client.Id,
            display_name = client.Id,
            owner,
            parent,
            credentials = new[] { new { kind = "public_key", jwk = JsonDocument.Parse(client.Jwk.ToJson()).RootElement } },
        });
        await EnsureAsync(response, "registering " + client.Id);
    }

    private static async Task<string> TokenAsync(HttpClient http, Client client, params (string Name, string Value)[] fields)
    {
        using var response = await http.PostAsync("/oauth2/token", new FormUrlEncodedContent(
        [
            new("grant_type", "client_credentials"),
            new("client_assertion_type", ClientAssertionValidator.JwtBearerType),
            new("client_assertion", client.Assertion()),
            .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)),
        ]));
        await EnsureAsync(response, "a token for " + client.Id);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    /// <summary>Revokes a token with the admin token (RFC 7009) and gives the round trip.</summary>
    private static async Task<TimeSpan> RevokeAsync(HttpClient http, string token)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsync("/oauth2/revoke", new FormUrlEncodedContent([new("token", token)]));
        var elapsed = clock.Elapsed;
        await EnsureAsync(response, "revoking");
        return elapsed;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>An identity with its own P-256 key, signing RFC 7523 client assertions for the server.</summary>
    private sealed class Client(string id, string audience) : IDisposable
    {
        private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        public string Id => id;

        public EcPublicJwk Jwk => EcPublicJwk.FromKey(_key);

        public string Assertion() => ClientAssertion.Sign(_key, Jwk.Kid, id, audience, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));

        public void Dispose() => _key.Dispose();
    }
}
