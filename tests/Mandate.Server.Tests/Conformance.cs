namespace Mandate.Server.Tests;

/// <summary>Finds the shared conformance data beside the checkout (never copied into the repository).</summary>
public static class Conformance
{
    public static string CedarFolder(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "conformance", "cedar");
            if (Directory.Exists(candidate))
            {
                return Path.Combine([candidate, .. parts]);
            }
        }

        throw new DirectoryNotFoundException("shared/conformance/cedar was not found beside the checkout");
    }
}
