using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Mandate.Core.Memory;

/// <summary>
/// Backs the densely used memory of this process with transparent huge pages on Linux (<c>madvise(MADV_COLLAPSE)</c>,
/// Linux 6.1 and later). A large authorization snapshot (tens of thousands of policies over a hundred thousand
/// entities) spreads a decision's reads over hundreds of megabytes; with 4 KiB pages most of those reads also miss the
/// TLB, and under a hypervisor each such miss walks two sets of page tables. One 2 MiB page covers what 512 small ones
/// did.
/// </summary>
/// <remarks>
/// <para>
/// The collapse is synchronous and copies memory, so it belongs on a background thread; a thread that touches a chunk
/// while it is being copied waits for that chunk (a fraction of a millisecond). It changes no content, and memory the
/// runtime later releases is split back into small pages by the kernel.
/// </para>
/// <para>
/// Only private anonymous read-write mappings are considered (the managed heap and native allocations), in whole
/// aligned chunks of which at least three quarters of the pages are already resident: memory reserved but never
/// touched is not made resident, so at most a third more memory is used for the chunks collapsed. A system whose
/// administrator disabled transparent huge pages (<c>never</c>) is left alone.
/// </para>
/// </remarks>
public static partial class HugePages
{
    private const string ThpDirectory = "/sys/kernel/mm/transparent_hugepage";
    private const int MadvCollapse = 25;

    // One collapse at a time: it walks the whole process, so a second one running beside it would only repeat it.
    private static readonly Lock Gate = new();

    /// <summary>Collapses the dense chunks of this process's anonymous memory into huge pages, where the system allows it.</summary>
    public static HugePageReport Collapse(CancellationToken cancellationToken = default)
    {
        if (!OperatingSystem.IsLinux())
        {
            return HugePageReport.Unsupported("huge pages are collapsed on Linux only");
        }

        if (ReadSetting("enabled") is not { } enabled || ReadSetting("hpage_pmd_size") is not { } sizeText
            || !long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var chunkBytes))
        {
            return HugePageReport.Unsupported("this kernel has no transparent huge pages");
        }

        if (enabled.Contains("[never]", StringComparison.Ordinal))
        {
            return HugePageReport.Unsupported("transparent huge pages are disabled on this system (enabled: never)");
        }

        // The kernel checks the advice before the range, so an empty range asks only whether it knows MADV_COLLAPSE.
        if (madvise(0, 0, MadvCollapse) != 0)
        {
            return HugePageReport.Unsupported("this kernel cannot collapse memory into huge pages (MADV_COLLAPSE needs Linux 6.1 or later)");
        }

        lock (Gate)
        {
            return CollapseDense(chunkBytes, cancellationToken);
        }
    }

    /// <summary>
    /// How many bytes of this process's anonymous memory the kernel backs with huge pages right now (<c>AnonHugePages</c>
    /// in <c>/proc/self/smaps_rollup</c>), or null where the kernel does not say. It falls when memory the runtime gave
    /// back is split into small pages again. Reading it walks the process's page tables: a few milliseconds for gigabytes,
    /// so it suits a metrics scrape, not a request.
    /// </summary>
    public static long? ProcessBytes() =>
        OperatingSystem.IsLinux() && ReadText("/proc/self/smaps_rollup") is { } rollup ? AnonHugePages(rollup.Split('\n')) : null;

    /// <summary>The <c>AnonHugePages:</c> line of an smaps listing, in bytes (the kernel writes kB), or null when it has none.</summary>
    internal static long? AnonHugePages(IEnumerable<string> lines)
    {
        const string Field = "AnonHugePages:";
        foreach (var line in lines)
        {
            if (!line.StartsWith(Field, StringComparison.Ordinal))
            {
                continue;
            }

            var value = line.AsSpan(Field.Length).Trim();
            return value.EndsWith(" kB", StringComparison.Ordinal)
                && long.TryParse(value[..^3].TrimEnd(), NumberStyles.None, CultureInfo.InvariantCulture, out var kibibytes)
                ? kibibytes * 1024
                : null;
        }

        return null;
    }

    private static HugePageReport CollapseDense(long chunkBytes, CancellationToken cancellationToken)
    {
        var pageBytes = Environment.SystemPageSize;
        var pages = (int)(chunkBytes / pageBytes);
        var residency = new byte[pages];
        var clock = Stopwatch.StartNew();
        int chunks = 0, dense = 0, collapsed = 0, refused = 0;
        string? firstRefusal = null;
        // Read whole before any chunk is collapsed: the listing is then one picture of the mappings, not one read
        // while the kernel changes them.
        foreach (var line in File.ReadAllLines("/proc/self/maps"))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!Mapping.TryParse(line, out var mapping) || !mapping.IsPrivateAnonymousReadWrite)
            {
                continue;
            }

            foreach (var chunk in mapping.AlignedChunks(chunkBytes))
            {
                chunks++;
                // The mapping may have changed since the listing was read; a chunk no longer mapped is skipped.
                if (mincore((nint)chunk, (nuint)chunkBytes, ref residency[0]) != 0 || !IsDense(residency))
                {
                    continue;
                }

                dense++;
                if (madvise((nint)chunk, (nuint)chunkBytes, MadvCollapse) == 0)
                {
                    collapsed++;
                }
                else
                {
                    refused++;
                    firstRefusal ??= Describe(Marshal.GetLastPInvokeError());
                }
            }
        }

        return new HugePageReport(null, chunks, dense, collapsed, refused, firstRefusal, chunkBytes, clock.Elapsed);
    }

    /// <summary>Whether at least three quarters of a chunk's pages are resident (bit 0 of each <c>mincore</c> byte).</summary>
    internal static bool IsDense(ReadOnlySpan<byte> residency)
    {
        var resident = 0;
        foreach (var page in residency)
        {
            resident += page & 1;
        }

        return resident * 4 >= residency.Length * 3;
    }

    private static string? ReadSetting(string name) => ReadText(Path.Combine(ThpDirectory, name))?.Trim();

    // A small file the kernel writes (a setting, a summary of the process), or null when it is absent or not readable.
    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Describe(int errno) => errno switch
    {
        11 => "EAGAIN: the kernel could not take the pages' locks",
        12 => "ENOMEM: no free huge page could be assembled",
        22 => "EINVAL: the memory cannot be backed by huge pages (marked MADV_NOHUGEPAGE, or not eligible)",
        1 => "EPERM: not permitted",
        _ => $"errno {errno}",
    };

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(nint address, nuint length, int advice);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mincore(nint address, nuint length, ref byte residency);

    /// <summary>One line of <c>/proc/self/maps</c>: <c>start-end perms offset device inode [path]</c>.</summary>
    internal readonly record struct Mapping(long Start, long End, string Permissions, long Inode, string Path)
    {
        /// <summary>Readable, writable and private, with no file behind it (the runtime's heap, <c>malloc</c>'s arenas).</summary>
        public bool IsPrivateAnonymousReadWrite =>
            Permissions.Length == 4 && Permissions[0] == 'r' && Permissions[1] == 'w' && Permissions[3] == 'p'
            && Inode == 0 && (Path.Length == 0 || Path == "[heap]");

        /// <summary>The start of every whole chunk of <paramref name="chunkBytes"/>, aligned to its size, inside the mapping.</summary>
        public IEnumerable<long> AlignedChunks(long chunkBytes)
        {
            for (var chunk = (Start + chunkBytes - 1) & ~(chunkBytes - 1); chunk + chunkBytes <= End; chunk += chunkBytes)
            {
                yield return chunk;
            }
        }

        public static bool TryParse(string line, out Mapping mapping)
        {
            mapping = default;
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            var dash = fields.Length < 5 ? -1 : fields[0].IndexOf('-', StringComparison.Ordinal);
            if (dash < 1
                || !long.TryParse(fields[0].AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var start)
                || !long.TryParse(fields[0].AsSpan(dash + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var end)
                || !long.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var inode) || end <= start)
            {
                return false;
            }

            mapping = new Mapping(start, end, fields[1], inode, fields.Length == 6 ? fields[5].Trim() : string.Empty);
            return true;
        }
    }
}

/// <summary>What <see cref="HugePages.Collapse"/> did.</summary>
/// <param name="UnsupportedReason">Why nothing was tried, or null.</param>
/// <param name="Chunks">Whole aligned chunks of anonymous read-write memory examined.</param>
/// <param name="Dense">Those with at least three quarters of their pages resident.</param>
/// <param name="Collapsed">Dense chunks now backed by a huge page (including those that already were).</param>
/// <param name="Refused">Dense chunks the kernel did not collapse.</param>
/// <param name="FirstRefusal">The kernel's reason for the first refusal.</param>
/// <param name="ChunkBytes">The huge page size.</param>
/// <param name="Elapsed">How long it took.</param>
public sealed record HugePageReport(
    string? UnsupportedReason, int Chunks, int Dense, int Collapsed, int Refused, string? FirstRefusal, long ChunkBytes, TimeSpan Elapsed)
{
    /// <summary>Bytes now backed by huge pages through this call.</summary>
    public long CollapsedBytes => Collapsed * ChunkBytes;

    internal static HugePageReport Unsupported(string reason) => new(reason, 0, 0, 0, 0, null, 0, TimeSpan.Zero);

    /// <inheritdoc />
    public override string ToString() => UnsupportedReason ?? string.Create(CultureInfo.InvariantCulture,
        $"{CollapsedBytes / (1024 * 1024)} MiB in huge pages ({Collapsed} of {Dense} dense chunks of {Chunks}; {Refused} refused{(FirstRefusal is null ? string.Empty : $", first: {FirstRefusal}")}) in {Elapsed.TotalMilliseconds:F0} ms");
}
