namespace Mandate.Cedar.Syntax;

/// <summary>A position in Cedar source text: 1-based line and column, 0-based character offset.</summary>
public readonly record struct SourceLocation(int Line, int Column, int Offset)
{
    /// <summary>The location of the first character.</summary>
    public static SourceLocation Start { get; } = new(1, 1, 0);

    /// <inheritdoc />
    public override string ToString() => $"{Line}:{Column}";
}
