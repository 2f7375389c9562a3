using System.Text.Json;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Authorization;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Json;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Values;
using Xunit.Abstractions;

namespace Mandate.Cedar.Tests.Conformance;

/// <summary>
/// Edge cases the corpus does not reach (reserved words, unary chains, literal limits, extension-function
/// corners, error propagation), with the outcomes the reference implementation (cedar-wasm 4.13) gave for
/// them: a parse error, or the decision, reasons and erroring policies for `User::"alice"` viewing
/// `Photo::"p1"` over the entities in reference-entities.json.
/// </summary>
public sealed class ReferenceCaseTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_reference_case_matches()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Conformance");
        var entities = CedarJson.ParseEntities(File.ReadAllText(Path.Combine(folder, "reference-entities.json")));
        using var cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "reference-cases.json")));
        var failures = new List<string>();
        var count = 0;
        foreach (var item in cases.RootElement.EnumerateArray())
        {
            count++;
            var policies = item.GetProperty("policies").GetString()!;
            var expected = Describe(item.GetProperty("expected"));
            var actual = Run(policies, item.TryGetProperty("context", out var context) ? CedarJson.ParseContext(context) : RecordValue.Empty, entities);
            if (expected != actual)
            {
                failures.Add($"{policies}\n  expected {expected}\n  actual   {actual}");
            }
        }

        output.WriteLine($"reference cases: {count - failures.Count} passed, {failures.Count} failed");
        failures.ForEach(output.WriteLine);
        Assert.True(count > 400, "the reference cases did not load");
        Assert.Empty(failures);
    }

    private static string Run(string policies, RecordValue context, Entities.EntityStore entities)
    {
        PolicySet set;
        try
        {
            set = CedarParser.ParsePolicySet(policies);
        }
        catch (CedarParseException)
        {
            return "parse error";
        }

        var request = new Request(EntityUid.Of("User", "alice"), EntityUid.Of("Action", "view"), EntityUid.Of("Photo", "p1"), context);
        var response = Authorizer.IsAuthorized(request, set, entities);
        return Format(response.Decision == Decision.Allow ? "allow" : "deny", response.Reasons, response.Errors.Select(e => e.PolicyId));
    }

    private static string Describe(JsonElement expected) =>
        expected.TryGetProperty("parse", out _)
            ? "parse error"
            : Format(
                expected.GetProperty("decision").GetString()!,
                expected.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!),
                expected.GetProperty("errors").EnumerateArray().Select(r => r.GetString()!));

    private static string Format(string decision, IEnumerable<string> reasons, IEnumerable<string> errors) =>
        $"{decision} reasons=[{string.Join(",", reasons.Order(StringComparer.Ordinal))}] errors=[{string.Join(",", errors.Order(StringComparer.Ordinal))}]";
}
