using Mandate.Cli.Http;
using Mandate.Cli.Output;

namespace Mandate.Cli.Commands;

/// <summary>
/// Reads the files a command is pointed at. One it cannot read (missing, a directory, not permitted) is a usage error
/// that names it and says why, never an exception with a stack trace.
/// </summary>
internal static class InputFiles
{
    /// <summary>The text of <paramref name="path"/>, described in errors as <paramref name="what"/> (for example "policy file").</summary>
    public static async Task<string> ReadTextAsync(string path, string what, CancellationToken ct)
    {
        Check(path, what);
        try
        {
            return await File.ReadAllTextAsync(path, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, what, ex);
        }
    }

    /// <summary>As <see cref="ReadTextAsync"/>, for callers that are not asynchronous.</summary>
    public static string ReadText(string path, string what)
    {
        Check(path, what);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, what, ex);
        }
    }

    private static void Check(string path, string what)
    {
        if (Directory.Exists(path))
        {
            throw new CliException($"the {what} `{path}` is a directory; name a file", ExitCodes.Usage);
        }
    }

    private static CliException Unreadable(string path, string what, Exception ex) =>
        new($"cannot read the {what} `{path}`: {ex.Message}", ExitCodes.Usage);
}
