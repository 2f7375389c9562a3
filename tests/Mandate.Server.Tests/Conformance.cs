namespace Mandate.Server.Tests;

/// <summary>Finds the shared conformance data beside the checkout (never copied into the repository) and the repository's samples.</summary>
public static class Conformance
{
    public static string CedarFolder(params string[] parts) => Path.Combine([FindUp(Path.Combine("shared", "conformance")), "cedar", .. parts]);

    public static string AuthZenFile(params string[] parts) => Path.Combine([FindUp(Path.Combine("shared", "conformance")), "authzen", .. parts]);

    public static string Sample(string name) => Path.Combine(FindUp("samples"), name);

    private static string FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"`{relative}` was not found above {AppContext.BaseDirectory}");
    }
}
