using System.Text.Json;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Authorization;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Json;
using Mandate.Cedar.Schema;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Validation;

namespace Mandate.Cedar.Testing;

/// <summary>
/// Runs Cedar integration tests (the <c>cedar-integration-tests</c> format) from test files, folders of them or
/// <c>.tar.gz</c> archives, and reports every request whose decision, reasons or errors differ from the
/// expected ones.
/// </summary>
public sealed class CorpusRunner
{
    /// <summary>
    /// Whether to validate each test's policies against its schema and compare with <c>shouldValidate</c>
    /// (on by default).
    /// </summary>
    public bool CheckValidation { get; init; } = true;

    /// <summary>Runs every test found under the given paths (files, folders or <c>.tar.gz</c> archives).</summary>
    public CorpusResult Run(IEnumerable<string> paths)
    {
        var outcomes = new List<RequestOutcome>();
        foreach (var path in paths)
        {
            var source = path.EndsWith(".tar.gz", StringComparison.Ordinal) || path.EndsWith(".tgz", StringComparison.Ordinal)
                ? TestFileSource.FromArchive(path)
                : TestFileSource.FromFileSystem();
            foreach (var testFile in source.TestFiles(path))
            {
                outcomes.AddRange(RunTest(source, testFile));
            }
        }

        return new CorpusResult(outcomes);
    }

    private List<RequestOutcome> RunTest(TestFileSource source, string testFile)
    {
        ConformanceTest? test;
        PolicySet policies;
        EntityStore entities;
        try
        {
            test = ConformanceTest.TryParse(testFile, source.Read(testFile));
        }
        catch (Exception error) when (error is JsonException or FormatException or IOException)
        {
            return [new RequestOutcome(testFile, -1, "load test", [$"cannot read the test: {error.Message}"])];
        }

        if (test is null)
        {
            return [];
        }

        try
        {
            policies = CedarParser.ParsePolicySet(source.Read(source.Resolve(testFile, test.PoliciesPath)));
            entities = CedarJson.ParseEntities(source.Read(source.Resolve(testFile, test.EntitiesPath)), JsonOptions(test));
        }
        catch (Exception error) when (error is CedarParseException or CedarJsonException or IOException)
        {
            return [.. test.Requests.Select(r => new RequestOutcome(testFile, r.Index, r.Description, [$"cannot load the test input: {error.Message}"]))];
        }

        var outcomes = new List<RequestOutcome>(test.Requests.Count + 1);
        RequestValidator? requestValidator = null;
        if (CheckValidation && test.SchemaPath is not null)
        {
            var (outcome, schema) = Validate(source, testFile, test, policies);
            outcomes.Add(outcome);
            requestValidator = schema is null ? null : new RequestValidator(schema);
            entities = requestValidator?.Conform(entities) ?? entities;
        }

        foreach (var request in test.Requests)
        {
            outcomes.Add(new RequestOutcome(testFile, request.Index, request.Description, Compare(request, policies, entities, JsonOptions(test), requestValidator)));
        }

        return outcomes;
    }

    private static (RequestOutcome Outcome, CedarSchema? Schema) Validate(TestFileSource source, string testFile, ConformanceTest test, PolicySet policies)
    {
        var schemaPath = source.Resolve(testFile, test.SchemaPath!);
        CedarSchema schema;
        try
        {
            var text = source.Read(schemaPath);
            schema = schemaPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? CedarSchema.ParseJson(text) : CedarSchema.Parse(text);
        }
        catch (Exception error) when (error is SchemaException or IOException)
        {
            return (new RequestOutcome(testFile, -1, "validation", [$"cannot load the schema: {error.Message}"]), null);
        }

        var errors = new PolicyValidator(schema).Validate(policies).Errors;
        var validated = errors.Count == 0;
        var outcome = new RequestOutcome(
            testFile,
            -1,
            "validation",
            validated == test.ShouldValidate
                ? []
                : [test.ShouldValidate ? $"expected the policies to validate, got: {string.Join("; ", errors)}" : "expected validation errors, got none"]);
        return (outcome, schema);
    }

    // Data written for a schema may use the implicit entity reference form; without a schema-directed reader,
    // accept it whenever the test names a schema.
    private static CedarJsonOptions JsonOptions(ConformanceTest test) =>
        test.SchemaPath is null ? CedarJsonOptions.Default : SchemaDataOptions;

    private static readonly CedarJsonOptions SchemaDataOptions = new() { ImplicitEntityReferences = true };

    private static List<string> Compare(ConformanceRequest expected, PolicySet policies, EntityStore entities, CedarJsonOptions options, RequestValidator? validator)
    {
        AuthorizationResponse response;
        var differences = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(expected.Json);
            var request = CedarJson.ParseRequest(document.RootElement, options);
            if (validator is not null)
            {
                request = validator.Conform(request);
                var problems = validator.Validate(request);
                if ((problems.Count == 0) != expected.ValidateRequest)
                {
                    differences.Add(expected.ValidateRequest
                        ? $"expected the request to fit the schema, got: {string.Join("; ", problems)}"
                        : "expected the request not to fit the schema, but it does");
                }
            }

            response = Authorizer.IsAuthorized(request, policies, entities);
        }
        catch (CedarJsonException error)
        {
            return [$"cannot read the request: {error.Message}"];
        }

        var decision = response.Decision == Decision.Allow ? "allow" : "deny";
        if (!string.Equals(decision, expected.ExpectedDecision, StringComparison.OrdinalIgnoreCase))
        {
            differences.Add($"decision: expected {expected.ExpectedDecision}, got {decision}");
        }

        CompareSets("reasons", expected.ExpectedReasons, response.Reasons, differences);
        CompareSets("errors", expected.ExpectedErrors, [.. response.Errors.Select(e => e.PolicyId)], differences);
        if (differences.Count > 0 && response.Errors.Count > 0)
        {
            differences.Add("error messages: " + string.Join("; ", response.Errors.Select(e => $"{e.PolicyId}: {e.Message}")));
        }

        return differences;
    }

    private static void CompareSets(string what, IReadOnlyList<string> expected, IReadOnlyList<string> actual, List<string> differences)
    {
        var wanted = expected.Order(StringComparer.Ordinal).Distinct().ToList();
        var got = actual.Order(StringComparer.Ordinal).Distinct().ToList();
        if (!wanted.SequenceEqual(got))
        {
            differences.Add($"{what}: expected [{string.Join(", ", wanted)}], got [{string.Join(", ", got)}]");
        }
    }
}
