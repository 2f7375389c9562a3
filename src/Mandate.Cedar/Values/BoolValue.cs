namespace Mandate.Cedar.Values;

/// <summary>A Cedar boolean; use <see cref="True"/>, <see cref="False"/> or <see cref="Of"/>.</summary>
public sealed class BoolValue : CedarValue
{
    private BoolValue(bool value) => Value = value;

    /// <summary>The <c>true</c> value.</summary>
    public static BoolValue True { get; } = new(true);

    /// <summary>The <c>false</c> value.</summary>
    public static BoolValue False { get; } = new(false);

    /// <summary>The wrapped boolean.</summary>
    public bool Value { get; }

    /// <inheritdoc />
    public override CedarType Type => CedarType.Bool;

    /// <summary>Returns the shared instance for <paramref name="value"/>.</summary>
    public static BoolValue Of(bool value) => value ? True : False;

    /// <inheritdoc />
    public override bool Equals(CedarValue? other) => other is BoolValue b && b.Value == Value;

    /// <inheritdoc />
    public override int GetHashCode() => Value ? 1 : 2;

    /// <inheritdoc />
    public override string ToString() => Value ? "true" : "false";
}
