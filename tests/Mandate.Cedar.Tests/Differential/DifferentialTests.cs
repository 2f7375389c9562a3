using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mandate.Cedar.Authorization;
using Mandate.Cedar.Json;
using Mandate.Cedar.Schema;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Validation;
using Xunit.Abstractions;

namespace Mandate.Cedar.Tests.Differential;

/// <summary>
/// Differential testing against the reference implementation: random schemas, entities, policies and requests
/// are decided by Mandate's engine and by <c>@cedar-policy/cedar-wasm</c>, and every decision, set of
/// determining policies and set of erroring policies must agree, as must strict validation of every policy
/// set. CI runs a fixed seed; the long run is
/// <c>MANDATE_DIFF_REQUESTS=100000 MANDATE_DIFF_SEED=1 dotnet test tests/Mandate.Cedar.Tests --filter Differential</c>.
/// </summary>
public sealed class DifferentialTests(ITestOutputHelper output)
{
    private const int RequestsPerWorld = 5;

    [Fact]
    public void RandomPoliciesAndRequests_AgreeWithTheReferenceImplementation()
    {
        var requests = Setting("MANDATE_DIFF_REQUESTS", 3_000);
        var seed = Setting("MANDATE_DIFF_SEED", 20261123);
        var random = new Random(seed);
        var cases = new List<JsonObject>();
        for (var made = 0; made < requests; made += RequestsPerWorld)
        {
            var world = World.Create(random);
            cases.Add(new JsonObject
            {
                ["schema"] = world.SchemaText(),
                ["policies"] = new PolicyGenerator(world).PolicySet(random.Next(1, 7)),
                ["entities"] = world.EntitiesJson(),
                ["requests"] = new JsonArray([.. Enumerable.Range(0, RequestsPerWorld).Select(_ => (JsonNode)world.Request())]),
            });
        }

        var clock = Stopwatch.StartNew();
        var answers = ReferenceOracle.Answer(cases);
        var referenceTime = clock.Elapsed;
        clock.Restart();
        var disagreements = new List<string>();
        var compared = 0;
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < cases.Count && disagreements.Count < 5; i++)
        {
            compared += Compare(cases[i], answers[i], disagreements, counts);
        }

        output.WriteLine($"seed {seed}: {compared} requests and {cases.Count} policy sets compared, {disagreements.Count} disagreements " +
            $"(reference {referenceTime.TotalSeconds:F1} s, Mandate {clock.Elapsed.TotalSeconds:F1} s); " +
            string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}")));
        foreach (var disagreement in disagreements)
        {
            output.WriteLine(disagreement);
        }

        Assert.True(compared >= requests * 9 / 10, $"only {compared} of {requests} requests could be compared");
        Assert.True(disagreements.Count == 0, $"{disagreements.Count} disagreements with cedar-wasm; first: {disagreements.FirstOrDefault()}");
    }

    private static int Compare(JsonObject testCase, JsonObject answer, List<string> disagreements, Dictionary<string, int> counts)
    {
        if (answer["failure"] is { } failure)
        {
            disagreements.Add($"the reference refused the case ({failure}):\n{testCase.ToJsonString()}");
            return 0;
        }

        var policies = CedarParser.ParsePolicySet((string)testCase["policies"]!);
        var schema = CedarSchema.Parse((string)testCase["schema"]!);
        // Cedar 4.13 reports "no applicable action" as a warning; the integration corpus (an earlier 4.x, and the
        // acceptance test for validation) holds it to be an error, as Mandate does. Compare everything else.
        var validation = new PolicyValidator(schema).Validate(policies).Errors;
        var invalid = validation.Where(e => e.Code != ValidationError.InvalidActionApplication)
            .Select(e => e.PolicyId).Distinct().Order(StringComparer.Ordinal).ToList();
        var expectedInvalid = answer["validation"] is JsonArray ids ? ids.Select(i => (string)i!).ToList() : null;
        Count(counts, invalid.Count == 0 ? "valid sets" : "invalid sets");
        if (validation.Any(e => e.Code == ValidationError.InvalidActionApplication))
        {
            Count(counts, "no-applicable-action sets");
        }
        if (expectedInvalid is null || !invalid.SequenceEqual(expectedInvalid))
        {
            disagreements.Add($"validation: reference {answer["validation"]?.ToJsonString()}, Mandate [{string.Join(", ", invalid)}]\n{Describe(testCase)}");
        }

        var entities = CedarJson.ParseEntities(testCase["entities"]!.ToJsonString());
        var requests = testCase["requests"]!.AsArray();
        var responses = answer["responses"]!.AsArray();
        for (var r = 0; r < requests.Count; r++)
        {
            using var requestJson = JsonDocument.Parse(requests[r]!.ToJsonString());
            var response = Authorizer.IsAuthorized(CedarJson.ParseRequest(requestJson.RootElement), policies, entities);
            var expected = responses[r]!.AsObject();
            var decision = response.Decision == Decision.Allow ? "allow" : "deny";
            var reasons = response.Reasons.Order(StringComparer.Ordinal).ToList();
            var errors = response.Errors.Select(e => e.PolicyId).Distinct().Order(StringComparer.Ordinal).ToList();
            Count(counts, decision);
            Count(counts, errors.Count > 0 ? "with errors" : "without errors");
            if (expected["failure"] is not null
                || (string)expected["decision"]! != decision
                || !Strings(expected["reasons"]).SequenceEqual(reasons)
                || !Strings(expected["errors"]).SequenceEqual(errors))
            {
                disagreements.Add($"request {requests[r]!.ToJsonString()}\n  reference {expected.ToJsonString()}\n  Mandate {decision} reasons [{string.Join(", ", reasons)}] " +
                    $"errors [{string.Join("; ", response.Errors.Select(e => $"{e.PolicyId}: {e.Message}"))}]\n{Describe(testCase)}");
            }
        }

        return requests.Count;
    }

    private static List<string> Strings(JsonNode? array) => array is JsonArray items ? [.. items.Select(i => (string)i!)] : [];

    private static void Count(Dictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static string Describe(JsonObject testCase) =>
        $"  schema:\n{testCase["schema"]}\n  policies:\n{testCase["policies"]}\n  entities: {testCase["entities"]!.ToJsonString()}";

    private static int Setting(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
