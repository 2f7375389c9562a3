namespace Mandate.Cedar.Syntax;

/// <summary>Cedar text could not be parsed; <see cref="Location"/> tells where.</summary>
public sealed class CedarParseException : Exception
{
    /// <summary>Creates the error with a lowercase message and the location it refers to.</summary>
    public CedarParseException(string message, SourceLocation location)
        : base($"{message} at line {location.Line}, column {location.Column}")
    {
        Reason = message;
        Location = location;
    }

    /// <summary>The message without the location suffix.</summary>
    public string Reason { get; }

    /// <summary>Where the problem was found.</summary>
    public SourceLocation Location { get; }

    /// <summary>1-based line of the problem.</summary>
    public int Line => Location.Line;

    /// <summary>1-based column of the problem.</summary>
    public int Column => Location.Column;
}
