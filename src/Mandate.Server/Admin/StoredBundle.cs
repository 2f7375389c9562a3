using Mandate.Authorization;

namespace Mandate.Server.Admin;

/// <summary>
/// The last uploaded bundle, kept as files in <c>DATA/bundle</c> so a restart serves it again. Replaced by writing a
/// new directory beside it and renaming, so a crash leaves either the old bundle or the new one, never a mix.
/// </summary>
internal sealed class StoredBundle(MandateServerOptions options) : IDisposable
{
    /// <summary>The <see cref="PolicyBundle.Source"/> of an uploaded bundle.</summary>
    public const string Source = "upload";

    private readonly SemaphoreSlim _changing = new(1, 1);

    private string Directory => Path.Combine(options.DataDirectory, "bundle");

    /// <summary>The stored bundle, or null when none was ever uploaded.</summary>
    public PolicyBundle? Load()
    {
        var previous = Directory + ".old";
        if (!System.IO.Directory.Exists(Directory) && System.IO.Directory.Exists(previous))
        {
            // A crash between the two renames of a save: the old bundle is whole.
            System.IO.Directory.Move(previous, Directory);
        }

        return System.IO.Directory.Exists(Directory) ? PolicyBundle.Load(Directory) with { Source = Source } : null;
    }

    /// <summary>
    /// Runs one change of the served bundle alone: a push (store, then serve) or a reload. Two at once could otherwise
    /// interleave so that one bundle is served and the other stored, and a restart would change the decisions.
    /// </summary>
    public async Task<T> ChangeAsync<T>(Func<Task<T>> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        await _changing.WaitAsync(ct);
        try
        {
            return await change();
        }
        finally
        {
            _changing.Release();
        }
    }

    /// <summary>Stores <paramref name="bundle"/> for restarts; call it inside <see cref="ChangeAsync{T}"/>.</summary>
    public async Task SaveAsync(PolicyBundle bundle, CancellationToken ct)
    {
        var staging = Directory + ".new";
        var previous = Directory + ".old";
        DeleteIfPresent(staging);
        DeleteIfPresent(previous);
        System.IO.Directory.CreateDirectory(staging);
        foreach (var (name, text) in bundle.Files)
        {
            await using var file = new FileStream(Path.Combine(staging, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough);
            await using var writer = new StreamWriter(file);
            await writer.WriteAsync(text.AsMemory(), ct);
        }

        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Move(Directory, previous);
        }

        System.IO.Directory.Move(staging, Directory);
        DeleteIfPresent(previous);
    }

    public void Dispose() => _changing.Dispose();

    private static void DeleteIfPresent(string path)
    {
        if (System.IO.Directory.Exists(path))
        {
            System.IO.Directory.Delete(path, recursive: true);
        }
    }
}
