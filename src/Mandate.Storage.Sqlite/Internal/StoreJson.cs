using System.Text.Json;

namespace Mandate.Storage.Sqlite.Internal;

/// <summary>JSON columns (labels, chains, credential material).</summary>
internal static class StoreJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidDataException("stored json is null");
}
