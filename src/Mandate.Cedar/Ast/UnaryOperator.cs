namespace Mandate.Cedar.Ast;

/// <summary>Unary operators.</summary>
public enum UnaryOperator
{
    /// <summary><c>!e</c></summary>
    Not,

    /// <summary><c>-e</c> (64-bit, overflow is an error)</summary>
    Negate,

    /// <summary><c>e.isEmpty()</c></summary>
    IsEmpty,
}
