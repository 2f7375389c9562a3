namespace Mandate.Cedar.Schema;

/// <summary>A schema could not be parsed or is not well formed.</summary>
public sealed class SchemaException : Exception
{
    /// <summary>Creates an error with a stable code, a message and, when known, a position.</summary>
    /// <param name="code">A stable error code such as <c>schema.syntax</c>.</param>
    /// <param name="message">What is wrong, lowercase, without a final period.</param>
    /// <param name="line">The 1-based line of the offending text, or 0 when unknown.</param>
    /// <param name="column">The 1-based column of the offending text, or 0 when unknown.</param>
    public SchemaException(string code, string message, int line = 0, int column = 0)
        : base(line > 0 ? $"{message} at line {line}, column {column}" : message)
    {
        Code = code;
        Detail = message;
        Line = line;
        Column = column;
    }

    /// <summary>A stable error code, such as <c>schema.syntax</c> or <c>schema.undeclared-type</c>.</summary>
    public string Code { get; }

    /// <summary>The message without the position.</summary>
    public string Detail { get; }

    /// <summary>The 1-based line of the offending text, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>The 1-based column of the offending text, or 0 when unknown.</summary>
    public int Column { get; }
}
