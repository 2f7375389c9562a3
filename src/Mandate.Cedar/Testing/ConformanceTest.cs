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

/// <summary>
/// One request of a test with its expected outcome. The request itself is kept as JSON
/// (<see cref="Json"/>) so it is parsed by the same code as any other Cedar request.
/// </summary>
public sealed record ConformanceRequest(
    int Index,
    string Description,
    string Json,
    bool ValidateRequest,
    string ExpectedDecision,
    IReadOnlyList<string> ExpectedReasons,
    IReadOnlyList<string> ExpectedErrors)
{
    internal static ConformanceRequest Parse(int index, JsonElement element) => new(
        index,
        ConformanceTest.StringProperty(element, "description") ?? $"request {index}",
        element.GetRawText(),
        !element.TryGetProperty("validateRequest", out var validate) || validate.ValueKind != JsonValueKind.False,
        ConformanceTest.StringProperty(element, "decision") ?? "deny",
        Strings(element, "reason"),
        Strings(element, "errors"));

    private static List<string> Strings(JsonElement element, string name)
    {
        var result = new List<string>();
        if (element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in array.EnumerateArray())
            {
                // Older test files give errors as objects naming the policy.
                result.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : ConformanceTest.StringProperty(item, "policyId") ?? item.GetRawText());
            }
        }

        return result;
    }
}
