using System.Text.Json;

namespace Mandate.Cedar.Testing;

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
