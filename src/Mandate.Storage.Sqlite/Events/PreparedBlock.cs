namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// One block ready to store: the digest of its canonical lines (all the committer needs to link it into the chain),
/// their locators, its participant filter and its compressed lines (a pooled array, released once the block is stored,
/// failed, or prepared again).
/// </summary>
internal sealed class PreparedBlock(
    long firstSequence,
    long lastSequence,
    long minTime,
    long maxTime,
    byte[] digest,
    byte[] locators,
    byte[] participants,
    byte[] compressed,
    int compressedLength) : IDisposable
{
    public long FirstSequence { get; } = firstSequence;

    public long LastSequence { get; } = lastSequence;

    public long MinTime { get; } = minTime;

    public long MaxTime { get; } = maxTime;

    /// <summary>The chain digest of the block's lines (<see cref="Core.Events.AuditChain.Digest"/>).</summary>
    public byte[] Digest { get; } = digest;

    public byte[] Locators { get; } = locators;

    public byte[] Participants { get; } = participants;

    /// <summary>The compressed lines: the first <see cref="CompressedLength"/> bytes of a pooled array.</summary>
    public byte[] Compressed { get; } = compressed;

    public int CompressedLength { get; } = compressedLength;

    public void Dispose() => BlockCompression.Release(Compressed);
}
