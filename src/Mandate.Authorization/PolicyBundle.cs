using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Json;
using Mandate.Cedar.Schema;
using Mandate.Cedar.Validation;
using Mandate.Core.Errors;
using Mandate.Core.Policies;

namespace Mandate.Authorization;

/// <summary>
/// Policies and entities loaded from a directory: every <c>*.cedar</c> file (policies named after the file, as
/// stored documents are), an optional <c>entities.json</c> in Cedar's entities format and an optional schema
/// (one <c>*.cedarschema</c> file). With a schema, the policies must pass strict validation and the entities
/// must fit it, and entity data is read as the schema directs. Served beside the stored policies and the
/// identity graph.
/// </summary>
public sealed record PolicyBundle(string Directory, IReadOnlyList<Policy> Policies, IReadOnlyList<Entity> Entities)
{
    /// <summary>The file holding the bundle's entities.</summary>
    public const string EntitiesFile = "entities.json";

    /// <summary>Reads and checks a bundle; nothing is served until the whole bundle parses.</summary>
    /// <exception cref="MandateException"><c>invalid_argument</c> naming the file and position of the first problem.</exception>
    public static PolicyBundle Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw MandateException.Invalid("bundle", $"bundle directory `{directory}` does not exist");
        }

        var policies = new List<Policy>();
        foreach (var file in System.IO.Directory.GetFiles(directory, "*.cedar").Order(StringComparer.Ordinal))
        {
            policies.AddRange(StoredPolicies.Parse(Path.GetFileNameWithoutExtension(file), File.ReadAllText(file)));
        }

        var duplicate = policies.GroupBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw MandateException.Invalid("bundle", $"policy id `{duplicate.Key}` appears twice in the bundle");
        }

        var entities = new List<Entity>();
        var entitiesPath = Path.Combine(directory, EntitiesFile);
        if (File.Exists(entitiesPath))
        {
            try
            {
                entities.AddRange(CedarJson.ParseEntities(File.ReadAllText(entitiesPath)).Entities);
            }
            catch (Exception ex) when (ex is CedarJsonException or ArgumentException)
            {
                throw MandateException.Invalid("bundle", $"`{EntitiesFile}`: {ex.Message}");
            }
        }

        if (LoadSchema(directory) is { } schema)
        {
            entities = [.. Check(schema, policies, entities)];
        }

        return new PolicyBundle(Path.GetFullPath(directory), policies, entities);
    }

    private static CedarSchema? LoadSchema(string directory)
    {
        var files = System.IO.Directory.GetFiles(directory, "*.cedarschema");
        if (files.Length == 0)
        {
            return null;
        }

        if (files.Length > 1)
        {
            throw MandateException.Invalid("bundle", "a bundle may have one `*.cedarschema` file, found " + files.Length);
        }

        try
        {
            return CedarSchema.Parse(File.ReadAllText(files[0]));
        }
        catch (SchemaException ex)
        {
            throw MandateException.Invalid("bundle", $"`{Path.GetFileName(files[0])}` ({ex.Line}:{ex.Column}): {ex.Detail}");
        }
    }

    private static IEnumerable<Entity> Check(CedarSchema schema, List<Policy> policies, List<Entity> entities)
    {
        var validation = new PolicyValidator(schema).Validate(new PolicySet(policies));
        if (!validation.IsValid)
        {
            throw MandateException.Invalid(
                "bundle",
                $"{validation.Errors.Count} policy validation error(s) against the schema; first: {validation.Errors[0]}");
        }

        var data = new RequestValidator(schema);
        var conformed = data.Conform(new EntityStore(entities));
        var problems = data.Validate(conformed);
        return problems.Count == 0
            ? conformed.Entities
            : throw MandateException.Invalid("bundle", $"`{EntitiesFile}` does not fit the schema: {problems[0]}");
    }
}
