using System.Threading.Channels;
using Mandate.Storage.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// The event log's single writer: takes prepared batches in the order they were prepared, waits for their blocks to
/// be encoded, links each block into the chain from the stored head and commits everything waiting in one durable
/// transaction (group commit) on a connection of its own. A batch is acknowledged only after its transaction commits.
/// Inside the transaction each batch is checked against the stored sequence it must follow; when that moved (another
/// process appended, or an earlier commit or encoding failed) the batch is prepared again after the real head, so
/// numbering never gaps and the chain never forks, and a callback lets the log re-read its head.
/// </summary>
internal sealed class EventBlockCommitter : IAsyncDisposable
{
    private const int MaxBatchesPerTransaction = 64;

    private const string ReadHead = "SELECT last_sequence, last_link FROM event_blocks ORDER BY first_sequence DESC LIMIT 1";

    private readonly Channel<PreparedAppend> _queue = Channel.CreateUnbounded<PreparedAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly Func<Task> _headMoved;
    private readonly BlockInsert _insert;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // What the loop blocks on while it waits for work or for an encoding: Task.Wait spins first, calling sched_yield in a
    // loop, which on a small machine takes a core from the threads answering requests; this event does not spin.
    private readonly ManualResetEventSlim _ready = new(false, spinCount: 0);
    private readonly Action _setReady;

    private EventBlockCommitter(SqliteConnection connection, Func<Task> headMoved)
    {
        _connection = connection;
        _headMoved = headMoved;
        _insert = new BlockInsert(connection);
        _setReady = _ready.Set;
        // A thread of its own: a commit blocks in fsync, and on a pool thread that would take a core's worth of
        // workers away from the block encoders while it waits.
        new Thread(CommitLoop) { IsBackground = true, Name = "Mandate event committer" }.Start();
    }

    /// <summary>Opens the writer's connection; <paramref name="headMoved"/> runs when the stored head was not where batches expected it.</summary>
    public static async Task<EventBlockCommitter> StartAsync(SqliteDatabase database, Func<Task> headMoved, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        try
        {
            return new EventBlockCommitter(connection, headMoved);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
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
        await _stopped.Task.ConfigureAwait(false);
        _insert.Dispose();
        _ready.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private void CommitLoop()
    {
        try
        {
            CommitAll();
            _stopped.TrySetResult();
        }
        catch (Exception ex)
        {
            _stopped.TrySetException(ex);
        }
    }

    private void CommitAll()
    {
        var batch = new List<PreparedAppend>(MaxBatchesPerTransaction);
        var reader = _queue.Reader;
        while (true)
        {
            if (!reader.TryPeek(out _))
            {
                var more = reader.WaitToReadAsync();
                if (!(more.IsCompleted ? more.Result : Block(more.AsTask()).GetAwaiter().GetResult()))
                {
                    return;
                }

                continue;
            }

            while (batch.Count < MaxBatchesPerTransaction && reader.TryRead(out var append))
            {
                batch.Add(append);
            }

            // Blocks are encoded on the thread pool; the transaction starts once every one it takes is ready
            // (or failed: Block does not throw, and Commit refuses a failed append alone).
            foreach (var append in batch)
            {
                Block(append.Encoded);
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
                _headMoved().GetAwaiter().GetResult();
            }

            batch.Clear();
        }
    }

    // Blocks the loop's thread until the task has completed (successfully or not), without spinning.
    private T Block<T>(T task)
        where T : Task
    {
        if (!task.IsCompleted)
        {
            _ready.Reset();
            task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_setReady);
            _ready.Wait();
        }

        return task;
    }

    // Synchronous: the loop owns its thread, and Microsoft.Data.Sqlite's async methods run synchronously anyway.
    private bool Commit(List<PreparedAppend> batch)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        long sequence;
        var link = new byte[Core.Events.AuditChain.LinkSize];
        using (var head = _connection.CreateCommand())
        {
            head.Transaction = transaction;
            head.CommandText = ReadHead;
            using var reader = head.ExecuteReader();
            if (reader.Read())
            {
                sequence = reader.GetInt64(0);
                ((byte[])reader.GetValue(1)).CopyTo(link, 0);
            }
            else
            {
                sequence = 0;
                Core.Events.AuditChain.Genesis.CopyTo(link);
            }
        }

        var moved = false;
        var stored = new PreparedAppend?[batch.Count];
        using var again = new PreparedAgain();
        for (var i = 0; i < batch.Count; i++)
        {
            var append = batch[i];
            if (append.Encoded.Exception is { } failed)
            {
                // Its events could not be encoded: refuse it alone; the appends numbered after it are prepared again.
                append.Committed.TrySetException(failed.InnerExceptions.Count == 1 ? failed.InnerExceptions[0] : failed);
                moved = true;
                continue;
            }

            if (append.PreviousSequence != sequence)
            {
                append = EventBlockEncoder.PrepareNow(append.Events, sequence);
                again.Add(append);
                moved = true;
            }

            stored[i] = append;
            sequence = append.LastSequence;
        }

        foreach (var append in stored)
        {
            if (append is null)
            {
                continue;
            }

            foreach (var task in append.Blocks)
            {
                // The chain runs in commit order from the stored head, so it never forks whatever was prepared meanwhile.
                var block = task.Result;
                Core.Events.AuditChain.Next(link, block.Digest, link);
                _insert.Execute(block, link);
            }
        }

        transaction.Commit();
        for (var i = 0; i < batch.Count; i++)
        {
            if (stored[i] is { } append)
            {
                batch[i].Committed.TrySetResult(append.PreviousSequence + 1);
            }
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
