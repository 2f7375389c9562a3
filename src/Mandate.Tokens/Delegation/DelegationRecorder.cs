using System.Threading.Channels;
using Mandate.Core.Delegations;
using Mandate.Core.Storage;
using Mandate.Tokens.Revocation;

namespace Mandate.Tokens.Delegation;

/// <summary>
/// Records delegation nodes durably before their tokens are handed out, then adds them to the
/// <see cref="RevocationSet"/>. Concurrent exchanges share one store transaction (group commit), so many
/// delegations cost one durable write, and no token is ever returned whose node could be lost.
/// </summary>
public sealed class DelegationRecorder : IAsyncDisposable
{
    private const int MaxBatch = 512;

    private readonly IDelegationStore _store;
    private readonly RevocationSet _revocations;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    /// <summary>Starts the writer.</summary>
    public DelegationRecorder(IDelegationStore store, RevocationSet revocations)
    {
        _store = store;
        _revocations = revocations;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Records <paramref name="nodes"/> durably and in memory. A <see cref="DelegationKind.Root"/> node already
    /// recorded is skipped: a root is recorded once, by whichever exchange first uses its token as a parent.
    /// </summary>
    public Task RecordAsync(IReadOnlyList<DelegationNode> nodes, CancellationToken cancellationToken)
    {
        var pending = new Pending(nodes, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return _queue.Writer.TryWrite(pending)
            ? pending.Done.Task.WaitAsync(cancellationToken)
            : Task.FromException(new ObjectDisposedException(nameof(DelegationRecorder)));
    }

    /// <summary>Finishes queued writes, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            var count = 0;
            while (count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                count += pending.Nodes.Count;
            }

            await WriteAsync(batch);
            batch.Clear();
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        try
        {
            await CommitAsync(batch);
            return;
        }
        catch (Exception) when (batch.Count > 1)
        {
            // One bad request must not fail the others that shared its transaction: retry each on its own.
        }
        catch (Exception ex)
        {
            batch[0].Done.TrySetException(ex);
            return;
        }

        foreach (var pending in batch)
        {
            try
            {
                await CommitAsync([pending]);
            }
            catch (Exception ex)
            {
                pending.Done.TrySetException(ex);
            }
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var nodes = new List<DelegationNode>();
        foreach (var node in batch.SelectMany(p => p.Nodes))
        {
            if (node.Kind == DelegationKind.Root && _revocations.Find(node.TokenId) is not null)
            {
                continue;
            }

            if (seen.Add(node.TokenId))
            {
                nodes.Add(node);
            }
        }

        await _store.AddAsync(nodes, CancellationToken.None);
        foreach (var node in nodes)
        {
            _revocations.Add(node);
        }

        foreach (var pending in batch)
        {
            pending.Done.TrySetResult();
        }
    }

    private sealed record Pending(IReadOnlyList<DelegationNode> Nodes, TaskCompletionSource Done);
}
