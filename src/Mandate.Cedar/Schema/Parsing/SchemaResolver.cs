namespace Mandate.Cedar.Schema.Parsing;

/// Resolves the names in parsed namespaces the way Cedar does and builds the schema.
internal sealed partial class SchemaResolver
{
    private const string BuiltinPrefix = "__cedar::";

    private static readonly HashSet<string> ReservedCommonTypeNames = new(StringComparer.Ordinal)
    {
        "Bool", "Boolean", "Entity", "EntityOrCommon", "Extension", "Long", "Record", "Set", "String",
    };

    private readonly Dictionary<string, (RawCommonTypeDeclaration Declaration, string Namespace)> _commonTypes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (RawEntityDeclaration Declaration, string Namespace)> _entityTypes = new(StringComparer.Ordinal);
    private readonly Dictionary<ActionUid, (RawActionDeclaration Declaration, string Namespace)> _actions = [];
    private readonly Dictionary<string, SchemaType> _resolvedCommonTypes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _resolving = new(StringComparer.Ordinal);

    public static CedarSchema Resolve(List<RawNamespace> namespaces)
    {
        var resolver = new SchemaResolver();
        resolver.Declare(namespaces);
        return resolver.Build();
    }

    private static string Qualify(string space, string name) => space.Length == 0 ? name : $"{space}::{name}";

    private static string ActionTypeOf(string space) => Qualify(space, "Action");

    private static SchemaException Error(string code, string message, SourcePosition position) =>
        new(code, message, position.Line, position.Column);

    private void Declare(List<RawNamespace> namespaces)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var space in namespaces)
        {
            if (space.Name.Length > 0 && !names.Add(space.Name))
            {
                throw Error("schema.duplicate", $"namespace `{space.Name}` is declared twice", space.Position);
            }

            if (space.Name.Split("::").Contains("__cedar"))
            {
                throw Error("schema.reserved", $"namespace `{space.Name}` uses the reserved name `__cedar`", space.Position);
            }

            foreach (var common in space.CommonTypes)
            {
                if (ReservedCommonTypeNames.Contains(common.Name))
                {
                    throw Error("schema.reserved", $"`{common.Name}` is a builtin type name and cannot name a common type", common.Position);
                }

                if (!_commonTypes.TryAdd(Qualify(space.Name, common.Name), (common, space.Name)))
                {
                    throw Error("schema.duplicate", $"common type `{Qualify(space.Name, common.Name)}` is declared twice", common.Position);
                }
            }

            foreach (var entity in space.Entities)
            {
                if (!_entityTypes.TryAdd(Qualify(space.Name, entity.Name), (entity, space.Name)))
                {
                    throw Error("schema.duplicate", $"entity type `{Qualify(space.Name, entity.Name)}` is declared twice", entity.Position);
                }
            }

            foreach (var action in space.Actions)
            {
                var uid = new ActionUid(ActionTypeOf(space.Name), action.Id);
                if (!_actions.TryAdd(uid, (action, space.Name)))
                {
                    throw Error("schema.duplicate", $"action `{uid}` is declared twice", action.Position);
                }
            }
        }
    }

    private CedarSchema Build()
    {
        var entityTypes = new Dictionary<string, EntityTypeDefinition>(StringComparer.Ordinal);
        foreach (var (name, (declaration, space)) in _entityTypes)
        {
            entityTypes[name] = BuildEntityType(name, declaration, space);
        }

        var actions = new Dictionary<ActionUid, ActionDefinition>();
        foreach (var (uid, (declaration, space)) in _actions)
        {
            actions[uid] = BuildAction(uid, declaration, space);
        }

        RejectActionCycles(actions);
        return new CedarSchema(entityTypes, actions);
    }

    private EntityTypeDefinition BuildEntityType(string name, RawEntityDeclaration declaration, string space)
    {
        var memberOf = declaration.MemberOf.Select(m => ResolveEntityTypeName(m.Path, space, m.Position)).Distinct().ToList();
        var shape = RecordType.Empty;
        if (declaration.Shape is not null)
        {
            shape = ResolveType(declaration.Shape, space) as RecordType
                ?? throw Error("schema.shape", $"the shape of entity type `{name}` must be a record type", declaration.Shape.Position);
        }

        var tags = declaration.Tags is null ? null : ResolveType(declaration.Tags, space);
        IReadOnlyList<string>? enumIds = null;
        if (declaration.EnumIds is { } ids)
        {
            if (ids.Count == 0)
            {
                throw Error("schema.enum", $"enumerated entity type `{name}` must list at least one id", declaration.Position);
            }

            // Cedar accepts a repeated id and treats the enumeration as a set.
            enumIds = ids.Distinct(StringComparer.Ordinal).ToList();
        }

        return new EntityTypeDefinition(name, memberOf, shape, tags, enumIds, declaration.Annotations);
    }

    private ActionDefinition BuildAction(ActionUid uid, RawActionDeclaration declaration, string space)
    {
        var memberOf = declaration.MemberOf.Select(m => ResolveActionRef(m, space)).Distinct().ToList();
        IReadOnlyList<string> principals = [];
        IReadOnlyList<string> resources = [];
        var context = RecordType.Empty;
        if (declaration.AppliesTo is { } appliesTo)
        {
            principals = appliesTo.Principals.Select(p => ResolveEntityTypeName(p.Path, space, p.Position)).Distinct().ToList();
            resources = appliesTo.Resources.Select(r => ResolveEntityTypeName(r.Path, space, r.Position)).Distinct().ToList();
            if (appliesTo.Context is not null)
            {
                context = ResolveType(appliesTo.Context, space) as RecordType
                    ?? throw Error("schema.context", $"the context of action `{uid}` must be a record type", appliesTo.Context.Position);
            }
        }

        return new ActionDefinition(uid, memberOf, principals, resources, context, declaration.Annotations);
    }

    private ActionUid ResolveActionRef(RawActionRef reference, string space)
    {
        if (reference.TypePath is null || !reference.TypePath.Contains("::", StringComparison.Ordinal))
        {
            var localType = reference.TypePath is null ? ActionTypeOf(space) : Qualify(space, reference.TypePath);
            var local = new ActionUid(localType, reference.Id);
            if (_actions.ContainsKey(local))
            {
                return local;
            }

            var global = new ActionUid(reference.TypePath ?? "Action", reference.Id);
            if (_actions.ContainsKey(global))
            {
                return global;
            }

            throw Error("schema.undeclared-action", $"undeclared action `{local}` in an action's `in` list", reference.Position);
        }

        var qualified = new ActionUid(reference.TypePath, reference.Id);
        return _actions.ContainsKey(qualified)
            ? qualified
            : throw Error("schema.undeclared-action", $"undeclared action `{qualified}` in an action's `in` list", reference.Position);
    }

    // Depth-first with an explicit stack, so a long chain of actions cannot exhaust the call stack.
    private static void RejectActionCycles(Dictionary<ActionUid, ActionDefinition> actions)
    {
        var finished = new HashSet<ActionUid>();
        var onPath = new HashSet<ActionUid>();
        var path = new Stack<(ActionUid Action, IEnumerator<ActionUid> Parents)>();
        foreach (var root in actions.Keys)
        {
            if (finished.Contains(root))
            {
                continue;
            }

            onPath.Add(root);
            path.Push((root, actions[root].MemberOf.GetEnumerator()));
            while (path.Count > 0)
            {
                var (action, parents) = path.Peek();
                if (!parents.MoveNext())
                {
                    path.Pop();
                    onPath.Remove(action);
                    finished.Add(action);
                    continue;
                }

                var parent = parents.Current;
                if (onPath.Contains(parent))
                {
                    throw new SchemaException("schema.action-cycle", $"the action hierarchy has a cycle through `{parent}`");
                }

                if (!finished.Contains(parent))
                {
                    onPath.Add(parent);
                    path.Push((parent, actions[parent].MemberOf.GetEnumerator()));
                }
            }
        }
    }
}
