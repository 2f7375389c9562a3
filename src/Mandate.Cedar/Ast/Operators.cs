namespace Mandate.Cedar.Ast;

/// <summary>The request variables.</summary>
public enum Variable
{
    /// <summary><c>principal</c></summary>
    Principal,

    /// <summary><c>action</c></summary>
    Action,

    /// <summary><c>resource</c></summary>
    Resource,

    /// <summary><c>context</c></summary>
    Context,
}

/// <summary>Template slots.</summary>
public enum SlotId
{
    /// <summary><c>?principal</c></summary>
    Principal,

    /// <summary><c>?resource</c></summary>
    Resource,
}

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
