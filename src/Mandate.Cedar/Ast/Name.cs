using System.Collections.Immutable;

namespace Mandate.Cedar.Ast;

/// <summary>
/// A possibly namespaced Cedar name such as <c>User</c> or <c>Acme::Photos::Album</c>: used for entity
/// types, extension functions and namespaces. Two names are equal when their full text is equal.
/// </summary>
public sealed class Name : IEquatable<Name>
{
    private Name(ImmutableArray<string> segments, string fullName)
    {
        Segments = segments;
        FullName = fullName;
    }

    /// <summary>The identifiers that make up the name, outermost namespace first.</summary>
    public ImmutableArray<string> Segments { get; }

    /// <summary>The last identifier (the name without its namespace).</summary>
    public string Basename => Segments[^1];

    /// <summary>The namespace segments (empty for an unqualified name).</summary>
    public ImmutableArray<string> Namespace => Segments.RemoveAt(Segments.Length - 1);

    /// <summary>The full name as written in Cedar, segments joined by <c>::</c>.</summary>
    public string FullName { get; }

    /// <summary>Whether the name has no namespace.</summary>
    public bool IsUnqualified => Segments.Length == 1;

    /// <summary>Creates a name from its segments; each must be a Cedar identifier.</summary>
    public static Name FromSegments(IEnumerable<string> segments)
    {
        var array = segments.ToImmutableArray();
        if (array.IsEmpty)
        {
            throw new ArgumentException("a name needs at least one identifier", nameof(segments));
        }

        return new Name(array, string.Join("::", array));
    }

    /// <summary>Creates an unqualified name.</summary>
    public static Name Unqualified(string identifier) => new([identifier], identifier);

    /// <summary>Parses <c>A::B::C</c> (identifiers only, no whitespace handling beyond the Cedar grammar).</summary>
    public static Name Parse(string text) => Syntax.CedarParser.ParseName(text);

    /// <summary>Returns this name with the given namespace prepended.</summary>
    public Name Qualify(Name? @namespace) =>
        @namespace is null ? this : FromSegments(@namespace.Segments.AddRange(Segments));

    /// <inheritdoc />
    public bool Equals(Name? other) => other is not null && string.Equals(FullName, other.FullName, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Name other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(FullName);

    /// <inheritdoc />
    public override string ToString() => FullName;

    /// <summary>Compares names by their full text.</summary>
    public static bool operator ==(Name? left, Name? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Compares names by their full text.</summary>
    public static bool operator !=(Name? left, Name? right) => !(left == right);
}
