using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Mandate.Cedar.Authorization;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Json;
using Mandate.Cedar.Schema;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Tests.Conformance;
using Mandate.Cedar.Validation;
using Mandate.Cedar.Values;
using Xunit.Abstractions;

namespace Mandate.Cedar.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing of the policy parser, the authorizer, both schema readers, the validator, and the entities
/// and request readers, seeded from the corpus: any input may be refused, but only with the documented error
/// types, and what parses must evaluate and validate without throwing. CI runs a fixed seed; a long run is
/// <c>MANDATE_FUZZ_INPUTS=1000000 MANDATE_FUZZ_SEED=7 dotnet test tests/Mandate.Cedar.Tests --filter MutationFuzz</c>,
/// which also reports the slowest input.
/// </summary>
public sealed class MutationFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Fragments =
    [
        "permit", "forbid", "when", "unless", "principal", "action", "resource", "context", "in", "has", "like", "is", "if", "then",
        "else", "&&", "||", "!", "-", "+", "*", "==", "!=", "<", "<=", ">", ">=", "(", ")", "[", "]", "{", "}", ",", ";", ":", "::", ".",
        "\"", "\\", "\\u{1F600}", "*", "?principal", "@id(\"x\")", "9223372036854775807", "-9223372036854775808", "ip(\"10.0.0.0/8\")",
        "decimal(\"1.2345\")", "datetime(\"2024-01-01\")", "duration(\"1d\")", ".contains(", ".getTag(", "User::\"a\"", "é", "\0", "\n",
        "/*", "//", new string('(', 40), new string('!', 40),
    ];

    // JSON schema seeds (the corpus has Cedar-syntax schemas only): namespaces, common types, shapes, tags,
    // enumerated entities, action groups and appliesTo.
    private static readonly string[] JsonSchemas =
    [
        """
        {"App": {"commonTypes": {"Name": {"type": "String"}, "Ctx": {"type": "Record", "attributes": {"mfa": {"type": "Boolean"}, "ip": {"type": "Extension", "name": "ipaddr"}}}},
          "entityTypes": {"Group": {}, "Color": {"enum": ["red", "blue"]},
            "User": {"memberOfTypes": ["Group"], "tags": {"type": "Long"}, "shape": {"type": "Record", "attributes": {
              "name": {"type": "Name"}, "age": {"type": "Long", "required": false}, "groups": {"type": "Set", "element": {"type": "Entity", "name": "Group"}},
              "boss": {"type": "EntityOrCommon", "name": "User"}, "score": {"type": "Extension", "name": "decimal"}}}}},
          "actions": {"read": {}, "view": {"memberOf": [{"id": "read"}], "appliesTo": {"principalTypes": ["User"], "resourceTypes": ["Group", "User"], "context": {"type": "Ctx"}}}}}}
        """,
        """
        {"": {"entityTypes": {"User": {"shape": {"type": "Record", "attributes": {"when": {"type": "Extension", "name": "datetime"}, "for": {"type": "Extension", "name": "duration"}}}}, "Photo": {"memberOfTypes": ["Album"]}, "Album": {}},
          "actions": {"view": {"appliesTo": {"principalTypes": ["User"], "resourceTypes": ["Photo", "Album"]}}}}}
        """,
    ];

    [Fact]
    public void MutatedInputs_AreRefusedCleanly_OrEvaluated()
    {
        var inputs = Environment.GetEnvironmentVariable("MANDATE_FUZZ_INPUTS") is { } configured
            ? int.Parse(configured, CultureInfo.InvariantCulture)
            : 100_000;
        var random = new Random(Environment.GetEnvironmentVariable("MANDATE_FUZZ_SEED") is { } seed ? int.Parse(seed, CultureInfo.InvariantCulture) : 20261122);
        var (policies, entities, schemas, requests) = LoadSeeds();
        var stores = entities.Select(e => CedarJson.ParseEntities(e)).ToList();
        var parsedSchemas = schemas.Select(CedarSchema.Parse).ToList();
        var request = new Request(EntityUid.Of("User", "alice"), EntityUid.Of("Action", "view"), EntityUid.Of("Photo", "p"), RecordValue.Empty);
        var failures = new List<string>();
        var parsed = 0;
        var requestsDecided = 0;
        var schemasParsed = 0;
        var slowest = (Ticks: 0L, Input: string.Empty);

        for (var i = 0; i < inputs && failures.Count < 10; i++)
        {
            var policyInput = Mutate(policies[random.Next(policies.Count)], random);
            var started = Stopwatch.GetTimestamp();
            try
            {
                var set = CedarParser.ParsePolicySet(policyInput);
                parsed++;
                Authorizer.IsAuthorized(request, set, EntityStore.Empty);
                Authorizer.IsAuthorized(request, set, stores[random.Next(stores.Count)]);
                if (i % 8 == 0)
                {
                    new PolicyValidator(parsedSchemas[random.Next(parsedSchemas.Count)]).Validate(set);
                }
            }
            catch (CedarParseException)
            {
                // A clean refusal.
            }
            catch (Exception ex)
            {
                failures.Add($"policy input {Escape(policyInput)} threw {ex.GetType().Name}: {ex.Message}");
            }

            var elapsed = Stopwatch.GetTimestamp() - started;
            if (elapsed > slowest.Ticks)
            {
                slowest = (elapsed, policyInput);
            }

            if (i % 4 == 0)
            {
                var entityInput = Mutate(entities[random.Next(entities.Count)], random);
                try
                {
                    CedarJson.ParseEntities(entityInput);
                }
                catch (CedarJsonException)
                {
                    // A clean refusal.
                }
                catch (Exception ex)
                {
                    failures.Add($"entities input {Escape(entityInput)} threw {ex.GetType().Name}: {ex.Message}");
                }

                var requestInput = Mutate(requests[random.Next(requests.Count)], random);
                try
                {
                    using var document = JsonDocument.Parse(requestInput);
                    var parsedRequest = CedarJson.ParseRequest(document.RootElement);
                    Authorizer.IsAuthorized(parsedRequest, CedarParser.ParsePolicySet(policies[random.Next(policies.Count)]), stores[random.Next(stores.Count)]);
                    new RequestValidator(parsedSchemas[random.Next(parsedSchemas.Count)]).Validate(parsedRequest);
                    requestsDecided++;
                }
                catch (Exception ex) when (ex is JsonException or CedarJsonException)
                {
                    // A clean refusal.
                }
                catch (Exception ex)
                {
                    failures.Add($"request input {Escape(requestInput)} threw {ex.GetType().Name}: {ex.Message}");
                }

                var json = i % 8 == 0;
                var schemaInput = Mutate(json ? JsonSchemas[random.Next(JsonSchemas.Length)] : schemas[random.Next(schemas.Count)], random);
                try
                {
                    var schema = json ? CedarSchema.ParseJson(schemaInput) : CedarSchema.Parse(schemaInput);
                    schemasParsed++;
                    new PolicyValidator(schema).Validate(CedarParser.ParsePolicySet(policies[random.Next(policies.Count)]));
                }
                catch (SchemaException)
                {
                    // A clean refusal.
                }
                catch (Exception ex)
                {
                    failures.Add($"{(json ? "JSON schema" : "schema")} input {Escape(schemaInput)} threw {ex.GetType().Name}: {ex.Message}");
                }
            }
        }

        output.WriteLine($"fuzz: {inputs} policy inputs ({parsed} parsed and evaluated), {inputs / 4} entity, request ({requestsDecided} decided) and schema ({schemasParsed} parsed and used) inputs each; " +
            $"slowest {Stopwatch.GetElapsedTime(0, slowest.Ticks).TotalMilliseconds:F1} ms for {Escape(slowest.Input)}");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void EntitiesText_WithAnUnpairedSurrogate_IsAJsonError()
    {
        var error = Assert.Throws<CedarJsonException>(() => CedarJson.ParseEntities("[{\"uid\":{\"type\":\"A\",\"id\":\"\ud800\"}}]"));
        Assert.Contains("surrogate", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"principal": {"type": "User", "id": "\udc00"}, "action": {"type": "Action", "id": "a"}, "resource": {"type": "R", "id": "r"}}""")]
    [InlineData("""{"principal": {"type": "User", "id": "a"}, "action": {"type": "Action", "id": "a"}, "resource": {"type": "R", "id": "r"}, "context": {"\ud800": 1}}""")]
    public void RequestJson_EscapingAnUnpairedSurrogate_IsAJsonError(string json)
    {
        using var document = JsonDocument.Parse(json);

        var error = Assert.Throws<CedarJsonException>(() => CedarJson.ParseRequest(document.RootElement));

        Assert.Contains("surrogate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonSchema_EscapingAnUnpairedSurrogate_IsASchemaError()
    {
        var error = Assert.Throws<SchemaException>(() => CedarSchema.ParseJson("""{"": {"entityTypes": {"\udc00": {}}, "actions": {}}}"""));

        Assert.Contains("surrogate", error.Message, StringComparison.Ordinal);
    }

    private static string Mutate(string seed, Random random)
    {
        var text = new StringBuilder(seed);
        // Half the inputs get a single edit, so more of them survive parsing and reach the evaluator and validator.
        for (var step = random.Next(2) == 0 ? 1 : random.Next(2, 5); step > 0; step--)
        {
            var at = text.Length == 0 ? 0 : random.Next(text.Length);
            switch (random.Next(6))
            {
                case 0 when text.Length > 0:
                    text.Remove(at, Math.Min(random.Next(1, 12), text.Length - at));
                    break;
                case 1:
                    text.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 2 when text.Length > 0:
                    var length = Math.Min(random.Next(1, 30), text.Length - at);
                    text.Insert(random.Next(text.Length), text.ToString(at, length));
                    break;
                case 3 when text.Length > 0:
                    text[at] = (char)random.Next(0x20, 0x7f);
                    break;
                case 4:
                    text.Length = text.Length == 0 ? 0 : random.Next(text.Length);
                    break;
                default:
                    text.Insert(at, (char)random.Next(0, 0xD7FF));
                    break;
            }
        }

        return text.ToString();
    }

    private static (List<string> Policies, List<string> Entities, List<string> Schemas, List<string> Requests) LoadSeeds()
    {
        var policies = new List<string>();
        var entities = new List<string>();
        var schemas = new List<string>();
        var requests = new List<string>();
        using var archive = File.OpenRead(Path.Combine(ConformanceData.CedarFolder, "corpus-tests.tar.gz"));
        using var gzip = new GZipStream(archive, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry && (policies.Count < 400 || entities.Count < 100 || schemas.Count < 100 || requests.Count < 200))
        {
            if (entry.DataStream is null)
            {
                continue;
            }

            using var reader = new StreamReader(entry.DataStream);
            if (entry.Name.EndsWith(".cedar", StringComparison.Ordinal) && policies.Count < 400)
            {
                policies.Add(reader.ReadToEnd());
            }
            else if (entry.Name.EndsWith(".entities.json", StringComparison.Ordinal) && entities.Count < 100)
            {
                entities.Add(reader.ReadToEnd());
            }
            else if (entry.Name.EndsWith(".cedarschema", StringComparison.Ordinal) && schemas.Count < 100)
            {
                schemas.Add(reader.ReadToEnd());
            }
            else if (entry.Name.EndsWith(".json", StringComparison.Ordinal) && requests.Count < 200)
            {
                // A test file: its requests, each without the expected outcome.
                using var test = JsonDocument.Parse(reader.ReadToEnd());
                foreach (var item in test.RootElement.GetProperty("requests").EnumerateArray())
                {
                    requests.Add(JsonSerializer.Serialize(new
                    {
                        principal = item.GetProperty("principal"),
                        action = item.GetProperty("action"),
                        resource = item.GetProperty("resource"),
                        context = item.GetProperty("context"),
                    }));
                }
            }
        }

        return (policies, entities, schemas, requests);
    }

    private static string Escape(string input) =>
        "`" + (input.Length > 300 ? input[..300] + "..." : input).Replace("\n", "\\n", StringComparison.Ordinal) + "`";
}
