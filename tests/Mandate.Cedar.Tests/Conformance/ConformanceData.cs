namespace Mandate.Cedar.Tests.Conformance;

/// <summary>Locates the shared Cedar conformance data beside the checkout.</summary>
internal static class ConformanceData
{
    public static string CedarFolder { get; } = Locate();

    private static string Locate()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "conformance", "cedar");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("no `shared/conformance/cedar` folder found above the test assembly");
    }
}
