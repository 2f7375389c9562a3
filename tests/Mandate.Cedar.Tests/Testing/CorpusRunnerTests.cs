using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Mandate.Cedar.Testing;

namespace Mandate.Cedar.Tests.Testing;

public sealed class CorpusRunnerTests : IDisposable
{
    private const string Test = """
        {
          "policies": "cases/p.cedar", "entities": "cases/e.json", "schema": "cases/s.cedarschema", "shouldValidate": true,
          "requests": [
            {"description": "allowed", "principal": {"type": "User", "id": "a"}, "action": {"type": "Action", "id": "v"},
             "resource": {"type": "R", "id": "r"}, "context": {}, "validateRequest": true, "decision": "allow", "reason": ["policy0"], "errors": []},
            {"description": "wrongly expected", "principal": {"type": "User", "id": "b"}, "action": {"type": "Action", "id": "v"},
             "resource": {"type": "R", "id": "r"}, "context": {}, "validateRequest": true, "decision": "allow", "reason": ["policy0"], "errors": []}
          ]
        }
        """;

    private static readonly Dictionary<string, string> Files = new()
    {
        ["cases/t.json"] = Test,
        ["cases/p.cedar"] = """permit(principal == User::"a", action, resource);""",
        ["cases/e.json"] = "[]",
        ["cases/s.cedarschema"] = "entity User; entity R; action v appliesTo { principal: [User], resource: [R] };",
    };

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mandate-cedar-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Run_Folder_ReportsEachRequest()
    {
        WriteFolder();

        var result = new CorpusRunner().Run([_folder]);

        Assert.Equal("2 passed, 1 failed", result.Summary);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(1, failure.RequestIndex);
        Assert.Contains("decision: expected allow, got deny", failure.Differences);
    }

    [Fact]
    public void Run_Archive_ReadsTheTestsInMemory()
    {
        Directory.CreateDirectory(_folder);
        var archive = Path.Combine(_folder, "tests.tar.gz");
        using (var file = File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var writer = new TarWriter(gzip))
        {
            foreach (var (name, text) in Files)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
            }
        }

        var result = new CorpusRunner().Run([archive]);

        Assert.Equal(3, result.Outcomes.Count);
        Assert.Equal("cases/t.json#1", Assert.Single(result.Failures).Key);
    }

    [Fact]
    public void Run_PoliciesThatValidateAgainstShouldValidateFalse_FailsTheValidationOutcome()
    {
        WriteFolder();
        File.WriteAllText(Path.Combine(_folder, "cases", "t.json"), Test.Replace("\"shouldValidate\": true", "\"shouldValidate\": false", StringComparison.Ordinal));

        var result = new CorpusRunner().Run([_folder]);

        var validation = Assert.Single(result.Failures, f => f.RequestIndex == -1);
        Assert.Equal("expected validation errors, got none", validation.Differences[0]);
    }

    [Fact]
    public void Run_PolicyNamingAnUndeclaredType_FailsValidationWithTheReason()
    {
        WriteFolder();
        File.WriteAllText(Path.Combine(_folder, "cases", "p.cedar"), """permit(principal == Usr::"a", action, resource);""");

        var result = new CorpusRunner().Run([_folder]);

        var validation = Assert.Single(result.Failures, f => f.RequestIndex == -1);
        Assert.Contains("entity type Usr is not declared by the schema", validation.Differences[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Run_RequestOutsideTheSchema_IsReportedWhenValidateRequestIsTrue()
    {
        WriteFolder();
        File.WriteAllText(Path.Combine(_folder, "cases", "t.json"), Test.Replace("\"type\": \"R\"", "\"type\": \"User\"", StringComparison.Ordinal));

        var result = new CorpusRunner().Run([_folder]);

        Assert.All(result.Failures.Where(f => f.RequestIndex >= 0), f => Assert.Contains(f.Differences, d => d.Contains("resource type User is not allowed", StringComparison.Ordinal)));
        Assert.Equal(2, result.Failures.Count(f => f.RequestIndex >= 0));
    }

    [Fact]
    public void Run_WithValidationOff_SkipsShouldValidate()
    {
        WriteFolder();
        File.WriteAllText(Path.Combine(_folder, "cases", "p.cedar"), """permit(principal == Usr::"a", action, resource);""");

        var result = new CorpusRunner { CheckValidation = false }.Run([_folder]);

        Assert.DoesNotContain(result.Outcomes, o => o.RequestIndex == -1);
    }

    [Fact]
    public void Run_UnparsablePolicies_FailsEveryRequestWithTheReason()
    {
        WriteFolder();
        File.WriteAllText(Path.Combine(_folder, "cases", "p.cedar"), "permit(");

        var result = new CorpusRunner().Run([_folder]);

        Assert.Equal(2, result.Failed);
        Assert.All(result.Failures, f => Assert.Contains("cannot load the test input", f.Differences[0], StringComparison.Ordinal));
    }

    private void WriteFolder()
    {
        foreach (var (name, text) in Files)
        {
            var path = Path.Combine(_folder, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
    }
}
