using BenchmarkDotNet.Attributes;
using Mandate.Cedar.Authorization;
using Mandate.Cedar.Evaluation;

namespace Mandate.Benchmarks.Cedar;

/// <summary>
/// Mean time and allocation of one decision over the agent-fleet workload, from 100 to 100,000 policies (the
/// entity store stays at ~130,000 entities): deciding a request prepared earlier, and preparing then deciding. Per-decision percentiles and the cedar-wasm
/// comparison come from <c>bench/cedar.sh</c>.
/// </summary>
[MemoryDiagnoser]
public class CedarFleetBenchmarks
{
    private const int Batch = 1024;
    private AgentFleet _fleet = null!;
    private int[] _reasons = null!;
    private int _next;

    [Params(100, 1_000, 10_000, 100_000)]
    public int Policies { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fleet = new AgentFleet(Policies);
        _reasons = new int[64];
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Decide()
    {
        var allowed = 0;
        var requests = _fleet.Prepared;
        for (var i = 0; i < Batch; i++)
        {
            var request = requests[_next++ & (requests.Length - 1)];
            allowed += Authorizer.Decide(request, _fleet.Policies, _reasons, out _) == Decision.Allow ? 1 : 0;
        }

        return allowed;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int PrepareAndDecide()
    {
        var allowed = 0;
        var requests = _fleet.Requests;
        for (var i = 0; i < Batch; i++)
        {
            var request = new PreparedRequest(requests[_next++ & (requests.Length - 1)], _fleet.Entities);
            allowed += Authorizer.Decide(request, _fleet.Policies, _reasons, out _) == Decision.Allow ? 1 : 0;
        }

        return allowed;
    }
}
