namespace Mandate.Cedar.Authorization;

/// <summary>The outcome of an authorization request.</summary>
public enum Decision
{
    /// <summary>Access is denied (the default).</summary>
    Deny,

    /// <summary>Access is allowed.</summary>
    Allow,
}
