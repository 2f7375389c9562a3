using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Authorization;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Search;
using Mandate.Core.Memory;

namespace Mandate.Benchmarks.Cedar;

/// <summary>
/// <c>cedar-fleet</c>: per-decision latency percentiles of prepared decisions over the agent-fleet workload at
/// several policy counts, bytes allocated per decision, and resource search over 100,000 documents; writes the
/// 10,000-policy workload (policies, requests with their entity slices, Mandate's decisions and figures) for
/// <c>bench/cedar-wasm/bench.mjs</c> to time the reference on the same requests. Options: <c>--policies N,N..</c>,
/// <c>--out DIR</c>, <c>--small-pages</c> (leave each workload on small pages; by default it is collapsed into huge pages
/// once built, as the server does with its snapshot).
/// </summary>
internal static class CedarFleetRun
{
    private static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(2);

    public static void Run(string[] args)
    {
        var output = Option(args, "--out") ?? Path.Combine(Path.GetTempPath(), "mandate-cedar-fleet");
        var counts = (Option(args, "--policies") ?? "100,1000,10000,100000").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var hugePages = !args.Contains("--small-pages");
        Directory.CreateDirectory(output);
        var overhead = TimerOverhead();
        Console.WriteLine($"timer overhead {overhead:F0} ns (subtracted); {Environment.ProcessorCount} cores; .NET {Environment.Version}; {(hugePages ? "each workload collapsed into huge pages once built, as the server does" : "small pages (--small-pages)")}");
        Console.WriteLine("policies   entities   allow%  candidates    p50 ns    p90 ns    p99 ns  p99.9 ns   mean ns  bytes/decision");
        var summary = new JsonObject();
        foreach (var count in counts)
        {
            var fleet = new AgentFleet(count);
            var candidates = Candidates(fleet);
            var pages = hugePages ? CollapseIntoHugePages() : null;
            var (percentiles, mean, allowed, bytes, byCandidates) = Measure(fleet, candidates, overhead);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{count,8} {fleet.Entities.Count,10} {allowed,7:F1}% {candidates.Average(),11:F1} {percentiles[0],9:F0} {percentiles[1],9:F0} {percentiles[2],9:F0} {percentiles[3],9:F0} {mean,9:F0} {bytes,15:F2}"));
            Console.WriteLine($"{"",8} p50 by candidates: {byCandidates}");
            if (pages is not null)
            {
                Console.WriteLine($"{"",8} {pages}");
            }

            summary[count.ToString(CultureInfo.InvariantCulture)] = new JsonObject { ["p50_ns"] = percentiles[0], ["p99_ns"] = percentiles[2], ["bytes_per_decision"] = bytes };
            if (count == 10_000)
            {
                Search(fleet, summary);
                Write(fleet, output, summary);
            }
        }

        File.WriteAllText(Path.Combine(output, "mandate-summary.json"), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"workload and figures written to {output}");
    }

    // Each sample prepares a request (untimed, as a server resolves the request it just parsed against its
    // snapshot) and times deciding it, so the request's own entities are as warm as in a server while the
    // policies and the index are as cold as random traffic leaves them. Allocation is counted around the decision.
    // Also the p50 of the requests with 0, 1, 2 and 3 or more candidates apart: more policies give a request more
    // candidates (the workload's growth), and each candidate's tables and conditions are colder (the engine's).
    private static (double[] Percentiles, double Mean, double AllowedPercent, double Bytes, string ByCandidates) Measure(AgentFleet fleet, int[] candidates, double overhead)
    {
        WarmUp(fleet);
        const int Rounds = 50;
        var requests = fleet.Requests;
        var reasons = new int[64];
        var samples = new long[requests.Length * Rounds];
        var allowed = 0;
        long allocated = 0;
        for (var round = 0; round < Rounds; round++)
        {
            DecideAll(fleet, reasons, samples.AsSpan(round * requests.Length, requests.Length), out var roundAllowed, out var roundBytes);
            allowed += roundAllowed;
            allocated += roundBytes;
        }

        var toNs = 1e9 / Stopwatch.Frequency;
        var byCandidates = string.Join(", ", Enumerable.Range(0, samples.Length).GroupBy(i => Math.Min(3, candidates[i % requests.Length])).OrderBy(g => g.Key).Select(g =>
        {
            var times = g.Select(i => samples[i]).Order().ToArray();
            return string.Create(CultureInfo.InvariantCulture,
                $"{(g.Key == 3 ? "3+" : g.Key.ToString(CultureInfo.InvariantCulture))}: {Math.Max(0, (times[times.Length / 2] * toNs) - overhead):F0} ns ({100.0 * times.Length / samples.Length:F0}%)");
        }));
        Array.Sort(samples);
        double At(double q) => Math.Max(0, (samples[(int)(q * (samples.Length - 1))] * toNs) - overhead);
        return ([At(0.50), At(0.90), At(0.99), At(0.999)], Math.Max(0, (samples.Average() * toNs) - overhead), 100.0 * allowed / samples.Length, (double)allocated / samples.Length, byCandidates);
    }

    /// <summary>
    /// What the server does once a snapshot is in use (<c>SnapshotHugePages</c>): the workload's memory, compacted first, is
    /// backed by transparent huge pages where the system allows it.
    /// </summary>
    internal static HugePageReport CollapseIntoHugePages()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return HugePages.Collapse();
    }

    /// <summary>
    /// Warms up for at least 20,000 decisions and 2 seconds: tiered compilation with dynamic PGO needs seconds, not calls,
    /// to reach the code a running server decides with (an instrumented tier comes first).
    /// </summary>
    internal static void WarmUp(AgentFleet fleet)
    {
        var reasons = new int[64];
        var warming = Stopwatch.StartNew();
        for (var i = 0; i < 20_000 || warming.Elapsed < WarmUpTime; i++)
        {
            Authorizer.Decide(new PreparedRequest(fleet.Requests[i % fleet.Requests.Length], fleet.Entities), fleet.Policies, reasons, out _);
        }
    }

    /// <summary>Decides every request once, writing each decision's time in Stopwatch ticks to <paramref name="ticks"/>.</summary>
    internal static void DecideAll(AgentFleet fleet, int[] reasons, Span<long> ticks, out int allowed, out long allocated)
    {
        allowed = 0;
        allocated = 0;
        var requests = fleet.Requests;
        for (var i = 0; i < requests.Length; i++)
        {
            var prepared = new PreparedRequest(requests[i], fleet.Entities);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            var decision = Authorizer.Decide(prepared, fleet.Policies, reasons, out _);
            ticks[i] = Stopwatch.GetTimestamp() - start;
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            allowed += decision == Decision.Allow ? 1 : 0;
        }
    }

    // How many policies the scope index hands the evaluator for each request (their average is what keeps latency flat
    // as the policy count grows).
    private static int[] Candidates(AgentFleet fleet)
    {
        var index = fleet.Policies.Index;
        var ordinals = new int[index.Policies.Length];
        return [.. fleet.Requests.Select(request => index.Candidates(new PreparedRequest(request, fleet.Entities), ordinals))];
    }

    private static void Search(AgentFleet fleet, JsonObject summary)
    {
        var documentType = Name.Parse("Document");

        // The first search builds the store's descendant and by-type maps, once per snapshot.
        var clock = Stopwatch.StartNew();
        AuthorizationSearch.Resources(fleet.Policies, fleet.Entities, fleet.Requests[0].Principal, fleet.Requests[0].Action, documentType, fleet.Requests[0].Context);
        var first = clock.Elapsed.TotalMilliseconds;

        // Collected once before timing, as between benchmark iterations: the runs before left a large heap whose
        // first gen-0 collection would otherwise land in one of these searches (about 30 ms on this heap).
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var collections = GC.CollectionCount(0);
        var times = new List<double>();
        var found = 0;
        foreach (var request in fleet.Requests.Skip(1).Take(200))
        {
            clock.Restart();
            found += AuthorizationSearch.Resources(fleet.Policies, fleet.Entities, request.Principal, request.Action, documentType, request.Context).Count;
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        double At(double q) => times[(int)(q * (times.Count - 1))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"resource search over {fleet.Entities.OfType(documentType).Count} documents ({fleet.Policies.Policies.Length} policies), 200 searches: " +
            $"p50 {At(0.5):F2} ms, p99 {At(0.99):F2} ms, max {times[^1]:F2} ms, {found} results, {GC.CollectionCount(0) - collections} collections during them; first search (builds the maps) {first:F0} ms"));
        summary["search_p50_ms"] = At(0.5);
        summary["search_p99_ms"] = At(0.99);
        summary["search_max_ms"] = times[^1];
    }

    private static void Write(AgentFleet fleet, string output, JsonObject summary)
    {
        File.WriteAllText(Path.Combine(output, "policies.cedar"), fleet.PolicyText);
        using var requests = new StreamWriter(Path.Combine(output, "requests.jsonl"));
        var decisions = new JsonArray();
        foreach (var request in fleet.Requests.Take(1_000))
        {
            requests.WriteLine(fleet.RequestJson(request).ToJsonString());
            decisions.Add(Authorizer.IsAuthorized(request, fleet.Policies, fleet.Entities).Decision == Decision.Allow ? "allow" : "deny");
        }

        File.WriteAllText(Path.Combine(output, "mandate-decisions.json"), decisions.ToJsonString());
        summary["requests_written"] = 1_000;
    }

    private static double TimerOverhead()
    {
        var samples = new long[100_000];
        for (var i = 0; i < samples.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            samples[i] = Stopwatch.GetTimestamp() - start;
        }

        Array.Sort(samples);
        return samples[samples.Length / 2] * 1e9 / Stopwatch.Frequency;
    }

    internal static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
