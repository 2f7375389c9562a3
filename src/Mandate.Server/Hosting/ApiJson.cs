using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Mandate.Core.Credentials;

namespace Mandate.Server.Hosting;

/// <summary>The wire conventions of every Mandate JSON API: snake_case members and enum values, strict enums; shared with the CLI and SDK.</summary>
public static class ApiJson
{
    /// <summary>Applies the conventions to <paramref name="options"/>.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        options.MaxDepth = 32;
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(WithoutKeyHashes);
    }

    // An API key is stored as a hash of it, which checks a presented key; an answer names the key by its prefix and never
    // carries the hash (the store writes it with its own options).
    private static void WithoutKeyHashes(JsonTypeInfo type)
    {
        if (type.Type != typeof(ApiKeyMaterial))
        {
            return;
        }

        foreach (var property in type.Properties)
        {
            if (property.Name == "hash")
            {
                property.ShouldSerialize = static (_, _) => false;
            }
        }
    }

    /// <summary>Read-only options with the conventions applied.</summary>
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
