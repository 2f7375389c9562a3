namespace Mandate.Cedar.Json;

/// <summary>How Cedar JSON is read.</summary>
public sealed record CedarJsonOptions
{
    /// <summary>The defaults: the reference's reading without a schema.</summary>
    public static CedarJsonOptions Default { get; } = new();

    /// <summary>
    /// Whether an object of exactly string <c>type</c> and <c>id</c> is read as an entity reference. The reference
    /// does so only where a schema declares an entity-typed value; without a schema such an object is a record.
    /// Enable it for data written for a schema when no schema-directed reader is available.
    /// </summary>
    public bool ImplicitEntityReferences { get; init; }
}
