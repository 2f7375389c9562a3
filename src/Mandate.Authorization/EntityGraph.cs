using Mandate.Cedar.Entities;
using Mandate.Cedar.Values;
using Mandate.Core.Groups;
using Mandate.Core.Identities;

namespace Mandate.Authorization;

/// <summary>
/// Maps the inventory onto Cedar entities: identities become <c>Human</c>, <c>Agent</c>,
/// <c>ServiceAccount</c> or <c>Workload</c> entities, groups and roles become <c>Group</c> and <c>Role</c>
/// entities, and membership edges become parents.
/// </summary>
public static class EntityGraph
{
    /// <summary>The Cedar entity type of an identity kind.</summary>
    public static string TypeOf(IdentityKind kind) => kind switch
    {
        IdentityKind.Human => "Human",
        IdentityKind.Agent => "Agent",
        IdentityKind.ServiceAccount => "ServiceAccount",
        _ => "Workload",
    };

    /// <summary>The Cedar entity type of a group kind.</summary>
    public static string TypeOf(GroupKind kind) => kind == GroupKind.Role ? "Role" : "Group";

    /// <summary>Whether a Cedar entity type names an identity kind, and which.</summary>
    public static bool TryGetKind(string entityType, out IdentityKind kind)
    {
        (var found, kind) = entityType switch
        {
            "Human" => (true, IdentityKind.Human),
            "Agent" => (true, IdentityKind.Agent),
            "ServiceAccount" => (true, IdentityKind.ServiceAccount),
            "Workload" => (true, IdentityKind.Workload),
            _ => (false, IdentityKind.Human),
        };
        return found;
    }

    /// <summary>Builds the entity store of one snapshot; inventory entities win over bundle entities with the same uid.</summary>
    public static EntityStore Build(IReadOnlyList<Identity> identities, IReadOnlyList<Group> groups, IReadOnlyList<Membership> memberships, IReadOnlyList<Entity> extra)
    {
        var kinds = identities.ToDictionary(i => i.Id, i => i.Kind, StringComparer.Ordinal);
        var groupUids = groups.ToDictionary(g => g.Id, g => EntityUid.Of(TypeOf(g.Kind), g.Id), StringComparer.Ordinal);
        var parents = memberships
            .Where(m => groupUids.ContainsKey(m.GroupId))
            .GroupBy(m => (m.MemberId, m.MemberIsGroup))
            .ToDictionary(g => g.Key, g => g.Select(m => groupUids[m.GroupId]).ToList());

        var entities = new List<Entity>(identities.Count + groups.Count);
        foreach (var identity in identities)
        {
            entities.Add(new Entity(
                EntityUid.Of(TypeOf(identity.Kind), identity.Id),
                Attributes(identity, kinds),
                parents.GetValueOrDefault((identity.Id, false))));
        }

        foreach (var group in groups)
        {
            entities.Add(new Entity(
                groupUids[group.Id],
                [new("displayName", new StringValue(group.DisplayName))],
                parents.GetValueOrDefault((group.Id, true))));
        }

        var known = entities.Select(e => e.Uid).ToHashSet();
        entities.AddRange(extra.Where(e => !known.Contains(e.Uid)));
        return new EntityStore(entities);
    }

    private static List<KeyValuePair<string, CedarValue>> Attributes(Identity identity, Dictionary<string, IdentityKind> kinds)
    {
        var attributes = new List<KeyValuePair<string, CedarValue>>
        {
            new("kind", new StringValue(TypeOf(identity.Kind))),
            new("displayName", new StringValue(identity.DisplayName)),
            new("status", new StringValue(identity.Status.ToString().ToLowerInvariant())),
            new("labels", new RecordValue(identity.Labels.Select(l => new KeyValuePair<string, CedarValue>(l.Key, new StringValue(l.Value))))),
        };
        if (identity.Owner is { } owner)
        {
            attributes.Add(new("owner", EntityUid.Of(TypeOf(IdentityKind.Human), owner)));
        }

        if (identity.Parent is { } parent && kinds.TryGetValue(parent, out var parentKind))
        {
            attributes.Add(new("parent", EntityUid.Of(TypeOf(parentKind), parent)));
        }

        if (identity.Purpose is { } purpose)
        {
            attributes.Add(new("purpose", new StringValue(purpose)));
        }

        if (identity.Environment is { } environment)
        {
            attributes.Add(new("environment", new StringValue(environment)));
        }

        return attributes;
    }
}
