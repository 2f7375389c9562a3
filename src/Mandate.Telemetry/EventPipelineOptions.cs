namespace Mandate.Telemetry;

/// <summary>Capacity and batching of the event pipeline.</summary>
public sealed record EventPipelineOptions
{
    /// <summary>Events held in memory before new ones are dropped (and counted).</summary>
    public int Capacity { get; init; } = 100_000;

    /// <summary>Most events written in one store transaction.</summary>
    public int MaxBatchSize { get; init; } = 1_000;
}
