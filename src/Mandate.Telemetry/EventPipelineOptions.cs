namespace Mandate.Telemetry;

/// <summary>Capacity and batching of the event pipeline.</summary>
public sealed record EventPipelineOptions
{
    /// <summary>
    /// Events held in memory before new ones are dropped (and counted). Producers that can wait
    /// (<see cref="EventPipeline.WaitForRoomAsync"/>, the evaluation endpoints) wait once half of it is taken.
    /// </summary>
    public int Capacity { get; init; } = 100_000;

    /// <summary>Most events handed to the store in one append (the store may commit several appends together).</summary>
    public int MaxBatchSize { get; init; } = 8_192;

    /// <summary>Appends handed to the store and not yet durable: the next is prepared while earlier ones commit.</summary>
    public int MaxBatchesInFlight { get; init; } = 4;

    /// <summary>
    /// How long the writer waits for more events before it starts a batch of less than half <see cref="MaxBatchSize"/>,
    /// so that a steady trickle is committed in a few large transactions rather than many small ones (group commit:
    /// each transaction costs an fsync and a round of thread wake-ups, whatever its size). Emitted events are never
    /// waited on by their producers, so this only delays when they become durable; a durable append (an ingest call)
    /// ends the wait as soon as it is queued. Zero starts every batch at once.
    /// </summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(10);
}
