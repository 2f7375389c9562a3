using Mandate.Cli.Http;
using Mandate.Cli.Output;

namespace Mandate.Cli.Commands;

/// <summary>Parses repeated <c>--label key=value</c> options.</summary>
internal static class Labels
{
    public static Dictionary<string, string>? Parse(string[]? labels)
    {
        if (labels is null || labels.Length == 0)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            var eq = label.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new CliException($"label `{label}` must be key=value", ExitCodes.Usage);
            }

            result[label[..eq]] = label[(eq + 1)..];
        }

        return result;
    }
}
