using System.IO.Compression;
using Mandate.Core.Events;
using Microsoft.Data.Sqlite;

namespace Mandate.Server.Tests.Audit;

/// <summary>
/// Direct access to a stopped server's <c>events.db</c>, the way someone with write access to the files could
/// edit it: every stored line with its stored link prefix, rewritten as one plain block.
/// </summary>
internal sealed class EventLogFile(string dataDirectory)
{
    public sealed record StoredLine(byte[] Line, byte[] Link);

    private SqliteConnection Open() =>
        new(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "events.db"), Pooling = false }.ToString());

    public async Task<(long FirstKey, List<StoredLine> Lines, byte[] LastLink)> ReadAsync()
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT first_sequence, encoding, lines, links, last_link FROM event_blocks ORDER BY first_sequence";
        await using var reader = await read.ExecuteReaderAsync();
        var lines = new List<StoredLine>();
        long firstKey = 0;
        byte[] lastLink = [];
        while (await reader.ReadAsync())
        {
            firstKey = lines.Count == 0 ? reader.GetInt64(0) : firstKey;
            var text = Decode(reader.GetInt32(1), (byte[])reader.GetValue(2));
            var links = (byte[])reader.GetValue(3);
            lastLink = (byte[])reader.GetValue(4);
            var start = 0;
            for (var i = 0; start < text.Length; i++)
            {
                var end = Array.IndexOf(text, (byte)'\n', start);
                lines.Add(new StoredLine(text[start..end], links[(i * AuditChain.StoredLinkSize)..((i + 1) * AuditChain.StoredLinkSize)]));
                start = end + 1;
            }
        }

        return (firstKey, lines, lastLink);
    }

    /// <summary>Replaces every block with one plain block holding <paramref name="lines"/>.</summary>
    public async Task WriteAsync(long firstKey, IReadOnlyList<StoredLine> lines, byte[] lastLink)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var write = connection.CreateCommand();
        write.CommandText = """
            DELETE FROM event_blocks;
            INSERT INTO event_blocks (first_sequence, last_sequence, min_time, max_time, chain, encoding, participants, last_link, links, lines)
            VALUES ($key, $last, 0, 0, 3, 0, x'', $last_link, $links, $lines)
            """;
        write.Parameters.AddWithValue("$key", firstKey);
        write.Parameters.AddWithValue("$last", firstKey + lines.Count - 1);
        write.Parameters.AddWithValue("$lines", lines.SelectMany(l => l.Line.Append((byte)'\n')).ToArray());
        write.Parameters.AddWithValue("$links", lines.SelectMany(l => l.Link).ToArray());
        write.Parameters.AddWithValue("$last_link", lastLink);
        await write.ExecuteNonQueryAsync();
    }

    /// <summary>Runs raw SQL against the file (to damage it in ways the line editor cannot).</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a query that answers one number.</summary>
    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Recomputes every locator and the link of the one block <see cref="WriteAsync"/> writes, from the genesis (what a
    /// forger without the signing key can do); returns that link.
    /// </summary>
    public static byte[] Relink(List<StoredLine> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var locator = new byte[AuditChain.StoredLinkSize];
            AuditChain.Locate(lines[i].Line, locator);
            lines[i] = lines[i] with { Link = locator };
        }

        var link = new byte[AuditChain.LinkSize];
        AuditChain.NextBlock(AuditLinkScheme.BlockDigest, AuditChain.Genesis, lines.SelectMany(l => l.Line.Append((byte)'\n')).ToArray(), link);
        return link;
    }

    /// <summary>
    /// Rewrites every block as its earlier versions stored it, Brotli-compressed (encoding 1), lines, links and
    /// chain unchanged: what a log written before Zstandard blocks looks like.
    /// </summary>
    public async Task RecompressAsBrotliAsync()
    {
        await using var connection = Open();
        await connection.OpenAsync();
        var blocks = new List<(long Key, byte[] Lines)>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT first_sequence, encoding, lines FROM event_blocks";
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                blocks.Add((reader.GetInt64(0), Decode(reader.GetInt32(1), (byte[])reader.GetValue(2))));
            }
        }

        foreach (var (key, lines) in blocks)
        {
            using var compressed = new MemoryStream();
            using (var brotli = new BrotliStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                brotli.Write(lines);
            }

            await using var write = connection.CreateCommand();
            write.CommandText = "UPDATE event_blocks SET encoding = 1, lines = $lines WHERE first_sequence = $key";
            write.Parameters.AddWithValue("$lines", compressed.ToArray());
            write.Parameters.AddWithValue("$key", key);
            await write.ExecuteNonQueryAsync();
        }
    }

    private static byte[] Decode(int encoding, byte[] stored)
    {
        switch (encoding)
        {
            case 0:
                return stored;
            case 1:
            {
                using var brotli = new BrotliStream(new MemoryStream(stored), CompressionMode.Decompress);
                using var output = new MemoryStream();
                brotli.CopyTo(output);
                return output.ToArray();
            }

            case 2:
            {
                using var zstd = new ZstdSharp.Decompressor();
                return zstd.Unwrap(stored).ToArray();
            }

            default:
                throw new InvalidDataException($"unknown block encoding {encoding}");
        }
    }
}
