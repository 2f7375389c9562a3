using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Mandate.Cedar.Authorization;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Json;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Tests.Conformance;
using Mandate.Cedar.Values;
using Xunit.Abstractions;

namespace Mandate.Cedar.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing of the policy parser, the authorizer and the entities reader, seeded from the corpus: any
/// input may be refused, but only with the documented error types, and a parsed policy set must evaluate
/// without throwing. CI runs a fixed seed; a long run is
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

    [Fact]
    public void MutatedInputs_AreRefusedCleanly_OrEvaluated()
    {
        var inputs = Environment.GetEnvironmentVariable("MANDATE_FUZZ_INPUTS") is { } configured
            ? int.Parse(configured, CultureInfo.InvariantCulture)
            : 20_000;
        var random = new Random(Environment.GetEnvironmentVariable("MANDATE_FUZZ_SEED") is { } seed ? int.Parse(seed, CultureInfo.InvariantCulture) : 20261122);
        var (policies, entities) = LoadSeeds();
        var request = new Request(EntityUid.Of("User", "alice"), EntityUid.Of("Action", "view"), EntityUid.Of("Photo", "p"), RecordValue.Empty);
        var failures = new List<string>();
        var parsed = 0;
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
            }
        }

        output.WriteLine($"fuzz: {inputs} policy inputs ({parsed} parsed and evaluated), {inputs / 4} entity inputs; " +
            $"slowest {Stopwatch.GetElapsedTime(0, slowest.Ticks).TotalMilliseconds:F1} ms for {Escape(slowest.Input)}");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void EntitiesText_WithAnUnpairedSurrogate_IsAJsonError()
    {
        var error = Assert.Throws<CedarJsonException>(() => CedarJson.ParseEntities("[{\"uid\":{\"type\":\"A\",\"id\":\"\ud800\"}}]"));
        Assert.Contains("surrogate", error.Message, StringComparison.Ordinal);
    }

    private static string Mutate(string seed, Random random)
    {
        var text = new StringBuilder(seed);
        for (var step = random.Next(1, 5); step > 0; step--)
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

    private static (List<string> Policies, List<string> Entities) LoadSeeds()
    {
        var policies = new List<string>();
        var entities = new List<string>();
        using var archive = File.OpenRead(Path.Combine(ConformanceData.CedarFolder, "corpus-tests.tar.gz"));
        using var gzip = new GZipStream(archive, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry && (policies.Count < 400 || entities.Count < 100))
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
        }

        return (policies, entities);
    }

    private static string Escape(string input) =>
        "`" + (input.Length > 300 ? input[..300] + "..." : input).Replace("\n", "\\n", StringComparison.Ordinal) + "`";
}
