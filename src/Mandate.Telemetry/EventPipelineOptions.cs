namespace Mandate.Telemetry;

/// <summary>Capacity and batching of the event pipeline.</summary>
public sealed record EventPipelineOptions
{
    /// <summary>Events held in memory before new ones are dropped (and counted).</summary>
    public int Capacity { get; init; } = 100_000;

    /// <summary>Most events handed to the store in one append (the store may commit several appends together).</summary>
    public int MaxBatchSize { get; init; } = 8_192;

    /// <summary>Appends handed to the store and not yet durable: the next is prepared while earlier ones commit.</summary>
    public int MaxBatchesInFlight { get; init; } = 4;
}
