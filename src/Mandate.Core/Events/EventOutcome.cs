namespace Mandate.Core.Events;

/// <summary>How the recorded activity ended.</summary>
public enum EventOutcome
{
    /// <summary>The activity succeeded (or a decision allowed).</summary>
    Success,

    /// <summary>The activity was refused or failed (or a decision denied).</summary>
    Failure,
}
