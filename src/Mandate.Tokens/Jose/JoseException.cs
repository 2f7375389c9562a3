namespace Mandate.Tokens.Jose;

/// <summary>A key or token that is malformed or fails a check; the message says which.</summary>
public sealed class JoseException(string message) : Exception(message);
