namespace Mandate.Storage.Sqlite.Events;

/// <summary>One block ready to store: its canonical lines, chain links and participant filter, not yet compressed.</summary>
internal sealed record PreparedBlock(
    long FirstSequence,
    long LastSequence,
    long MinTime,
    long MaxTime,
    byte[] Lines,
    byte[] Links,
    byte[] LastLink,
    byte[] Participants);

/// <summary>
/// A batch prepared against the chain head it follows: committing it is valid only while the stored head still
/// is <see cref="PreviousSequence"/> / <see cref="PreviousLink"/>.
/// </summary>
internal sealed class PreparedAppend(long previousSequence, byte[] previousLink, IReadOnlyList<PreparedBlock> blocks)
{
    public long PreviousSequence { get; } = previousSequence;

    public byte[] PreviousLink { get; } = previousLink;

    public IReadOnlyList<PreparedBlock> Blocks { get; } = blocks;

    public long LastSequence => Blocks[^1].LastSequence;

    public byte[] LastLink => Blocks[^1].LastLink;

    public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
