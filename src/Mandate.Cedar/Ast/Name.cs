using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Mandate.Cedar.Ast;

/// <summary>
/// A possibly namespaced Cedar name such as <c>User</c> or <c>Acme::Photos::Album</c>: used for entity
/// types, extension functions and namespaces. Two names are equal when their full text is equal.
/// </summary>
/// <remarks>
/// Names are interned: parsing the same name twice gives the same instance, so comparing the entity types of two
/// entity references (done for every scope check and <c>==</c>) is a reference comparison that reads neither
/// name, instead of a string comparison that pulls two cold strings into the cache. The pool is bounded, since
/// names also come from requests and entity data; past the bound names are still correct, just not shared.
/// </remarks>
public sealed class Name : IEquatable<Name>
{
    private const int PoolLimit = 65_536;
    private static readonly ConcurrentDictionary<string, Name> Pool = new(StringComparer.Ordinal);

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

        return Interned(string.Join("::", array), array);
    }

    /// <summary>Creates an unqualified name.</summary>
    public static Name Unqualified(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return Interned(identifier, [identifier]);
    }

    /// <summary>Parses <c>A::B::C</c> (identifiers only, no whitespace handling beyond the Cedar grammar).</summary>
    public static Name Parse(string text) => Syntax.CedarParser.ParseName(text);

    /// <summary>Returns this name with the given namespace prepended.</summary>
    public Name Qualify(Name? @namespace) =>
        @namespace is null ? this : FromSegments(@namespace.Segments.AddRange(Segments));

    /// <inheritdoc />
    public bool Equals(Name? other) =>
        ReferenceEquals(this, other) || (other is not null && string.Equals(FullName, other.FullName, StringComparison.Ordinal));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Name other && Equals(other);

    private static Name Interned(string fullName, ImmutableArray<string> segments)
    {
        if (Pool.TryGetValue(fullName, out var name))
        {
            return name;
        }

        name = new Name(segments, fullName);
        return Pool.Count < PoolLimit ? Pool.GetOrAdd(fullName, name) : name;
    }

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(FullName);

    /// <inheritdoc />
    public override string ToString() => FullName;

    /// <summary>Compares names by their full text.</summary>
    public static bool operator ==(Name? left, Name? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Compares names by their full text.</summary>
    public static bool operator !=(Name? left, Name? right) => !(left == right);
}
