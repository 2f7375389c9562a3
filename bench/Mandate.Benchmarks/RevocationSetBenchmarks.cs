using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Mandate.Core.Delegations;
using Mandate.Tokens.Revocation;

namespace Mandate.Benchmarks;

/// <summary>
/// The standing check every access-token validation makes: a delegated token's walk up the delegation graph
/// (revoked ids, each hop's client and credentials, the subject), by chain depth, beside the reference measured in
/// the same run: one lookup in a flat set of revoked token ids, the cheapest revocation check there is.
/// </summary>
[MemoryDiagnoser]
public class RevocationSetBenchmarks
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _flat = new(StringComparer.Ordinal);
    private RevocationSet _revocations = null!;
    private TokenLineage _token;

    /// <summary>Hops on the token's <c>act</c> chain.</summary>
    [Params(0, 1, 3, 5)]
    public int Depth { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _revocations = new RevocationSet(new Standing());
        var now = DateTimeOffset.UtcNow;
        var actors = new List<string>();
        string? parent = null;
        for (var hop = 0; hop <= Depth; hop++)
        {
            var id = $"token-{hop:D4}-with-a-realistic-length";
            var client = hop == 0 ? "alice" : $"agent-{hop}";
            if (hop > 0)
            {
                actors.Insert(0, client);
            }

            _revocations.Add(new DelegationNode
            {
                TokenId = id,
                ParentTokenId = parent,
                Kind = hop == 0 ? DelegationKind.Root : DelegationKind.Delegation,
                SubjectId = "alice",
                Actors = [.. actors],
                ClientId = client,
                CredentialIds = ["crd_" + client],
                IssuedAt = now,
                ExpiresAt = now.AddMinutes(5),
            });
            parent = id;
        }

        for (var i = 0; i < 10_000; i++)
        {
            _revocations.Revoke($"revoked-{i}", now.AddMinutes(5));
            _flat[$"revoked-{i}"] = now.AddMinutes(5);
        }

        _token = new TokenLineage(parent!, "alice", Depth == 0 ? "alice" : $"agent-{Depth}", actors, Depth == 0 ? "crd_alice" : $"crd_agent-{Depth}");
    }

    [Benchmark(Baseline = true, Description = "flat revoked-id lookup (reference)")]
    public bool FlatLookup() => !_flat.ContainsKey(_token.TokenId);

    [Benchmark(Description = "standing check (walk to the root)")]
    public bool Check() => _revocations.Check(_token) is null;

    private sealed class Standing : IIdentityStatus
    {
        private readonly Dictionary<string, bool> _active = new(StringComparer.Ordinal) { ["alice"] = true };

        public bool IsActive(string identityId) => _active.ContainsKey(identityId) || identityId.StartsWith("agent-", StringComparison.Ordinal);

        public bool IsCredentialRevoked(string credentialId) => false;
    }
}
