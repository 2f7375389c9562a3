namespace Mandate.Cedar.Schema.Parsing;

// The schema as written, before name resolution. Both the Cedar and the JSON syntax parse
// into this shape so that names are resolved by one set of rules.

internal readonly record struct SourcePosition(int Line, int Column)
{
    public static SourcePosition Unknown => default;
}

internal abstract record RawType(SourcePosition Position);

/// A name that may denote a common type, an entity type or a builtin type.
internal sealed record RawNamedType(string Path, SourcePosition Position) : RawType(Position);

/// A name that must denote an entity type (JSON `Entity`).
internal sealed record RawEntityRefType(string Path, SourcePosition Position) : RawType(Position);

internal sealed record RawExtensionType(string Name, SourcePosition Position) : RawType(Position);

internal sealed record RawPrimitiveType(PrimitiveKind Kind, SourcePosition Position) : RawType(Position);

internal sealed record RawSetType(RawType Element, SourcePosition Position) : RawType(Position);

internal sealed record RawRecordType(IReadOnlyList<RawAttribute> Attributes, SourcePosition Position) : RawType(Position);

internal sealed record RawAttribute(string Name, RawType Type, bool Required, SourcePosition Position);

internal sealed record RawName(string Path, SourcePosition Position);

/// An action reference; a null type means the action type of the declaring namespace.
internal sealed record RawActionRef(string? TypePath, string Id, SourcePosition Position);

internal sealed record RawEntityDeclaration(
    string Name,
    IReadOnlyList<RawName> MemberOf,
    RawType? Shape,
    RawType? Tags,
    IReadOnlyList<string>? EnumIds,
    IReadOnlyDictionary<string, string> Annotations,
    SourcePosition Position);

internal sealed record RawAppliesTo(
    IReadOnlyList<RawName> Principals,
    IReadOnlyList<RawName> Resources,
    RawType? Context);

internal sealed record RawActionDeclaration(
    string Id,
    IReadOnlyList<RawActionRef> MemberOf,
    RawAppliesTo? AppliesTo,
    IReadOnlyDictionary<string, string> Annotations,
    SourcePosition Position);

internal sealed record RawCommonTypeDeclaration(string Name, RawType Type, SourcePosition Position);

internal sealed class RawNamespace(string name, SourcePosition position)
{
    public string Name { get; } = name;

    public SourcePosition Position { get; } = position;

    public List<RawEntityDeclaration> Entities { get; } = [];

    public List<RawActionDeclaration> Actions { get; } = [];

    public List<RawCommonTypeDeclaration> CommonTypes { get; } = [];
}
