namespace Mandate.Cedar.Schema;

/// <summary>
/// A type as declared in a Cedar schema, after name resolution: every entity type name is
/// fully qualified and every common type has been replaced by its definition.
/// </summary>
public abstract record SchemaType
{
    private protected SchemaType()
    {
    }

    /// <summary>The <c>Long</c> type (64-bit signed integers).</summary>
    public static SchemaType Long { get; } = new PrimitiveType(PrimitiveKind.Long);

    /// <summary>The <c>String</c> type.</summary>
    public static SchemaType String { get; } = new PrimitiveType(PrimitiveKind.String);

    /// <summary>The <c>Bool</c> type.</summary>
    public static SchemaType Bool { get; } = new PrimitiveType(PrimitiveKind.Bool);
}

/// <summary>The primitive Cedar types.</summary>
public enum PrimitiveKind
{
    /// <summary>64-bit signed integers.</summary>
    Long,

    /// <summary>Strings.</summary>
    String,

    /// <summary>Booleans.</summary>
    Bool,
}

/// <summary>A primitive type: <c>Long</c>, <c>String</c> or <c>Bool</c>.</summary>
/// <param name="Kind">Which primitive.</param>
public sealed record PrimitiveType(PrimitiveKind Kind) : SchemaType
{
    /// <inheritdoc />
    public override string ToString() => Kind.ToString();
}

/// <summary>A set whose elements all have <paramref name="Element"/> type.</summary>
/// <param name="Element">The element type.</param>
public sealed record SetType(SchemaType Element) : SchemaType
{
    /// <inheritdoc />
    public override string ToString() => $"Set<{Element}>";
}

/// <summary>A reference to an entity type, by its fully qualified name.</summary>
/// <param name="Name">The fully qualified entity type name, such as <c>App::User</c>.</param>
public sealed record EntityRefType(string Name) : SchemaType
{
    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>An extension type such as <c>ipaddr</c>, <c>decimal</c>, <c>datetime</c> or <c>duration</c>.</summary>
/// <param name="Name">The extension type name without the <c>__cedar</c> prefix.</param>
public sealed record ExtensionType(string Name) : SchemaType
{
    /// <summary>The extension types Cedar defines.</summary>
    public static IReadOnlySet<string> Known { get; } =
        new HashSet<string>(StringComparer.Ordinal) { "ipaddr", "decimal", "datetime", "duration" };

    /// <inheritdoc />
    public override string ToString() => Name;
}
