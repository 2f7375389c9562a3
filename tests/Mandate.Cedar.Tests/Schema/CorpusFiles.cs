using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Mandate.Cedar.Tests.Schema;

/// The text files of the shared Cedar conformance data: the generated corpus (read from its
/// archive in memory) and the hand-written tests beside it, keyed by their corpus-relative path.
internal static class CorpusFiles
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Files = new(Load);

    public static IReadOnlyDictionary<string, string> All => Files.Value;

    public static IEnumerable<KeyValuePair<string, string>> WithSuffix(string suffix) =>
        All.Where(f => f.Key.EndsWith(suffix, StringComparison.Ordinal)).OrderBy(f => f.Key, StringComparer.Ordinal);

    public static string ConformanceRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "conformance", "cedar");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("no `shared/conformance/cedar` folder above the test assembly");
    }

    private static Dictionary<string, string> Load()
    {
        var root = ConformanceRoot();
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var archive = File.OpenRead(Path.Combine(root, "corpus-tests.tar.gz")))
        using (var gzip = new GZipStream(archive, CompressionMode.Decompress))
        using (var tar = new TarReader(gzip))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is null || entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    continue;
                }

                using var reader = new StreamReader(entry.DataStream, Encoding.UTF8);
                files[entry.Name.TrimStart('.', '/')] = reader.ReadToEnd();
            }
        }

        foreach (var folder in new[] { "tests", "sample-data" })
        {
            foreach (var path in Directory.EnumerateFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories))
            {
                files[Path.GetRelativePath(root, path).Replace('\\', '/')] = File.ReadAllText(path);
            }
        }

        return files;
    }
}
