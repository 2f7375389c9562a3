namespace Mandate.Cedar.Ast;

/// <summary>Binary operators, as written in the source.</summary>
public enum BinaryOperator
{
    /// <summary><c>==</c></summary>
    Equal,

    /// <summary><c>!=</c></summary>
    NotEqual,

    /// <summary><c>&lt;</c></summary>
    Less,

    /// <summary><c>&lt;=</c></summary>
    LessOrEqual,

    /// <summary><c>&gt;</c></summary>
    Greater,

    /// <summary><c>&gt;=</c></summary>
    GreaterOrEqual,

    /// <summary><c>in</c> (entity hierarchy membership, reflexive and transitive)</summary>
    In,

    /// <summary><c>+</c></summary>
    Add,

    /// <summary><c>-</c></summary>
    Subtract,

    /// <summary><c>*</c></summary>
    Multiply,

    /// <summary><c>.contains(x)</c></summary>
    Contains,

    /// <summary><c>.containsAll(s)</c></summary>
    ContainsAll,

    /// <summary><c>.containsAny(s)</c></summary>
    ContainsAny,

    /// <summary><c>.getTag(k)</c></summary>
    GetTag,

    /// <summary><c>.hasTag(k)</c></summary>
    HasTag,
}
