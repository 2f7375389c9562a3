using System.Collections.Immutable;
using Mandate.Cedar.Ast;

namespace Mandate.Cedar.Validation;

/// <summary>
/// A fact established by a guard: <c>Target has Attribute</c> or <c>Target.hasTag(Tag)</c> is known to hold,
/// so the matching optional attribute or tag may be read.
/// </summary>
internal readonly record struct Capability(Expr Target, string? Attribute, Expr? Tag)
{
    public bool Matches(Capability other) =>
        ExprShape.Same(Target, other.Target)
        && string.Equals(Attribute, other.Attribute, StringComparison.Ordinal)
        && (Tag is null ? other.Tag is null : other.Tag is not null && ExprShape.Same(Tag, other.Tag));
}

/// <summary>A set of <see cref="Capability"/> facts; small, so a flat list compared structurally.</summary>
internal readonly struct Capabilities
{
    private readonly ImmutableArray<Capability> _items;

    private Capabilities(ImmutableArray<Capability> items) => _items = items;

    public static Capabilities None => default;

    private ImmutableArray<Capability> Items => _items.IsDefault ? [] : _items;

    public static Capabilities Of(Capability capability) => new([capability]);

    public bool Contains(Capability capability)
    {
        foreach (var item in Items)
        {
            if (item.Matches(capability))
            {
                return true;
            }
        }

        return false;
    }

    public Capabilities Union(Capabilities other)
    {
        if (other.Items.IsEmpty)
        {
            return this;
        }

        var builder = Items.ToBuilder();
        foreach (var item in other.Items)
        {
            if (!Contains(item))
            {
                builder.Add(item);
            }
        }

        return new Capabilities(builder.ToImmutable());
    }

    public Capabilities Intersect(Capabilities other)
    {
        var builder = ImmutableArray.CreateBuilder<Capability>();
        foreach (var item in Items)
        {
            if (other.Contains(item))
            {
                builder.Add(item);
            }
        }

        return new Capabilities(builder.ToImmutable());
    }
}
