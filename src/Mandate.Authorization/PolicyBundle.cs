using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Json;
using Mandate.Core.Errors;
using Mandate.Core.Policies;

namespace Mandate.Authorization;

/// <summary>
/// Policies and entities loaded from a directory: every <c>*.cedar</c> file (policies named after the file, as
/// stored documents are) and an optional <c>entities.json</c> in Cedar's entities format. Served beside the
/// stored policies and the identity graph.
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

        return new PolicyBundle(Path.GetFullPath(directory), policies, entities);
    }
}
