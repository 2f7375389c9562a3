using System.Collections.Frozen;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Schema;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Validation;

/// <summary>One request shape the schema allows: a principal type, an action, a resource type and the context type.</summary>
internal sealed record RequestEnvironment(string Principal, EntityUid Action, string Resource, RecordOfType Context)
{
    public override string ToString() => $"principal {Principal}, action {Action}, resource {Resource}";
}

/// <summary>
/// What the type checker needs from a schema, computed once: entity types with their attributes, tags and
/// transitive ancestor types, actions with their transitive ancestors, and every request environment.
/// </summary>
internal sealed class SchemaFacts
{
    private readonly FrozenDictionary<string, EntityTypeFacts> _entityTypes;
    private readonly FrozenDictionary<EntityUid, FrozenSet<EntityUid>> _actionAncestors;
    private readonly FrozenSet<string> _actionTypes;

    public SchemaFacts(CedarSchema schema)
    {
        Schema = schema;
        _entityTypes = schema.EntityTypes.ToFrozenDictionary(
            t => t.Key,
            t => new EntityTypeFacts(
                RecordOfType.From(t.Value.Attributes),
                t.Value.Tags is null ? null : StaticType.From(t.Value.Tags),
                t.Value.EnumIds is null ? null : t.Value.EnumIds.ToFrozenSet(StringComparer.Ordinal),
                Closure(t.Key, type => schema.EntityTypes.TryGetValue(type, out var d) ? d.MemberOfTypes : []).ToFrozenSet(StringComparer.Ordinal)),
            StringComparer.Ordinal);
        _actionAncestors = schema.Actions.Values.ToFrozenDictionary(
            a => ToUid(a.Uid),
            a => Closure(a.Uid, uid => schema.Actions.TryGetValue(uid, out var d) ? d.MemberOf : []).Select(ToUid).ToFrozenSet());
        _actionTypes = schema.ActionTypes.ToFrozenSet(StringComparer.Ordinal);
        Environments = [.. schema.Actions.Values
            .OrderBy(a => a.Uid.Type, StringComparer.Ordinal).ThenBy(a => a.Uid.Id, StringComparer.Ordinal)
            .SelectMany(a => a.PrincipalTypes.Distinct(StringComparer.Ordinal).SelectMany(p => a.ResourceTypes.Distinct(StringComparer.Ordinal)
                .Select(r => new RequestEnvironment(p, ToUid(a.Uid), r, RecordOfType.From(a.Context)))))];
    }

    public CedarSchema Schema { get; }

    public IReadOnlyList<RequestEnvironment> Environments { get; }

    public static EntityUid ToUid(ActionUid action) => new(Name.Parse(action.Type), action.Id);

    public bool IsEntityType(string type) => _entityTypes.ContainsKey(type);

    public bool IsActionType(string type) => _actionTypes.Contains(type);

    public bool IsAction(EntityUid uid) => _actionAncestors.ContainsKey(uid);

    /// <summary>An entity of a declared type, and for an enumerated type one of its ids.</summary>
    public bool IsValidEntity(EntityUid uid) =>
        _entityTypes.TryGetValue(uid.EntityType.FullName, out var facts) && (facts.EnumIds is null || facts.EnumIds.Contains(uid.Id));

    /// <summary>The attributes of a declared entity type, or null when the type is not declared.</summary>
    public RecordOfType? AttributesOf(string type) => _entityTypes.TryGetValue(type, out var facts) ? facts.Attributes : null;

    /// <summary>Whether the type is declared, and then the type of its tags (null when it has none).</summary>
    public bool TryGetTags(string type, out StaticType? tags)
    {
        tags = null;
        if (!_entityTypes.TryGetValue(type, out var facts))
        {
            return false;
        }

        tags = facts.Tags;
        return true;
    }

    /// <summary>Whether an action is the other or transitively a member of it.</summary>
    public bool ActionIn(EntityUid action, EntityUid group) =>
        action.Equals(group) || (_actionAncestors.TryGetValue(action, out var ancestors) && ancestors.Contains(group));

    /// <summary>Whether an entity of type <paramref name="descendant"/> may be in one of type <paramref name="ancestor"/>.</summary>
    public bool MayDescend(string descendant, string ancestor)
    {
        if (string.Equals(descendant, ancestor, StringComparison.Ordinal))
        {
            return true;
        }

        if (_entityTypes.TryGetValue(descendant, out var facts))
        {
            return facts.Ancestors.Contains(ancestor);
        }

        foreach (var (action, ancestors) in _actionAncestors)
        {
            if (action.EntityType.FullName == descendant && ancestors.Any(a => a.EntityType.FullName == ancestor))
            {
                return true;
            }
        }

        return false;
    }

    // Everything reachable from start through parents, not counting start unless a cycle leads back to it.
    private static HashSet<T> Closure<T>(T start, Func<T, IEnumerable<T>> parents)
        where T : notnull
    {
        var seen = new HashSet<T>();
        var pending = new Stack<T>(parents(start));
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (seen.Add(current))
            {
                foreach (var parent in parents(current))
                {
                    pending.Push(parent);
                }
            }
        }

        return seen;
    }

    private sealed record EntityTypeFacts(RecordOfType Attributes, StaticType? Tags, FrozenSet<string>? EnumIds, FrozenSet<string> Ancestors);
}
