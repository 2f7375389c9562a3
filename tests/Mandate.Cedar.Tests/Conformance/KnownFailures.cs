namespace Mandate.Cedar.Tests.Conformance;

/// <summary>Reads <c>known-failures.txt</c>: one <c>test#request reason</c> per line, <c>#</c> comments.</summary>
internal static class KnownFailures
{
    public static Dictionary<string, string> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Conformance", "known-failures.txt");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            result[space < 0 ? line : line[..space]] = space < 0 ? string.Empty : line[(space + 1)..];
        }

        return result;
    }
}
