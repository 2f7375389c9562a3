using System.CommandLine;

namespace Mandate.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        var root = new RootCommand("Mandate: identity and authorization control plane for AI agents and every non-human identity.");
        return root.Parse(args).InvokeAsync();
    }
}
