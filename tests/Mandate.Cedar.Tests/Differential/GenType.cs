namespace Mandate.Cedar.Tests.Differential;

/// <summary>The type of a generated value or expression, as the generator tracks it.</summary>
internal abstract record GenType
{
    public static readonly GenType Long = new Primitive("Long");
    public static readonly GenType String = new Primitive("String");
    public static readonly GenType Bool = new Primitive("Bool");

    /// <summary>The type in Cedar schema syntax.</summary>
    public abstract string Schema { get; }

    public sealed record Primitive(string Name) : GenType
    {
        public override string Schema => Name;
    }

    public sealed record Entity(string Name) : GenType
    {
        public override string Schema => Name;
    }

    public sealed record Extension(string Name) : GenType
    {
        public override string Schema => Name;
    }

    public sealed record Set(GenType Element) : GenType
    {
        public override string Schema => $"Set<{Element.Schema}>";
    }

    public sealed record Record(IReadOnlyList<Attribute> Attributes) : GenType
    {
        public override string Schema => "{ " + string.Join(", ", Attributes.Select(a => $"\"{a.Name}\"{(a.Required ? "" : "?")}: {a.Type.Schema}")) + " }";

        public bool Equals(Record? other) => other is not null && Attributes.SequenceEqual(other.Attributes);

        public override int GetHashCode() => Attributes.Count;
    }
}

/// <summary>A record or entity attribute.</summary>
internal sealed record Attribute(string Name, GenType Type, bool Required);

/// <summary>A generated entity type.</summary>
internal sealed record GenEntityType(string Name, IReadOnlyList<Attribute> Attributes, IReadOnlyList<string> Parents, GenType? Tags);

/// <summary>A generated action.</summary>
internal sealed record GenAction(string Id, IReadOnlyList<string> Principals, IReadOnlyList<string> Resources, IReadOnlyList<Attribute> Context, IReadOnlyList<string> MemberOf);
