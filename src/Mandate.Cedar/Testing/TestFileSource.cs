using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Mandate.Cedar.Testing;

/// <summary>
/// Test files and the files they name, from a directory tree or a <c>.tar.gz</c> archive read in memory.
/// Paths named inside a test are resolved against the test's folder and then each enclosing folder.
/// </summary>
internal sealed class TestFileSource
{
    private readonly Dictionary<string, string>? _archive;
    private readonly string _displayRoot;

    private TestFileSource(Dictionary<string, string>? archive, string displayRoot)
    {
        _archive = archive;
        _displayRoot = displayRoot;
    }

    public static TestFileSource FromArchive(string path)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        using var stream = File.OpenRead(path);
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
            {
                continue;
            }

            using var content = new StreamReader(entry.DataStream, Encoding.UTF8);
            files[Normalize(entry.Name)] = content.ReadToEnd();
        }

        return new TestFileSource(files, path);
    }

    public static TestFileSource FromFileSystem() => new(null, string.Empty);

    /// <summary>The test files (JSON files that are not entity files) under <paramref name="path"/>.</summary>
    public IEnumerable<string> TestFiles(string path)
    {
        if (_archive is not null)
        {
            return _archive.Keys.Where(IsTestFile).Order(StringComparer.Ordinal);
        }

        if (File.Exists(path))
        {
            return [Path.GetFullPath(path)];
        }

        return Directory.EnumerateFiles(path, "*.json", SearchOption.AllDirectories)
            .Where(IsTestFile).Select(Path.GetFullPath).Order(StringComparer.Ordinal);
    }

    public string Read(string path) =>
        _archive is not null
            ? _archive.TryGetValue(Normalize(path), out var text) ? text : throw new FileNotFoundException($"`{path}` is not in `{_displayRoot}`")
            : File.ReadAllText(path);

    /// <summary>Finds <paramref name="relative"/> next to <paramref name="testFile"/> or in an enclosing folder.</summary>
    public string Resolve(string testFile, string relative)
    {
        var folder = Parent(testFile);
        while (true)
        {
            var candidate = folder.Length == 0 ? relative : folder.TrimEnd('/') + "/" + relative;
            if (Exists(candidate))
            {
                return candidate;
            }

            if (folder.Length == 0 || folder == "/")
            {
                throw new FileNotFoundException($"`{relative}` named by `{testFile}` was not found");
            }

            folder = Parent(folder);
        }
    }

    private bool Exists(string path) => _archive is not null ? _archive.ContainsKey(Normalize(path)) : File.Exists(path);

    private static string Parent(string path)
    {
        var slash = path.TrimEnd('/').LastIndexOf('/');
        return slash < 0 ? string.Empty : slash == 0 ? "/" : path[..slash];
    }

    private static bool IsTestFile(string path) =>
        path.EndsWith(".json", StringComparison.Ordinal) && !path.EndsWith(".entities.json", StringComparison.Ordinal)
        && !Path.GetFileName(path).Equals("entities.json", StringComparison.Ordinal);

    private static string Normalize(string path)
    {
        path = path.Replace('\\', '/');
        while (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        return path;
    }
}
