using Mandate.Cedar.Testing;
using Xunit.Abstractions;

namespace Mandate.Cedar.Tests.Conformance;

/// <summary>
/// Runs the Cedar integration corpus and the hand-written tests and holds the engine to the reference
/// decisions, reasons and errors. Known failures are ratcheted in <c>known-failures.txt</c>: a new failure
/// fails the test, and so does a listed case that now passes, so the list can only shrink.
/// </summary>
public sealed class CorpusConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void Corpus_and_hand_written_tests_match_the_reference_implementation()
    {
        var folder = ConformanceData.CedarFolder;
        var result = new CorpusRunner().Run([Path.Combine(folder, "corpus-tests.tar.gz"), Path.Combine(folder, "tests")]);
        var known = KnownFailures.Load();

        var failures = result.Failures.ToDictionary(f => Key(folder, f), f => f);
        var newFailures = failures.Keys.Where(k => !known.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var fixedCases = known.Keys.Where(k => !failures.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();

        output.WriteLine($"cedar conformance: {result.Summary} ({known.Count} known failures listed)");
        foreach (var key in newFailures.Take(50))
        {
            output.WriteLine($"NEW FAILURE {key}: {string.Join(" | ", failures[key].Differences)}");
        }

        foreach (var key in fixedCases.Take(50))
        {
            output.WriteLine($"NOW PASSING (remove from known-failures.txt) {key}");
        }

        Assert.True(result.Passed > 50_000, $"expected the whole corpus to run, only {result.Passed} requests passed");
        Assert.True(newFailures.Count == 0, $"{newFailures.Count} new conformance failures, first: {newFailures.FirstOrDefault()}");
        Assert.True(fixedCases.Count == 0, $"{fixedCases.Count} listed failures now pass: remove them from known-failures.txt");
    }

    private static string Key(string folder, RequestOutcome outcome)
    {
        var name = outcome.TestName.StartsWith(folder, StringComparison.Ordinal)
            ? outcome.TestName[(folder.Length + 1)..]
            : outcome.TestName;
        return $"{name}#{outcome.RequestIndex}";
    }
}
