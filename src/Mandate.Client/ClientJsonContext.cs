using System.Text.Json.Serialization;
using Mandate.Client.Decisions;
using Mandate.Client.Tokens;

namespace Mandate.Client;

/// <summary>An RFC 6749 token response (or error).</summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("error_description")] string? ErrorDescription);

/// <summary>Source-generated serialization for everything the SDK sends and reads: no reflection on the request path.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IssuerMetadata))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(AccessEvaluationRequest))]
[JsonSerializable(typeof(AccessEvaluationResponse))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
