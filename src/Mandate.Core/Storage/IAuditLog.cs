namespace Mandate.Core.Storage;

/// <summary>
/// The raw, tamper-evident form of the event stream, for checkpointing, retention and offline verification:
/// blocks of canonical event lines as stored, with the chain links the writer recorded, and signed checkpoints.
/// </summary>
public interface IAuditLog
{
    /// <summary>The last event's sequence number and chain link (sequence 0 and the genesis link when empty).</summary>
    Task<AuditHead> HeadAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a signed checkpoint. A retention anchor replaces a plain checkpoint already stored at the same event
    /// with the same link (both sign that point of the chain).
    /// </summary>
    /// <exception cref="Errors.MandateException"><c>conflict</c> when any other checkpoint of that event is already stored.</exception>
    Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>Every checkpoint, in sequence order.</summary>
    Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken = default);

    /// <summary>The checkpoint of the latest event, or null when there is none.</summary>
    Task<AuditCheckpoint?> LatestCheckpointAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens one consistent snapshot of the log holding its checkpoints and its blocks, so a checkpoint added or a range
    /// pruned while it is read shows in neither or in both (verification compares the two). The snapshot holds until disposed.
    /// </summary>
    Task<IAuditSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Where retention could cut the oldest events: the last event (with its chain link) of the longest run of the
    /// oldest events that are all older than <paramref name="olderThan"/> or lie more than <paramref name="keepLatest"/>
    /// events behind the head (either rule suffices; a null rule never applies). The store rounds down to what it can
    /// remove at once (a bounded step: callers prune a long due range step by step, each step to its own anchor) and
    /// always keeps the newest events it wrote together. Null when nothing can go.
    /// </summary>
    Task<AuditHead?> FindPruneBoundaryAsync(DateTimeOffset? olderThan, long? keepLatest, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes every event up to and including <paramref name="throughSequence"/> (a boundary from
    /// <see cref="FindPruneBoundaryAsync"/>), which must be covered by a signed retention anchor
    /// (<see cref="AuditCheckpoint.Anchor"/>) at exactly that event, so verification can start the chain there, and
    /// with them every checkpoint before that anchor. Returns how many events were removed.
    /// </summary>
    /// <exception cref="Errors.MandateException"><c>invalid_argument</c> when no anchor or no boundary is there.</exception>
    Task<long> PruneAsync(long throughSequence, CancellationToken cancellationToken = default);
}

/// <summary>The checkpoints and blocks of an audit log as they stood at one moment (<see cref="IAuditLog.ReadSnapshotAsync"/>).</summary>
public interface IAuditSnapshot : IAsyncDisposable
{
    /// <summary>Every checkpoint, in sequence order.</summary>
    IReadOnlyList<AuditCheckpoint> Checkpoints { get; }

    /// <summary>Every stored block in sequence order, exactly as stored.</summary>
    IAsyncEnumerable<AuditBlock> ReadBlocksAsync(CancellationToken cancellationToken = default);
}

/// <summary>The end of the chain, or a point in it.</summary>
/// <param name="Sequence">The last event's sequence number, 0 when there is none.</param>
/// <param name="Link">The chain link after that event.</param>
public sealed record AuditHead(long Sequence, byte[] Link);

/// <summary>One stored block of consecutive events.</summary>
/// <param name="Key">The storage key of the block (its first sequence number as written).</param>
/// <param name="Scheme">How the block is linked into the chain.</param>
/// <param name="Lines">The canonical event lines, each followed by a line feed.</param>
/// <param name="Links">
/// What the writer recorded for each line, <see cref="Events.AuditChain.StoredLinkSize"/> bytes apiece: its locator
/// (<see cref="Events.AuditLinkScheme.BlockLink"/>) or the start of its link (<see cref="Events.AuditLinkScheme.EventLinks"/>).
/// </param>
/// <param name="LastLink">The chain link recorded after the block's last line.</param>
/// <param name="Damage">Why the stored block cannot be read at all, or null; <paramref name="Lines"/> is empty then.</param>
/// <param name="Mismatch">
/// What the store keeps beside the lines to skip reading them (their time range, the identities taking part) and states
/// differently from the lines, in words, or null when it matches them. Those are outside the chain, so only this
/// comparison shows them altered.
/// </param>
/// <param name="LatestTime">When the block's latest event happened, as its lines state (null when they cannot be read).</param>
public sealed record AuditBlock(
    long Key,
    Events.AuditLinkScheme Scheme,
    ReadOnlyMemory<byte> Lines,
    ReadOnlyMemory<byte> Links,
    ReadOnlyMemory<byte> LastLink,
    string? Damage = null,
    string? Mismatch = null,
    DateTimeOffset? LatestTime = null);

/// <summary>A signed statement of the chain link after an event.</summary>
/// <param name="Sequence">The event the checkpoint covers up to.</param>
/// <param name="Link">The chain link after that event.</param>
/// <param name="CreatedAt">When the checkpoint was made.</param>
/// <param name="Signature">A compact JWS whose payload states the sequence and link, signed by the server's key.</param>
/// <param name="Anchor">
/// Whether the signer also states that the events up to this one may be removed by retention: verification then
/// accepts a stream that starts right after it, from its link.
/// </param>
public sealed record AuditCheckpoint(long Sequence, byte[] Link, DateTimeOffset CreatedAt, string Signature, bool Anchor = false);
