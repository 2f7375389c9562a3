using System.Text;

namespace Mandate.Cedar.Schema;

/// <summary>A record type: a closed set of named attributes, each required or optional.</summary>
public sealed record RecordType : SchemaType
{
    /// <summary>Creates a record type from its attributes.</summary>
    /// <param name="attributes">The attributes by name.</param>
    public RecordType(IReadOnlyDictionary<string, AttributeType> attributes)
    {
        Attributes = attributes;
    }

    /// <summary>The record with no attributes.</summary>
    public static RecordType Empty { get; } = new(new Dictionary<string, AttributeType>(StringComparer.Ordinal));

    /// <summary>The attributes by name.</summary>
    public IReadOnlyDictionary<string, AttributeType> Attributes { get; }

    /// <inheritdoc />
    public bool Equals(RecordType? other)
    {
        if (other is null || other.Attributes.Count != Attributes.Count)
        {
            return false;
        }

        foreach (var (name, attribute) in Attributes)
        {
            if (!other.Attributes.TryGetValue(name, out var theirs) || theirs != attribute)
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = 0;
        foreach (var (name, attribute) in Attributes)
        {
            hash ^= HashCode.Combine(name, attribute);
        }

        return hash;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder("{");
        var first = true;
        foreach (var (name, attribute) in Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            text.Append(first ? " " : ", ").Append('"').Append(name).Append('"');
            text.Append(attribute.Required ? ": " : "?: ").Append(attribute.Type);
            first = false;
        }

        return text.Append(first ? "}" : " }").ToString();
    }
}

/// <summary>The type of one record or entity attribute.</summary>
/// <param name="Type">The attribute's type.</param>
/// <param name="Required">Whether every value must carry the attribute.</param>
public sealed record AttributeType(SchemaType Type, bool Required);
