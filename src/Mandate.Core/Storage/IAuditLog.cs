namespace Mandate.Core.Storage;

/// <summary>
/// The raw, tamper-evident form of the event stream, for checkpointing and offline verification: blocks of
/// canonical event lines as stored, with the chain links the writer recorded, and signed checkpoints.
/// </summary>
public interface IAuditLog
{
    /// <summary>The last event's sequence number and chain link (sequence 0 and the genesis link when empty).</summary>
    Task<AuditHead> HeadAsync(CancellationToken cancellationToken = default);

    /// <summary>Every stored block in storage order, exactly as stored.</summary>
    IAsyncEnumerable<AuditBlock> ReadBlocksAsync(CancellationToken cancellationToken = default);

    /// <summary>Records a signed checkpoint.</summary>
    Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>Every checkpoint, in sequence order.</summary>
    Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken = default);
}

/// <summary>The end of the chain.</summary>
/// <param name="Sequence">The last event's sequence number, 0 when there is none.</param>
/// <param name="Link">The chain link after that event.</param>
public sealed record AuditHead(long Sequence, byte[] Link);

/// <summary>One stored block of events.</summary>
/// <param name="Key">The storage key of the block (its first sequence number as written).</param>
/// <param name="Lines">The canonical event lines, each followed by a line feed.</param>
/// <param name="Links">The chain link recorded for each line, <see cref="Events.AuditChain.LinkSize"/> bytes apiece.</param>
public sealed record AuditBlock(long Key, ReadOnlyMemory<byte> Lines, ReadOnlyMemory<byte> Links);

/// <summary>A signed statement of the chain link after an event.</summary>
/// <param name="Sequence">The event the checkpoint covers up to.</param>
/// <param name="Link">The chain link after that event.</param>
/// <param name="CreatedAt">When the checkpoint was made.</param>
/// <param name="Signature">A compact JWS whose payload states the sequence and link, signed by the server's key.</param>
public sealed record AuditCheckpoint(long Sequence, byte[] Link, DateTimeOffset CreatedAt, string Signature);
