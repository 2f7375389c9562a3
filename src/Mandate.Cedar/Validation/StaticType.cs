using System.Collections.Immutable;
using Mandate.Cedar.Schema;

namespace Mandate.Cedar.Validation;

/// <summary>What the type checker knows about a boolean: always true, always false, or either.</summary>
internal enum BoolKind
{
    True,
    False,
    Any,
}

/// <summary>
/// A type as the strict validator sees it. Booleans carry what is known of their value, so a policy that can
/// never apply is detected; entity types are single named types (strict mode has no unions).
/// </summary>
internal abstract class StaticType
{
    public static readonly BoolType True = new(BoolKind.True);
    public static readonly BoolType False = new(BoolKind.False);
    public static readonly BoolType AnyBool = new(BoolKind.Any);
    public static readonly LongType Long = new();
    public static readonly StringType String = new();

    public static BoolType Bool(BoolKind kind) => kind switch
    {
        BoolKind.True => True,
        BoolKind.False => False,
        _ => AnyBool,
    };

    /// <summary>Converts a schema type (names already resolved).</summary>
    public static StaticType From(SchemaType type) => type switch
    {
        PrimitiveType { Kind: PrimitiveKind.Long } => Long,
        PrimitiveType { Kind: PrimitiveKind.String } => String,
        PrimitiveType => AnyBool,
        SetType set => new SetOfType(From(set.Element)),
        EntityRefType entity => new EntityType(entity.Name),
        ExtensionType extension => new ExtType(extension.Name),
        RecordType record => RecordOfType.From(record),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown schema type"),
    };

    /// <summary>
    /// The least upper bound of two types, or null when they have none: booleans join, sets join element-wise,
    /// records need the same attributes with the same optionality; every other type only joins with itself.
    /// </summary>
    public static StaticType? Lub(StaticType a, StaticType b)
    {
        switch (a, b)
        {
            case (BoolType x, BoolType y):
                return x.Kind == y.Kind ? x : AnyBool;
            case (SetOfType x, SetOfType y):
                return Lub(x.Element, y.Element) is { } element ? new SetOfType(element) : null;
            case (RecordOfType x, RecordOfType y):
                return RecordOfType.Lub(x, y);
            default:
                return a.Equals(b) ? a : null;
        }
    }

    /// <summary>Whether <paramref name="a"/> is a subtype of <paramref name="b"/>.</summary>
    public static bool IsSubtype(StaticType a, StaticType b) => Lub(a, b) is { } lub && lub.Equals(b);
}

internal sealed class BoolType(BoolKind kind) : StaticType
{
    public BoolKind Kind { get; } = kind;

    public BoolType Not() => Kind switch
    {
        BoolKind.True => False,
        BoolKind.False => True,
        _ => AnyBool,
    };

    public override bool Equals(object? obj) => obj is BoolType other && other.Kind == Kind;

    public override int GetHashCode() => (int)Kind;

    public override string ToString() => Kind switch
    {
        BoolKind.True => "True",
        BoolKind.False => "False",
        _ => "Bool",
    };
}

internal sealed class LongType : StaticType
{
    public override bool Equals(object? obj) => obj is LongType;

    public override int GetHashCode() => 1;

    public override string ToString() => "Long";
}

internal sealed class StringType : StaticType
{
    public override bool Equals(object? obj) => obj is StringType;

    public override int GetHashCode() => 2;

    public override string ToString() => "String";
}

internal sealed class EntityType(string name) : StaticType
{
    public string Name { get; } = name;

    public override bool Equals(object? obj) => obj is EntityType other && string.Equals(other.Name, Name, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    public override string ToString() => Name;
}

internal sealed class ExtType(string name) : StaticType
{
    public const string Decimal = "decimal";
    public const string IpAddr = "ipaddr";
    public const string Datetime = "datetime";
    public const string Duration = "duration";

    public string Name { get; } = name;

    public override bool Equals(object? obj) => obj is ExtType other && string.Equals(other.Name, Name, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    public override string ToString() => Name;
}

internal sealed class SetOfType(StaticType element) : StaticType
{
    public StaticType Element { get; } = element;

    public override bool Equals(object? obj) => obj is SetOfType other && other.Element.Equals(Element);

    public override int GetHashCode() => HashCode.Combine(3, Element);

    public override string ToString() => $"Set<{Element}>";
}

/// <summary>One attribute of a record or entity type.</summary>
internal readonly record struct AttributeSlot(StaticType Type, bool Required);

internal sealed class RecordOfType(ImmutableSortedDictionary<string, AttributeSlot> attributes) : StaticType
{
    public static readonly RecordOfType Empty = new(ImmutableSortedDictionary.Create<string, AttributeSlot>(StringComparer.Ordinal));

    public ImmutableSortedDictionary<string, AttributeSlot> Attributes { get; } = attributes;

    public static RecordOfType From(RecordType record)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, AttributeSlot>(StringComparer.Ordinal);
        foreach (var (name, attribute) in record.Attributes)
        {
            builder[name] = new AttributeSlot(From(attribute.Type), attribute.Required);
        }

        return new RecordOfType(builder.ToImmutable());
    }

    public static RecordOfType? Lub(RecordOfType a, RecordOfType b)
    {
        if (a.Attributes.Count != b.Attributes.Count)
        {
            return null;
        }

        var builder = ImmutableSortedDictionary.CreateBuilder<string, AttributeSlot>(StringComparer.Ordinal);
        foreach (var (name, mine) in a.Attributes)
        {
            if (!b.Attributes.TryGetValue(name, out var theirs) || mine.Required != theirs.Required || StaticType.Lub(mine.Type, theirs.Type) is not { } joined)
            {
                return null;
            }

            builder[name] = new AttributeSlot(joined, mine.Required);
        }

        return new RecordOfType(builder.ToImmutable());
    }

    public override bool Equals(object? obj) =>
        obj is RecordOfType other
        && other.Attributes.Count == Attributes.Count
        && Attributes.All(a => other.Attributes.TryGetValue(a.Key, out var theirs) && theirs.Required == a.Value.Required && theirs.Type.Equals(a.Value.Type));

    public override int GetHashCode() => Attributes.Aggregate(4, (hash, a) => HashCode.Combine(hash, a.Key, a.Value.Required));

    public override string ToString() =>
        "{" + string.Join(", ", Attributes.Select(a => $"{a.Key}{(a.Value.Required ? "" : "?")}: {a.Value.Type}")) + "}";
}
