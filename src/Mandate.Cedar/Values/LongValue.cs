using System.Globalization;

namespace Mandate.Cedar.Values;

/// <summary>A Cedar 64-bit signed integer.</summary>
public sealed class LongValue(long value) : CedarValue
{
    /// <summary>The wrapped integer.</summary>
    public long Value { get; } = value;

    /// <inheritdoc />
    public override CedarType Type => CedarType.Long;

    /// <inheritdoc />
    public override bool Equals(CedarValue? other) => other is LongValue l && l.Value == Value;

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
