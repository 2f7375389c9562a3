using System.Security.Cryptography;
using System.Text;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Json;
using Mandate.Cedar.Schema;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Validation;
using Mandate.Core.Errors;
using Mandate.Core.Policies;

namespace Mandate.Authorization;

/// <summary>
/// Policies and entities loaded as one unit: every <c>*.cedar</c> file (policies named after the file, as stored
/// documents are), an optional <c>entities.json</c> in Cedar's entities format and an optional schema (one
/// <c>*.cedarschema</c> file). With a schema, the policies must pass strict validation and the entities must fit it,
/// and entity data is read as the schema directs. Served beside the stored policies and the identity graph.
/// </summary>
/// <param name="Source">Where it came from: a directory, or <c>upload</c>.</param>
/// <param name="Policies">The parsed policies.</param>
/// <param name="Entities">The entities, conformed to the schema when there is one.</param>
/// <param name="Files">The files it was read from, by name, so it can be stored and served again.</param>
/// <param name="Digest">SHA-256 over the files (names and contents, in name order): the bundle's version.</param>
public sealed record PolicyBundle(
    string Source, IReadOnlyList<Policy> Policies, IReadOnlyList<Entity> Entities, IReadOnlyDictionary<string, string> Files, string Digest)
{
    /// <summary>The file holding the bundle's entities.</summary>
    public const string EntitiesFile = "entities.json";

    /// <summary>Reads and checks a bundle directory; nothing is served until the whole bundle is valid.</summary>
    /// <exception cref="PolicyBundleException">Every problem, with file, line and column.</exception>
    public static PolicyBundle Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw MandateException.Invalid("bundle", $"bundle directory `{directory}` does not exist");
        }

        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in System.IO.Directory.GetFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (IsBundleFile(name))
            {
                files[name] = File.ReadAllText(path);
            }
        }

        return Parse(Path.GetFullPath(directory), files);
    }

    /// <summary>Whether a file name is part of a bundle: <c>*.cedar</c>, <c>*.cedarschema</c> or <c>entities.json</c>.</summary>
    public static bool IsBundleFile(string name) =>
        name == EntitiesFile
        || name.EndsWith(".cedar", StringComparison.Ordinal)
        || name.EndsWith(".cedarschema", StringComparison.Ordinal);

    /// <summary>Checks a bundle given as files by name; every problem is reported, not just the first.</summary>
    /// <exception cref="PolicyBundleException">Every problem, with file, line and column.</exception>
    public static PolicyBundle Parse(string source, IReadOnlyDictionary<string, string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var problems = new List<BundleProblem>();
        foreach (var name in files.Keys)
        {
            if (!IsBundleFile(name) || name.Length > 255 || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || name.StartsWith('.'))
            {
                problems.Add(new BundleProblem(name, 0, 0, "not a bundle file: use `NAME.cedar`, one `NAME.cedarschema` and `entities.json`"));
            }
        }

        var policies = ParsePolicies(files, problems);
        var entities = ParseEntities(files, problems);
        var schema = ParseSchema(files, problems);
        if (problems.Count == 0 && schema is not null)
        {
            entities = Check(schema, policies, entities, problems);
        }

        if (problems.Count > 0)
        {
            throw new PolicyBundleException(problems);
        }

        return new PolicyBundle(source, policies, entities, files, DigestOf(files));
    }

    private static List<Policy> ParsePolicies(IReadOnlyDictionary<string, string> files, List<BundleProblem> problems)
    {
        var policies = new List<Policy>();
        var origin = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (!name.EndsWith(".cedar", StringComparison.Ordinal))
            {
                continue;
            }

            var id = name[..^".cedar".Length];
            IReadOnlyList<Policy> parsed;
            try
            {
                parsed = StoredPolicies.Name(id, CedarParser.ParsePolicies(text));
            }
            catch (CedarParseException ex)
            {
                problems.Add(new BundleProblem(name, ex.Line, ex.Column, ex.Reason));
                continue;
            }
            catch (MandateException ex)
            {
                problems.Add(new BundleProblem(name, 0, 0, ex.Message));
                continue;
            }

            foreach (var policy in parsed)
            {
                if (!origin.TryAdd(policy.Id, name))
                {
                    problems.Add(new BundleProblem(name, policy.Location.Line, policy.Location.Column,
                        $"policy id `{policy.Id}` is also given by `{origin[policy.Id]}`"));
                    continue;
                }

                policies.Add(policy);
            }
        }

        return policies;
    }

    private static List<Entity> ParseEntities(IReadOnlyDictionary<string, string> files, List<BundleProblem> problems)
    {
        if (!files.TryGetValue(EntitiesFile, out var text))
        {
            return [];
        }

        try
        {
            return [.. CedarJson.ParseEntities(text).Entities];
        }
        catch (System.Text.Json.JsonException ex)
        {
            problems.Add(new BundleProblem(EntitiesFile, (int)(ex.LineNumber ?? -1) + 1, (int)(ex.BytePositionInLine ?? -1) + 1, "not valid JSON"));
        }
        catch (Exception ex) when (ex is CedarJsonException or ArgumentException)
        {
            problems.Add(new BundleProblem(EntitiesFile, 0, 0, ex.Message));
        }

        return [];
    }

    private static CedarSchema? ParseSchema(IReadOnlyDictionary<string, string> files, List<BundleProblem> problems)
    {
        var schemas = files.Keys.Where(n => n.EndsWith(".cedarschema", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        if (schemas.Count == 0)
        {
            return null;
        }

        if (schemas.Count > 1)
        {
            problems.Add(new BundleProblem(schemas[1], 0, 0, $"a bundle may have one `*.cedarschema` file, found {schemas.Count}"));
            return null;
        }

        try
        {
            return CedarSchema.Parse(files[schemas[0]]);
        }
        catch (SchemaException ex)
        {
            problems.Add(new BundleProblem(schemas[0], ex.Line, ex.Column, ex.Detail));
            return null;
        }
    }

    private static List<Entity> Check(CedarSchema schema, List<Policy> policies, List<Entity> entities, List<BundleProblem> problems)
    {
        var validation = new PolicyValidator(schema).Validate(new PolicySet(policies));
        foreach (var error in validation.Errors)
        {
            problems.Add(new BundleProblem(FileOf(error.PolicyId), error.Location.Line, error.Location.Column, $"policy `{error.PolicyId}`: {error.Message}"));
        }

        var data = new RequestValidator(schema);
        EntityStore conformed;
        try
        {
            conformed = data.Conform(new EntityStore(entities));
        }
        catch (Exception ex) when (ex is CedarJsonException or ArgumentException or SchemaException)
        {
            problems.Add(new BundleProblem(EntitiesFile, 0, 0, ex.Message));
            return entities;
        }

        foreach (var problem in data.Validate(conformed))
        {
            problems.Add(new BundleProblem(EntitiesFile, 0, 0, $"does not fit the schema: {problem}"));
        }

        return [.. conformed.Entities];
    }

    // Policies are named after their file: `name` or `name#2`.
    private static string FileOf(string policyId)
    {
        var hash = policyId.LastIndexOf('#');
        return (hash < 0 ? policyId : policyId[..hash]) + ".cedar";
    }

    private static string DigestOf(IReadOnlyDictionary<string, string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{name.Length}:{name}{Encoding.UTF8.GetByteCount(text)}:"));
            hash.AppendData(Encoding.UTF8.GetBytes(text));
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
