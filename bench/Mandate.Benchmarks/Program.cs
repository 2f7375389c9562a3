using BenchmarkDotNet.Running;

namespace Mandate.Benchmarks;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        switch (args)
        {
            case ["cedar-fleet", ..]:
                Cedar.CedarFleetRun.Run(args[1..]);
                return 0;
            case ["cedar-fleet-pair", ..]:
                return Cedar.CedarFleetPair.Run(args[1..]);
            case ["tokens-prepare", ..]:
                return await Tokens.TokenLoadPreparation.RunAsync(args[1..]);
            case ["es256-raw", ..]:
                return Tokens.RawSigningThroughput.Run(args[1..]);
            case ["revocation-cascade", ..]:
                return await Tokens.RevocationCascadeRun.RunAsync(args[1..]);
            case ["decision-rig", ..]:
                await Decisions.DecisionRig.RunAsync(args[1..]);
                return 0;
            case ["events-body", ..]:
                Events.BodyRun.Run(args[1..]);
                return 0;
            case ["events", ..]:
                await Events.EventsRun.RunAsync(args[1..]);
                return 0;
            default:
                break;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
