using Mandate.Cli.Http;

namespace Mandate.Cli.Commands;

/// <summary>
/// Replaces a file only once its new content is complete: written beside it, then moved over it, so a failure part
/// way (a refused request, a dropped connection, a full disk) leaves the old file as it was. An existing file keeps its
/// permissions, and a symbolic link stays one (its target is replaced).
/// </summary>
internal static class AtomicFile
{
    public static async Task ReplaceAsync(string file, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var full = new FileInfo(file).LinkTarget is null
            ? Path.GetFullPath(file)
            : File.ResolveLinkTarget(file, returnFinalTarget: true)!.FullName;
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
            {
                await write(stream, cancellationToken);
            }

            if (!OperatingSystem.IsWindows() && File.Exists(full))
            {
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(full));
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new CliException($"`{file}` could not be written: {ex.Message}");
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
