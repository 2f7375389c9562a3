using Mandate.Core.Events;
using Mandate.Server.Tests.Cli;
using Microsoft.Data.Sqlite;

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
        await Tamper(lines =>
        {
            lines[1] = lines[1] with { Line = Replace(lines[1].Line, "\"outcome\":\"success\"", "\"outcome\":\"failure\"") };
            Relink(lines);
        });

        var run = await Verify();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("does not match the signed checkpoint", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_EventsCutFromTheEnd_AreCaughtBySignedCheckpoints()
    {
        await Tamper(lines => lines.RemoveRange(lines.Count - 2, 2));

        var run = await Verify();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("events were deleted", run.Output, StringComparison.Ordinal);
    }

    private Task<CliRun> Verify() => CliRun.InvokeAsync(null, "audit", "verify", "--data", _directory);

    private static byte[] Replace(byte[] line, string from, string to)
    {
        var text = System.Text.Encoding.UTF8.GetString(line);
        Assert.Contains(from, text, StringComparison.Ordinal);
        return System.Text.Encoding.UTF8.GetBytes(text.Replace(from, to, StringComparison.Ordinal));
    }

    private static void Relink(List<StoredLine> lines)
    {
        var link = AuditChain.Genesis.ToArray();
        for (var i = 0; i < lines.Count; i++)
        {
            var next = new byte[AuditChain.LinkSize];
            AuditChain.Next(link, lines[i].Line, next);
            lines[i] = lines[i] with { Link = next };
            link = next;
        }
    }

    /// <summary>Reads every stored line with its link, lets the test edit the list, and writes it back as one block.</summary>
    private async Task Tamper(Action<List<StoredLine>> edit)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "events.db"), Pooling = false }.ToString());
        await using (connection)
        {
            await connection.OpenAsync();
            var lines = new List<StoredLine>();
            long firstKey;
            await using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT first_sequence, lines, links FROM event_blocks ORDER BY first_sequence";
                await using var reader = await read.ExecuteReaderAsync();
                firstKey = 0;
                while (await reader.ReadAsync())
                {
                    firstKey = lines.Count == 0 ? reader.GetInt64(0) : firstKey;
                    var text = (byte[])reader.GetValue(1);
                    var links = (byte[])reader.GetValue(2);
                    var start = 0;
                    for (var i = 0; start < text.Length; i++)
                    {
                        var end = Array.IndexOf(text, (byte)'\n', start);
                        lines.Add(new StoredLine(text[start..end], links[(i * AuditChain.LinkSize)..((i + 1) * AuditChain.LinkSize)]));
                        start = end + 1;
                    }
                }
            }

            Assert.True(lines.Count >= 12, $"expected the setup to log at least 12 events, found {lines.Count}");
            edit(lines);
            await using var write = connection.CreateCommand();
            write.CommandText = "DELETE FROM event_blocks; INSERT INTO event_blocks VALUES ($key, $last, 0, 0, $lines, $links, $last_link)";
            write.Parameters.AddWithValue("$key", firstKey);
            write.Parameters.AddWithValue("$last", firstKey + lines.Count - 1);
            write.Parameters.AddWithValue("$lines", lines.SelectMany(l => l.Line.Append((byte)'\n')).ToArray());
            write.Parameters.AddWithValue("$links", lines.SelectMany(l => l.Link).ToArray());
            write.Parameters.AddWithValue("$last_link", lines[^1].Link);
            await write.ExecuteNonQueryAsync();
        }
    }

    private sealed record StoredLine(byte[] Line, byte[] Link);
}
