using Mandate.Server.Tests.Cli;

namespace Mandate.Server.Tests.Audit;

/// <summary>
/// Tampers with a stopped server's event log the way someone with write access to the files could, and checks
/// that <c>mandate audit verify</c> names the first modified, deleted, inserted or reordered event.
/// </summary>
public sealed class AuditTamperTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mandate-audit-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        // Three separate flushes, so the log holds several blocks and checkpoints lie inside the stream.
        for (var round = 0; round < 3; round++)
        {
            await using var server = await TestServer.StartAsync(_directory, ownsDirectory: false);
            for (var i = 0; i < 4; i++)
            {
                await server.PostJsonAsync("/v1/identities", new { kind = "human", id = $"person-{round}-{i}", display_name = $"Person {i}" });
            }
        }
    }

    public Task DisposeAsync()
    {
        TestServer.DeleteDirectory(_directory);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Verify_UntouchedLog_Passes()
    {
        var run = await Verify();

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"verified: \d+ events, [1-9]\d* signed checkpoints", run.Output);
    }

    [Fact]
    public async Task Verify_ModifiedEvent_NamesIt()
    {
        await Tamper(lines => lines[4] = lines[4] with { Line = Replace(lines[4].Line, "\"outcome\":\"success\"", "\"outcome\":\"failure\"") });

        var run = await Verify();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAILED at event 5: event 5 was modified", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_DeletedEvent_NamesIt()
    {
        await Tamper(lines => lines.RemoveAt(6));

        var run = await Verify();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAILED at event 7: event 7 is missing", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_InsertedEvent_NamesIt()
    {
        await Tamper(lines => lines.Insert(3, lines[2]));

        var run = await Verify();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAILED at event 3: event 3 appears a second time", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ReorderedEvents_NamesTheFirstOutOfPlace()
    {
        await Tamper(lines => (lines[7], lines[8]) = (lines[8], lines[7]));

        var run = await Verify();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAILED at event 8: event 8 is stored out of order", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ChainRecomputedAfterAnEdit_IsCaughtBySignedCheckpoints()
    {
        await Tamper(lines => lines[1] = lines[1] with { Line = Replace(lines[1].Line, "\"outcome\":\"success\"", "\"outcome\":\"failure\"") }, relink: true);

        var run = await Verify();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("does not match the signed checkpoint", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_EventsCutFromTheEnd_AreCaughtBySignedCheckpoints()
    {
        // The forger drops the newest block whole, so everything left still chains.
        await new EventLogFile(_directory).ExecuteAsync("DELETE FROM event_blocks WHERE first_sequence = (SELECT max(first_sequence) FROM event_blocks)");

        var run = await Verify();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("events were deleted", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x'1b2c3d4e5f'")] // not a compressed block at all
    [InlineData("substr(lines, 1, length(lines) / 2)")] // a block cut short
    public async Task Verify_DamagedBlock_NamesWhereItStarts(string damaged)
    {
        await new EventLogFile(_directory).ExecuteAsync($"UPDATE event_blocks SET lines = {damaged} WHERE first_sequence = 1");

        var run = await Verify();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAILED at event 1: the stored block holding event 1 onwards cannot be read", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_BlocksWrittenBeforeZstandard_StillPass()
    {
        // A log from before Zstandard blocks: the same lines and chain, every block Brotli-compressed.
        var file = new EventLogFile(_directory);
        var (_, before, _) = await file.ReadAsync();
        await file.RecompressAsBrotliAsync();

        var run = await Verify();

        Assert.True(run.ExitCode == 0, run.ToString());
        var (_, after, _) = await file.ReadAsync();
        Assert.Equal(before.Select(l => Convert.ToHexString(l.Line)), after.Select(l => Convert.ToHexString(l.Line)));
    }

    [Fact]
    public async Task Verify_ZeroedIdentityFilter_IsNamed()
    {
        // Zeroing a block's identity filter makes identity queries skip the block; the filter lies outside the chain.
        var file = new EventLogFile(_directory);
        var key = await file.ScalarAsync("SELECT coalesce(min(first_sequence), 0) FROM event_blocks WHERE participants != zeroblob(length(participants))");
        Assert.True(key > 0, "no block of the setup has an identity in its filter");
        await file.ExecuteAsync($"UPDATE event_blocks SET participants = zeroblob(length(participants)) WHERE first_sequence = {key}");

        var run = await Verify();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"FAILED at event {key}: the stored block of events {key} to", run.Output, StringComparison.Ordinal);
        Assert.Contains("filter of the identities taking part is not that of its events", run.Output, StringComparison.Ordinal);
    }

    private Task<CliRun> Verify() => CliRun.InvokeAsync(null, "audit", "verify", "--data", _directory);

    private static byte[] Replace(byte[] line, string from, string to)
    {
        var text = System.Text.Encoding.UTF8.GetString(line);
        Assert.Contains(from, text, StringComparison.Ordinal);
        return System.Text.Encoding.UTF8.GetBytes(text.Replace(from, to, StringComparison.Ordinal));
    }

    /// <summary>Reads every stored line with its link, lets the test edit the list, and writes it back as one block.</summary>
    private async Task Tamper(Action<List<EventLogFile.StoredLine>> edit, bool relink = false)
    {
        var file = new EventLogFile(_directory);
        var (firstKey, lines, lastLink) = await file.ReadAsync();
        Assert.True(lines.Count >= 12, $"expected the setup to log at least 12 events, found {lines.Count}");
        edit(lines);
        await file.WriteAsync(firstKey, lines, relink ? EventLogFile.Relink(lines) : lastLink);
    }
}
