namespace Mandate.Cedar.Ast;

/// <summary>Template slots.</summary>
public enum SlotId
{
    /// <summary><c>?principal</c></summary>
    Principal,

    /// <summary><c>?resource</c></summary>
    Resource,
}
