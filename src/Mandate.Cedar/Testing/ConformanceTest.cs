using System.Text.Json;

namespace Mandate.Cedar.Testing;

/// <summary>
/// One integration test file: the policies, entities and schema it names (paths as written in the file),
/// whether the policies should validate, and its requests.
/// </summary>
public sealed record ConformanceTest(
    string Name,
    string PoliciesPath,
    string EntitiesPath,
    string? SchemaPath,
    bool ShouldValidate,
    IReadOnlyList<ConformanceRequest> Requests)
{
    /// <summary>Reads a test file's JSON; returns null for JSON that is not a test (an object naming policies).</summary>
    public static ConformanceTest? TryParse(string name, string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("policies", out _))
        {
            return null;
        }

        var requests = new List<ConformanceRequest>();
        if (root.TryGetProperty("requests", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var request in array.EnumerateArray())
            {
                requests.Add(ConformanceRequest.Parse(index++, request));
            }
        }

        return new ConformanceTest(
            name,
            StringProperty(root, "policies") ?? throw new FormatException($"test `{name}` names no policies file as a string"),
            StringProperty(root, "entities") ?? throw new FormatException($"test `{name}` names no entities file"),
            StringProperty(root, "schema"),
            root.TryGetProperty("shouldValidate", out var validate) && validate.ValueKind == JsonValueKind.True,
            requests);
    }

    internal static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
