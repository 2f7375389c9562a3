namespace Mandate.Cedar.Ast;

/// <summary>Whether a satisfied policy allows or denies.</summary>
public enum Effect
{
    /// <summary><c>permit</c></summary>
    Permit,

    /// <summary><c>forbid</c></summary>
    Forbid,
}
