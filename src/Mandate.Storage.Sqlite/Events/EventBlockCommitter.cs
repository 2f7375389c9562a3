using System.Threading.Channels;
using Mandate.Storage.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// The event log's single writer: takes prepared batches in the order they were prepared, compresses their
/// blocks and commits everything waiting in one durable transaction (group commit) on a connection of its own.
/// A batch is acknowledged only after its transaction commits. If a commit fails, every batch prepared after it
/// chains from a link that was never stored, so they fail too, and a callback lets the log re-read its head.
/// </summary>
internal sealed class EventBlockCommitter : IAsyncDisposable
{
    private const int MaxBatchesPerTransaction = 64;

    private const string ReadHead = "SELECT last_sequence, last_link FROM event_blocks ORDER BY first_sequence DESC LIMIT 1";

    private const string InsertBlock = """
        INSERT INTO event_blocks (first_sequence, last_sequence, min_time, max_time, encoding, participants, last_link, links, lines)
        VALUES ($first, $last, $min, $max, $encoding, $participants, $last_link, $links, $lines)
        """;

    private readonly Channel<PreparedAppend> _queue = Channel.CreateUnbounded<PreparedAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly Func<Task> _failed;
    private readonly Task _loop;

    private EventBlockCommitter(SqliteConnection connection, Func<Task> failed)
    {
        _connection = connection;
        _failed = failed;
        _loop = Task.Run(CommitLoopAsync);
    }

    /// <summary>Opens the writer's connection; <paramref name="failed"/> runs after a failed commit, once the queue is drained.</summary>
    public static async Task<EventBlockCommitter> StartAsync(SqliteDatabase database, Func<Task> failed, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        return new EventBlockCommitter(connection, failed);
    }

    /// <summary>Queues a prepared batch; the caller awaits <see cref="PreparedAppend.Committed"/>.</summary>
    public void Enqueue(PreparedAppend append)
    {
        if (!_queue.Writer.TryWrite(append))
        {
            append.Committed.TrySetException(new ObjectDisposedException(nameof(SqliteEventLog), "the event log is closed"));
        }
    }

    /// <summary>Fails every batch still queued (they chain from a failed commit).</summary>
    public void FailQueued(Exception reason)
    {
        while (_queue.Reader.TryRead(out var append))
        {
            append.Committed.TrySetException(reason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private async Task CommitLoopAsync()
    {
        var batch = new List<PreparedAppend>(MaxBatchesPerTransaction);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatchesPerTransaction && reader.TryRead(out var append))
            {
                batch.Add(append);
            }

            try
            {
                Commit(batch);
                foreach (var append in batch)
                {
                    append.Committed.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                var refusal = ex is SqliteException sqlite && SqliteErrors.Translate(sqlite) is { } translated ? translated : ex;
                foreach (var append in batch)
                {
                    append.Committed.TrySetException(refusal);
                }

                await _failed().ConfigureAwait(false);
            }

            batch.Clear();
        }
    }

    // Synchronous on purpose: the loop owns its thread, and Microsoft.Data.Sqlite's async methods run synchronously anyway.
    private void Commit(List<PreparedAppend> batch)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        using (var head = _connection.CreateCommand())
        {
            head.Transaction = transaction;
            head.CommandText = ReadHead;
            using var reader = head.ExecuteReader();
            var (sequence, link) = reader.Read() ? (reader.GetInt64(0), (byte[])reader.GetValue(1)) : (0L, Core.Events.AuditChain.Genesis.ToArray());
            if (sequence != batch[0].PreviousSequence || !link.AsSpan().SequenceEqual(batch[0].PreviousLink))
            {
                throw new InvalidOperationException(
                    $"the event log changed under the writer: its head is event {sequence}, the batch follows event {batch[0].PreviousSequence}");
            }
        }

        using var insert = _connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = InsertBlock;
        var first = insert.Parameters.Add("$first", SqliteType.Integer);
        var last = insert.Parameters.Add("$last", SqliteType.Integer);
        var min = insert.Parameters.Add("$min", SqliteType.Integer);
        var max = insert.Parameters.Add("$max", SqliteType.Integer);
        var encoding = insert.Parameters.Add("$encoding", SqliteType.Integer);
        var participants = insert.Parameters.Add("$participants", SqliteType.Blob);
        var lastLink = insert.Parameters.Add("$last_link", SqliteType.Blob);
        var links = insert.Parameters.Add("$links", SqliteType.Blob);
        var lines = insert.Parameters.Add("$lines", SqliteType.Blob);
        insert.Prepare();
        foreach (var append in batch)
        {
            foreach (var block in append.Blocks)
            {
                first.Value = block.FirstSequence;
                last.Value = block.LastSequence;
                min.Value = block.MinTime;
                max.Value = block.MaxTime;
                encoding.Value = BlockCompression.Brotli;
                participants.Value = block.Participants;
                lastLink.Value = block.LastLink;
                links.Value = block.Links;
                lines.Value = BlockCompression.Compress(block.Lines);
                insert.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }
}
