namespace Mandate.Telemetry.Retention;

/// <summary>
/// How long events are kept. Either limit suffices to remove an event; with neither set, nothing is ever removed.
/// Removal goes oldest first, a whole stored block at a time, and never takes the newest block.
/// </summary>
public sealed record EventRetentionOptions
{
    /// <summary>Remove events older than this.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>Keep at most about this many of the newest events.</summary>
    public long? MaxEvents { get; init; }

    /// <summary>How often the limits are applied in the background.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether any limit is set.</summary>
    public bool Enabled => MaxAge is not null || MaxEvents is not null;
}
