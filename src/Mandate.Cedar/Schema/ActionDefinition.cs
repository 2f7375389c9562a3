namespace Mandate.Cedar.Schema;

/// <summary>An action declared in a schema.</summary>
public sealed class ActionDefinition
{
    internal ActionDefinition(
        ActionUid uid,
        IReadOnlyList<ActionUid> memberOf,
        IReadOnlyList<string> principalTypes,
        IReadOnlyList<string> resourceTypes,
        RecordType context,
        IReadOnlyDictionary<string, string> annotations)
    {
        Uid = uid;
        MemberOf = memberOf;
        PrincipalTypes = principalTypes;
        ResourceTypes = resourceTypes;
        Context = context;
        Annotations = annotations;
    }

    /// <summary>The action's identifier.</summary>
    public ActionUid Uid { get; }

    /// <summary>The action groups this action is a direct member of.</summary>
    public IReadOnlyList<ActionUid> MemberOf { get; }

    /// <summary>The principal entity types the action applies to; empty when it applies to none.</summary>
    public IReadOnlyList<string> PrincipalTypes { get; }

    /// <summary>The resource entity types the action applies to; empty when it applies to none.</summary>
    public IReadOnlyList<string> ResourceTypes { get; }

    /// <summary>The type of the request context for this action.</summary>
    public RecordType Context { get; }

    /// <summary>The annotations on the declaration.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; }
}
