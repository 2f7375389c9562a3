using System.Buffers;
using System.Threading.Channels;
using Mandate.Storage.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// The event log's single writer: takes prepared batches in the order they were prepared, compresses their
/// blocks and commits everything waiting in one durable transaction (group commit) on a connection of its own.
/// A batch is acknowledged only after its transaction commits. Inside the transaction each batch is checked against
/// the stored head it must follow; when that moved (another process appended, or an earlier commit failed) the batch
/// is prepared again against the real head, so the chain never forks, and a callback lets the log re-read its head.
/// </summary>
internal sealed class EventBlockCommitter : IAsyncDisposable
{
    private const int MaxBatchesPerTransaction = 64;

    private const string ReadHead = "SELECT last_sequence, last_link FROM event_blocks ORDER BY first_sequence DESC LIMIT 1";

    private const string InsertBlock = """
        INSERT INTO event_blocks (first_sequence, last_sequence, min_time, max_time, chain, encoding, participants, last_link, links, lines)
        VALUES ($first, $last, $min, $max, $chain, $encoding, $participants, $last_link, $links, $lines)
        """;

    private readonly Channel<PreparedAppend> _queue = Channel.CreateUnbounded<PreparedAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly Func<Task> _headMoved;
    private readonly EventBlockEncoder _encoder = new();
    private readonly Task _loop;

    private EventBlockCommitter(SqliteConnection connection, Func<Task> headMoved)
    {
        _connection = connection;
        _headMoved = headMoved;
        _loop = Task.Run(CommitLoopAsync);
    }

    /// <summary>Opens the writer's connection; <paramref name="headMoved"/> runs when the stored head was not where batches expected it.</summary>
    public static async Task<EventBlockCommitter> StartAsync(SqliteDatabase database, Func<Task> headMoved, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        return new EventBlockCommitter(connection, headMoved);
    }

    /// <summary>Queues a prepared batch; the caller awaits <see cref="PreparedAppend.Committed"/>.</summary>
    public void Enqueue(PreparedAppend append)
    {
        if (!_queue.Writer.TryWrite(append))
        {
            append.Committed.TrySetException(new ObjectDisposedException(nameof(SqliteEventLog), "the event log is closed"));
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

            bool moved;
            try
            {
                moved = Commit(batch);
            }
            catch (Exception ex)
            {
                var refusal = ex is SqliteException sqlite && SqliteErrors.Translate(sqlite) is { } translated ? translated : ex;
                foreach (var append in batch)
                {
                    append.Committed.TrySetException(refusal);
                }

                moved = true;
            }

            foreach (var append in batch)
            {
                append.Dispose();
            }

            if (moved)
            {
                await _headMoved().ConfigureAwait(false);
            }

            batch.Clear();
        }
    }

    // Synchronous on purpose: the loop owns its thread, and Microsoft.Data.Sqlite's async methods run synchronously anyway.
    private bool Commit(List<PreparedAppend> batch)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        long sequence;
        byte[] link;
        using (var head = _connection.CreateCommand())
        {
            head.Transaction = transaction;
            head.CommandText = ReadHead;
            using var reader = head.ExecuteReader();
            (sequence, link) = reader.Read() ? (reader.GetInt64(0), (byte[])reader.GetValue(1)) : (0L, Core.Events.AuditChain.Genesis.ToArray());
        }

        var moved = false;
        var stored = new PreparedAppend[batch.Count];
        using var again = new PreparedAgain();
        for (var i = 0; i < batch.Count; i++)
        {
            var append = batch[i];
            if (append.PreviousSequence != sequence || !append.PreviousLink.AsSpan().SequenceEqual(link))
            {
                append = _encoder.Prepare(append.Events, sequence, link);
                again.Add(append);
                moved = true;
            }

            stored[i] = append;
            (sequence, link) = (append.LastSequence, append.LastLink);
        }

        using var insert = _connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = InsertBlock;
        var first = insert.Parameters.Add("$first", SqliteType.Integer);
        var last = insert.Parameters.Add("$last", SqliteType.Integer);
        var min = insert.Parameters.Add("$min", SqliteType.Integer);
        var max = insert.Parameters.Add("$max", SqliteType.Integer);
        insert.Parameters.AddWithValue("$chain", (int)Core.Events.AuditLinkScheme.BlockLink);
        var encoding = insert.Parameters.Add("$encoding", SqliteType.Integer);
        var participants = insert.Parameters.Add("$participants", SqliteType.Blob);
        var lastLink = insert.Parameters.Add("$last_link", SqliteType.Blob);
        var links = insert.Parameters.Add("$links", SqliteType.Blob);
        var lines = insert.Parameters.Add("$lines", SqliteType.Blob);
        insert.Prepare();
        foreach (var append in stored)
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
                links.Value = block.Locators;
                var (compressed, length) = BlockCompression.Compress(block.Lines.WrittenSpan);
                try
                {
                    // Size binds only the written part of the pooled array.
                    lines.Value = compressed;
                    lines.Size = length;
                    insert.ExecuteNonQuery();
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(compressed);
                }
            }
        }

        transaction.Commit();
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Committed.TrySetResult(stored[i].PreviousSequence + 1);
        }

        return moved;
    }

    /// <summary>Batches prepared again inside a transaction, released when it ends.</summary>
    private sealed class PreparedAgain : List<PreparedAppend>, IDisposable
    {
        public void Dispose()
        {
            foreach (var append in this)
            {
                append.Dispose();
            }
        }
    }
}
