namespace Mandate.Tokens.Registration;

/// <summary>The answer to a registration request: the RFC 7591 response, or an error and its HTTP status.</summary>
/// <param name="Status">201, 400 or 401.</param>
/// <param name="Body">The client information response, or <c>error</c> and <c>error_description</c>.</param>
public sealed record RegistrationResult(int Status, IReadOnlyDictionary<string, object> Body)
{
    internal static RegistrationResult Registered(IReadOnlyDictionary<string, object> body) => new(201, body);

    internal static RegistrationResult Refused(string error, string description) =>
        new(400, new Dictionary<string, object> { ["error"] = error, ["error_description"] = description });

    internal static RegistrationResult Unauthorized(string description) =>
        new(401, new Dictionary<string, object> { ["error"] = "invalid_token", ["error_description"] = description });
}

/// <summary>Client metadata the server cannot accept, with its RFC 7591 error code.</summary>
internal sealed class RegistrationException(string error, string message) : Exception(message)
{
    public string Error { get; } = error;
}
