namespace Mandate.Cedar.Values;

/// <summary>
/// A Cedar runtime value. Values are immutable; equality follows Cedar: values of different types are
/// never equal, sets compare as sets, records compare field by field.
/// </summary>
public abstract class CedarValue : IEquatable<CedarValue>
{
    private protected CedarValue()
    {
    }

    /// <summary>The value's Cedar type.</summary>
    public abstract CedarType Type { get; }

    /// <inheritdoc />
    public abstract bool Equals(CedarValue? other);

    /// <inheritdoc />
    public sealed override bool Equals(object? obj) => obj is CedarValue other && Equals(other);

    /// <inheritdoc />
    public abstract override int GetHashCode();

    /// <summary>The value written as a Cedar expression.</summary>
    public abstract override string ToString();
}
