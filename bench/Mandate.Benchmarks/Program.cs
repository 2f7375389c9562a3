using BenchmarkDotNet.Running;

namespace Mandate.Benchmarks;

internal static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["cedar-fleet", ..])
        {
            Cedar.CedarFleetRun.Run(args[1..]);
            return;
        }

        if (args is ["decision-rig", ..])
        {
            Decisions.DecisionRig.RunAsync(args[1..]).GetAwaiter().GetResult();
            return;
        }

        if (args is ["events-body", ..])
        {
            Events.BodyRun.Run(args[1..]);
            return;
        }

        if (args is ["events", ..])
        {
            Events.EventsRun.RunAsync(args[1..]).GetAwaiter().GetResult();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
