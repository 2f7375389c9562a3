using Mandate.Cedar.Schema;

namespace Mandate.Cedar.Tests.Schema;

public sealed class CedarSchemaCorpusTests
{
    [Fact]
    public void Every_schema_in_the_conformance_data_parses()
    {
        var schemas = CorpusFiles.WithSuffix(".cedarschema").ToList();
        Assert.True(schemas.Count > 6000, $"expected the whole corpus, found {schemas.Count} schemas");
        var failures = new List<string>();
        foreach (var (path, text) in schemas)
        {
            try
            {
                var schema = CedarSchema.Parse(text);
                Assert.NotEmpty(schema.Actions);
            }
            catch (SchemaException e)
            {
                failures.Add($"{path}: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
    }
}
