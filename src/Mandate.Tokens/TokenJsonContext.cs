using System.Text.Json.Serialization;
using Mandate.Tokens.Keys;

namespace Mandate.Tokens;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(StoredKey[]))]
internal sealed partial class TokenJsonContext : JsonSerializerContext;
