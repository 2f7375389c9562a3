using System.Collections.Immutable;

namespace Mandate.Cedar.Values;

/// <summary>A Cedar set: distinct values, compared as a set.</summary>
public sealed class SetValue : CedarValue
{
    private readonly HashSet<CedarValue> _lookup;

    /// <summary>Creates a set; duplicates are dropped, first occurrence order kept.</summary>
    public SetValue(IEnumerable<CedarValue> elements)
    {
        _lookup = [];
        var builder = ImmutableArray.CreateBuilder<CedarValue>();
        foreach (var element in elements)
        {
            if (_lookup.Add(element))
            {
                builder.Add(element);
            }
        }

        Elements = builder.ToImmutable();
    }

    /// <summary>The empty set.</summary>
    public static SetValue Empty { get; } = new([]);

    /// <summary>The distinct elements.</summary>
    public ImmutableArray<CedarValue> Elements { get; }

    /// <summary>How many distinct elements the set holds.</summary>
    public int Count => Elements.Length;

    /// <inheritdoc />
    public override CedarType Type => CedarType.Set;

    /// <summary>Whether the set holds a value equal to <paramref name="value"/>.</summary>
    public bool Contains(CedarValue value) => _lookup.Contains(value);

    /// <inheritdoc />
    public override bool Equals(CedarValue? other)
    {
        if (other is not SetValue set || set.Count != Count)
        {
            return false;
        }

        foreach (var element in Elements)
        {
            if (!set.Contains(element))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = Count;
        foreach (var element in Elements)
        {
            hash ^= element.GetHashCode();
        }

        return hash;
    }

    /// <inheritdoc />
    public override string ToString() => "[" + string.Join(", ", Elements) + "]";
}
