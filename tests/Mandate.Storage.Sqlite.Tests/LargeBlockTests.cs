using Mandate.Core.Events;
using Mandate.Core.Storage;
using Mandate.Telemetry.Audit;
using ZstdSharp;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>
/// What an append acknowledges can always be read back: a batch of events with long, escaped lines is cut into
/// blocks by size, and a block written before that (over the former 256 MiB read limit) still reads and verifies.
/// </summary>
public sealed class LargeBlockTests : IDisposable
{
    // 16,384 `<` are escaped to `\u003c` each: about 98 KB of line per event, so 2,800 events make about 276 MB.
    private const int Events = 2_800;

    private static readonly string Message = new('<', 16_384);

    private readonly TempDataDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ABatchOfLargeEvents_IsCutIntoBlocksThatReadBackAndVerify()
    {
        await using var store = await SqliteMandateStore.OpenAsync(_directory.Path);

        var stored = await AppendLargeEventsAsync(store);

        var first = await store.Events.QueryAsync(new EventQuery(), 1);
        var last = await store.Events.QueryAsync(new EventQuery { AfterSequence = Events - 1 }, 1);
        var report = await AuditVerifier.VerifyAsync(store.Audit, _ => null);
        var blocks = 0;
        await using var snapshot = await store.Audit.ReadSnapshotAsync();
        await foreach (var block in snapshot.ReadBlocksAsync())
        {
            Assert.Null(block.Damage);
            blocks++;
        }

        Assert.Equal(stored[0].Id, Assert.Single(first.Items).Id);
        Assert.Equal(Message, first.Items[0].Message);
        Assert.Equal(stored[^1].Id, Assert.Single(last.Items).Id);
        Assert.True(report.Verified, report.Problem?.Message);
        Assert.Equal(Events, report.Events);
        Assert.True(blocks > 1, $"{Events} events of about 98 KB each were stored in {blocks} block");
    }

    [Fact]
    public async Task ABlockOverTheFormerReadLimit_WrittenBeforeBlocksWereCutBySize_StillReadsAndVerifies()
    {
        IReadOnlyList<MandateEvent> stored;
        await using (var store = await SqliteMandateStore.OpenAsync(_directory.Path))
        {
            stored = await AppendLargeEventsAsync(store);
        }

        await MergeIntoOneBlockAsync();

        await using var reopened = await SqliteMandateStore.OpenAsync(_directory.Path);
        var first = await reopened.Events.QueryAsync(new EventQuery(), 1);
        var report = await AuditVerifier.VerifyAsync(reopened.Audit, _ => null);

        Assert.Equal(stored[0].Id, Assert.Single(first.Items).Id);
        Assert.True(report.Verified, report.Problem?.Message);
        Assert.Equal(Events, report.Events);
    }

    private static Task<IReadOnlyList<MandateEvent>> AppendLargeEventsAsync(IMandateStore store) =>
        store.Events.AppendAsync([.. Enumerable.Range(0, Events).Select(i =>
            Compliance.Samples.Event("x.y", Compliance.Samples.Time.AddSeconds(i), "agent-a") with { Message = Message })]);

    /// <summary>Rewrites the stored blocks as the one block an earlier version wrote for the same batch, chained from the genesis.</summary>
    private async Task MergeIntoOneBlockAsync()
    {
        var lines = new MemoryStream();
        var links = new MemoryStream();
        await using (var store = await SqliteMandateStore.OpenAsync(_directory.Path))
        {
            await using var snapshot = await store.Audit.ReadSnapshotAsync();
            await foreach (var block in snapshot.ReadBlocksAsync())
            {
                lines.Write(block.Lines.Span);
                links.Write(block.Links.Span);
            }
        }

        Assert.True(lines.Length > 256L << 20, $"the merged block holds only {lines.Length} bytes of lines");
        var link = new byte[AuditChain.LinkSize];
        AuditChain.NextBlock(AuditLinkScheme.BlockDigest, AuditChain.Genesis, lines.GetBuffer().AsSpan(0, (int)lines.Length), link);
        byte[] compressed;
        using (var compressor = new Compressor(1))
        {
            compressed = compressor.Wrap(lines.GetBuffer().AsSpan(0, (int)lines.Length)).ToArray();
        }

        await using var connection = _directory.Connect("events.db");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            DELETE FROM event_blocks WHERE first_sequence > 1;
            UPDATE event_blocks SET last_sequence = $last, max_time = $maxTime, last_link = $link, links = $links, lines = $lines, chain = 3, encoding = 2
            WHERE first_sequence = 1;
            """;
        command.Parameters.AddWithValue("$last", Events);
        command.Parameters.AddWithValue("$maxTime", Compliance.Samples.Time.AddSeconds(Events - 1).UtcTicks);
        command.Parameters.AddWithValue("$link", link);
        command.Parameters.AddWithValue("$links", links.ToArray());
        command.Parameters.AddWithValue("$lines", compressed);
        await command.ExecuteNonQueryAsync();
    }
}
