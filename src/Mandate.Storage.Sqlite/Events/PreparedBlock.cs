namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// One block ready to store: its canonical lines (in a pooled buffer, released once stored), their locators, its
/// chain link and participant filter, not yet compressed.
/// </summary>
internal sealed record PreparedBlock(
    long FirstSequence,
    long LastSequence,
    long MinTime,
    long MaxTime,
    Internal.PooledBuffer Lines,
    byte[] Locators,
    byte[] LastLink,
    byte[] Participants);

/// <summary>
/// A batch prepared against the chain head it follows: it can be stored as is only while the stored head still
/// is <see cref="PreviousSequence"/> / <see cref="PreviousLink"/>; otherwise its <see cref="Events"/> are prepared again.
/// </summary>
internal sealed class PreparedAppend(IReadOnlyList<Core.Events.MandateEvent> events, long previousSequence, byte[] previousLink, IReadOnlyList<PreparedBlock> blocks)
    : IDisposable
{
    public IReadOnlyList<Core.Events.MandateEvent> Events { get; } = events;

    public long PreviousSequence { get; } = previousSequence;

    public byte[] PreviousLink { get; } = previousLink;

    public IReadOnlyList<PreparedBlock> Blocks { get; } = blocks;

    public long LastSequence => Blocks[^1].LastSequence;

    public byte[] LastLink => Blocks[^1].LastLink;

    /// <summary>Completes with the first event's sequence number once the batch is durable.</summary>
    public TaskCompletionSource<long> Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Releases the blocks' buffers (after the batch was stored, failed, or prepared again).</summary>
    public void Dispose()
    {
        foreach (var block in Blocks)
        {
            block.Lines.Dispose();
        }
    }
}
