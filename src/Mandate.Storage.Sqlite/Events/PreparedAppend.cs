using Mandate.Core.Events;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// A batch numbered after the stored sequence it expects to follow, its blocks being encoded on the thread pool: it
/// can be stored as is only while the stored head still is <see cref="PreviousSequence"/>; otherwise its
/// <see cref="Events"/> are prepared again. Chain links are computed when it commits, against the stored head.
/// </summary>
internal sealed class PreparedAppend(EncodedEvents events, long previousSequence, Task<PreparedBlock>[] blocks)
    : IDisposable
{
    public EncodedEvents Events { get; } = events;

    public long PreviousSequence { get; } = previousSequence;

    public long LastSequence => PreviousSequence + Events.Count;

    /// <summary>The blocks, in order; each completes once encoded and compressed.</summary>
    public IReadOnlyList<Task<PreparedBlock>> Blocks { get; } = blocks;

    /// <summary>Completes when every block is encoded and no id repeats; faults when a block could not be encoded or an id repeats.</summary>
    public Task Encoded { get; } = CheckAsync(events, blocks);

    /// <summary>Completes with the first event's sequence number once the batch is durable.</summary>
    public TaskCompletionSource<long> Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static async Task CheckAsync(EncodedEvents events, Task<PreparedBlock>[] blocks)
    {
        await Task.WhenAll(blocks).ConfigureAwait(false);
        events.RefuseRepeatedIds();
    }

    /// <summary>Releases the blocks' buffers (after the batch was stored, failed, or prepared again).</summary>
    public void Dispose()
    {
        foreach (var block in Blocks)
        {
            if (block.IsCompletedSuccessfully)
            {
                block.Result.Dispose();
            }
        }
    }
}
