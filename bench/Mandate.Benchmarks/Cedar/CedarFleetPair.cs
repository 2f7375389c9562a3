using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Mandate.Core.Memory;

namespace Mandate.Benchmarks.Cedar;

/// <summary>
/// <c>cedar-fleet-pair --against DIR</c>: the fleet's prepared decisions timed in this build and in another build of
/// this project (<c>DIR</c> holds its <c>Mandate.Benchmarks.dll</c>), both loaded in one process and run in alternating
/// rounds over the same requests. On a shared host the same build's p50 drifts by half within minutes; alternating
/// rounds of a few milliseconds puts that drift on both builds alike, which alternating whole runs does not.
/// </summary>
/// <remarks>
/// Each build holds its own copy of the workload, so the two compete for the caches: absolute figures come out higher
/// than a run alone, and only the comparison is the result. Options: <c>--policies N</c> (100000), <c>--rounds R</c> (60),
/// <c>--small-pages</c> (do not back the two workloads with huge pages, as the server does).
/// </remarks>
internal static class CedarFleetPair
{
    public static int Run(string[] args)
    {
        var against = CedarFleetRun.Option(args, "--against");
        if (against is null || !File.Exists(Path.Combine(against, "Mandate.Benchmarks.dll")))
        {
            Console.Error.WriteLine("usage: cedar-fleet-pair --against DIR [--policies N] [--rounds R] [--small-pages]  (DIR: another build's bin/Release/net10.0)");
            return 2;
        }

        var policies = int.Parse(CedarFleetRun.Option(args, "--policies") ?? "100000", CultureInfo.InvariantCulture);
        var rounds = int.Parse(CedarFleetRun.Option(args, "--rounds") ?? "60", CultureInfo.InvariantCulture);
        var other = new BuildContext(Path.GetFullPath(Path.Combine(against, "Mandate.Benchmarks.dll")));
        var start = other.LoadFromAssemblyName(new AssemblyName("Mandate.Benchmarks"))
            .GetType(typeof(FleetRounds).FullName!, throwOnError: true)!
            .GetMethod(nameof(FleetRounds.Start), BindingFlags.Public | BindingFlags.Static)!;
        Console.WriteLine($"building the {policies}-policy workload twice (this build, then {against})");
        var builds = new[] { FleetRounds.Start(policies), (Func<long[]>)start.Invoke(null, [policies])! };

        // Both workloads compacted alike (the first one built has been through more collections than the second).
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        if (!args.Contains("--small-pages"))
        {
            // Both workloads were just compacted: collapse them as they lie.
            Console.WriteLine(HugePages.Collapse());
        }

        var samples = new[] { new List<long>(), new List<long>() };
        var roundP99s = new[] { new List<long>(), new List<long>() };
        var roundWins = new int[2];
        for (var round = 0; round < rounds; round++)
        {
            // Alternate which build goes first, so neither always follows the other's cache footprint.
            var medians = new long[2];
            foreach (var b in round % 2 == 0 ? new[] { 0, 1 } : [1, 0])
            {
                var times = builds[b]();
                samples[b].AddRange(times);
                Array.Sort(times);
                medians[b] = times[times.Length / 2];
                roundP99s[b].Add(times[(int)(0.99 * (times.Length - 1))]);
            }

            roundWins[medians[0] <= medians[1] ? 0 : 1]++;
        }

        var toNs = 1e9 / Stopwatch.Frequency;
        // The p99 of all samples lets a few disturbed rounds decide it (at 150 rounds, two rounds are over 1% of the
        // samples), so each round's own p99 is also given, as the median over the rounds.
        Console.WriteLine("build        p50 ns    p90 ns    p99 ns   rounds' p99 ns   rounds with the lower p50");
        foreach (var (name, b) in new[] { ("this", 0), ("against", 1) })
        {
            var sorted = samples[b].Order().ToArray();
            double At(double q) => sorted[(int)(q * (sorted.Length - 1))] * toNs;
            var roundP99 = roundP99s[b].Order().ElementAt(rounds / 2) * toNs;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-9} {At(0.5),9:F0} {At(0.9),9:F0} {At(0.99),9:F0} {roundP99,16:F0}   {roundWins[b]} of {rounds}"));
        }

        return 0;
    }

    /// <summary>Loads another build's assemblies (everything its dependency file lists) apart from this build's.</summary>
    private sealed class BuildContext(string mainAssembly) : AssemblyLoadContext($"against {mainAssembly}")
    {
        private readonly AssemblyDependencyResolver _resolver = new(mainAssembly);

        protected override Assembly? Load(AssemblyName assemblyName) =>
            _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }
}

/// <summary>What <see cref="CedarFleetPair"/> calls in each build, found by name: keep its signature across builds.</summary>
public static class FleetRounds
{
    /// <summary>
    /// Builds the fleet at <paramref name="policies"/> policies and warms it up as <c>cedar-fleet</c> does; returns a
    /// function that decides every request once and returns each decision's time in <see cref="Stopwatch"/> ticks.
    /// </summary>
    public static Func<long[]> Start(int policies)
    {
        var fleet = new AgentFleet(policies);
        CedarFleetRun.WarmUp(fleet);
        var reasons = new int[64];
        return () =>
        {
            var times = new long[fleet.Requests.Length];
            CedarFleetRun.DecideAll(fleet, reasons, times, out _, out _);
            return times;
        };
    }
}
