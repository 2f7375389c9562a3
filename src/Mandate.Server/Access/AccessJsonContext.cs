using System.Text.Json.Serialization;

namespace Mandate.Server.Access;

/// <summary>
/// Source-generated serialization of the AuthZEN contracts, first in the server's resolver chain: the decision path
/// writes answers without reflection, and the OpenAPI document describes the requests from these contracts (the
/// evaluation bodies themselves are read by <see cref="AuthZenReader"/>). Naming and strictness come from
/// <c>ApiJson</c>'s options.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EvaluationRequest))]
[JsonSerializable(typeof(EvaluationsRequest))]
[JsonSerializable(typeof(EvaluationResponse))]
[JsonSerializable(typeof(EvaluationsResponse))]
[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(SearchResponse<FoundEntity>))]
[JsonSerializable(typeof(SearchResponse<FoundAction>))]
internal sealed partial class AccessJsonContext : JsonSerializerContext;
