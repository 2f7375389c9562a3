using Mandate.Cedar.Schema.Parsing;

namespace Mandate.Cedar.Schema;

/// <summary>
/// A Cedar schema: the entity types and actions of an application, with names resolved
/// and the schema checked for well-formedness (every referenced type and action declared,
/// no cycle in common types or in the action hierarchy).
/// </summary>
public sealed class CedarSchema
{
    internal CedarSchema(
        IReadOnlyDictionary<string, EntityTypeDefinition> entityTypes,
        IReadOnlyDictionary<ActionUid, ActionDefinition> actions)
    {
        EntityTypes = entityTypes;
        Actions = actions;
        ActionTypes = new HashSet<string>(actions.Keys.Select(a => a.Type), StringComparer.Ordinal);
    }

    /// <summary>The declared entity types by fully qualified name.</summary>
    public IReadOnlyDictionary<string, EntityTypeDefinition> EntityTypes { get; }

    /// <summary>The declared actions by identifier.</summary>
    public IReadOnlyDictionary<ActionUid, ActionDefinition> Actions { get; }

    /// <summary>The action entity types that have at least one declared action, such as <c>Action</c>.</summary>
    public IReadOnlySet<string> ActionTypes { get; }

    /// <summary>Parses a schema written in the Cedar schema syntax (<c>.cedarschema</c>).</summary>
    /// <param name="text">The schema text.</param>
    /// <returns>The resolved schema.</returns>
    /// <exception cref="SchemaException">The text is not a well-formed schema.</exception>
    public static CedarSchema Parse(string text) => SchemaResolver.Resolve(CedarSchemaParser.Parse(text));

    /// <summary>Parses a schema written in Cedar's JSON schema format.</summary>
    /// <param name="json">The schema JSON.</param>
    /// <returns>The resolved schema.</returns>
    /// <exception cref="SchemaException">The JSON is not a well-formed schema.</exception>
    public static CedarSchema ParseJson(string json) => SchemaResolver.Resolve(JsonSchemaReader.Read(json));

    /// <summary>Finds an entity type by fully qualified name.</summary>
    /// <param name="name">The fully qualified name.</param>
    /// <returns>The definition, or null when the schema does not declare it.</returns>
    public EntityTypeDefinition? FindEntityType(string name) => EntityTypes.GetValueOrDefault(name);

    /// <summary>Finds an action by its type and id.</summary>
    /// <param name="uid">The action identifier.</param>
    /// <returns>The definition, or null when the schema does not declare it.</returns>
    public ActionDefinition? FindAction(ActionUid uid) => Actions.GetValueOrDefault(uid);

    /// <summary>Every action that is <paramref name="group"/> itself or a transitive member of it.</summary>
    /// <param name="group">An action or action group.</param>
    /// <returns>The action and its descendants in the action hierarchy.</returns>
    public IReadOnlySet<ActionUid> ActionsIn(ActionUid group)
    {
        var result = new HashSet<ActionUid>();
        if (!Actions.ContainsKey(group))
        {
            return result;
        }

        foreach (var action in Actions.Values)
        {
            if (IsActionIn(action.Uid, group))
            {
                result.Add(action.Uid);
            }
        }

        return result;
    }

    /// <summary>Whether <paramref name="action"/> is <paramref name="group"/> or transitively a member of it.</summary>
    /// <param name="action">The member action.</param>
    /// <param name="group">The action group.</param>
    /// <returns>True when the hierarchy places the action in the group.</returns>
    public bool IsActionIn(ActionUid action, ActionUid group)
    {
        var seen = new HashSet<ActionUid>();
        var pending = new Stack<ActionUid>();
        pending.Push(action);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (current == group)
            {
                return true;
            }

            if (seen.Add(current) && Actions.TryGetValue(current, out var definition))
            {
                foreach (var parent in definition.MemberOf)
                {
                    pending.Push(parent);
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Whether an entity of type <paramref name="descendant"/> may be a (transitive) member of
    /// an entity of type <paramref name="ancestor"/> according to the declared <c>memberOfTypes</c>.
    /// </summary>
    /// <param name="descendant">The member's entity type.</param>
    /// <param name="ancestor">The group's entity type.</param>
    /// <returns>True when some chain of declared memberships links the two types.</returns>
    public bool MayBeMemberOf(string descendant, string ancestor)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(descendant);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (!seen.Add(current) || !EntityTypes.TryGetValue(current, out var definition))
            {
                continue;
            }

            foreach (var parent in definition.MemberOfTypes)
            {
                if (parent == ancestor)
                {
                    return true;
                }

                pending.Push(parent);
            }
        }

        return false;
    }
}
