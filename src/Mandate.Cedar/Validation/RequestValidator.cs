using Mandate.Cedar.Entities;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Schema;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Validation;

/// <summary>
/// Checks requests and entity data against a schema: the action is declared and applies to the principal and
/// resource types, the context has the action's context type, and entities have their type's attributes,
/// tags and allowed parents. Returns the problems found, each in words a user can act on; empty when valid.
/// <see cref="Conform(Request)"/> and <see cref="Conform(EntityStore)"/> first read data the way the schema
/// directs, so a string where the schema wants an extension value (<c>"10.0.0.1"</c> for an <c>ipaddr</c>)
/// becomes that value.
/// </summary>
public sealed class RequestValidator
{
    private readonly SchemaFacts _schema;

    /// <summary>Creates a validator for <paramref name="schema"/>.</summary>
    public RequestValidator(CedarSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        _schema = new SchemaFacts(schema);
    }

    /// <summary>The request with its context read as the schema directs (unchanged when the action is not declared).</summary>
    public Request Conform(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var action = _schema.Schema.FindAction(new ActionUid(request.Action.EntityType.FullName, request.Action.Id));
        return action is null
            ? request
            : request with { Context = (RecordValue)Conformance.Coerce(request.Context, RecordOfType.From(action.Context)) };
    }

    /// <summary>The entities with attributes and tags read as the schema directs.</summary>
    public EntityStore Conform(EntityStore entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        return new EntityStore(entities.Entities.Select(entity =>
        {
            var definition = _schema.Schema.FindEntityType(entity.Uid.EntityType.FullName);
            if (definition is null)
            {
                return entity;
            }

            var attributes = (RecordValue)Conformance.Coerce(new RecordValue(entity.Attributes), RecordOfType.From(definition.Attributes));
            var tagType = definition.Tags is null ? null : StaticType.From(definition.Tags);
            var tags = tagType is null ? entity.Tags : entity.Tags.Select(t => KeyValuePair.Create(t.Key, Conformance.Coerce(t.Value, tagType)));
            return new Entity(entity.Uid, attributes.Fields, entity.Parents, tags);
        }));
    }

    /// <summary>The ways <paramref name="request"/> does not fit the schema.</summary>
    public IReadOnlyList<string> Validate(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<string>();
        var action = _schema.Schema.FindAction(new ActionUid(request.Action.EntityType.FullName, request.Action.Id));
        if (action is null)
        {
            problems.Add($"action `{request.Action}` is not declared by the schema");
            return problems;
        }

        CheckEntity("principal", request.Principal, action.PrincipalTypes, action, problems);
        CheckEntity("resource", request.Resource, action.ResourceTypes, action, problems);
        Conformance.Check("context", request.Context, RecordOfType.From(action.Context), _schema, problems);
        return problems;
    }

    /// <summary>The ways the entities in <paramref name="entities"/> do not fit the schema.</summary>
    public IReadOnlyList<string> Validate(EntityStore entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        var problems = new List<string>();
        foreach (var entity in entities.Entities)
        {
            var type = entity.Uid.EntityType.FullName;
            if (_schema.IsAction(entity.Uid))
            {
                continue;
            }

            var definition = _schema.Schema.FindEntityType(type);
            if (definition is null)
            {
                problems.Add($"entity `{entity.Uid}` has type {type}, which the schema does not declare");
                continue;
            }

            if (!_schema.IsValidEntity(entity.Uid))
            {
                problems.Add($"entity `{entity.Uid}` is not one of the ids enumerated for {type}");
            }

            Conformance.Check($"attributes of `{entity.Uid}`", new RecordValue(entity.Attributes), RecordOfType.From(definition.Attributes), _schema, problems);
            foreach (var parent in entity.Parents)
            {
                if (!definition.MemberOfTypes.Contains(parent.EntityType.FullName) && !_schema.IsAction(parent))
                {
                    problems.Add($"entity `{entity.Uid}` has parent `{parent}`, but {type} may not be a member of {parent.EntityType}");
                }
            }

            CheckTags(entity, definition, problems);
        }

        return problems;
    }

    private void CheckTags(Entity entity, EntityTypeDefinition definition, List<string> problems)
    {
        if (entity.Tags.Count == 0)
        {
            return;
        }

        if (definition.Tags is null)
        {
            problems.Add($"entity `{entity.Uid}` has tags, but the schema declares none for {definition.Name}");
            return;
        }

        var tagType = StaticType.From(definition.Tags);
        foreach (var (key, value) in entity.Tags)
        {
            Conformance.Check($"tag `{key}` of `{entity.Uid}`", value, tagType, _schema, problems);
        }
    }

    private void CheckEntity(string role, EntityUid uid, IReadOnlyList<string> allowed, ActionDefinition action, List<string> problems)
    {
        var type = uid.EntityType.FullName;
        if (!allowed.Contains(type))
        {
            problems.Add(allowed.Count == 0
                ? $"action `{action.Uid}` applies to no {role}"
                : $"{role} type {type} is not allowed for action `{action.Uid}` (allowed: {string.Join(", ", allowed)})");
        }
        else if (!_schema.IsValidEntity(uid))
        {
            problems.Add($"{role} `{uid}` is not one of the ids enumerated for {type}");
        }
    }
}

/// <summary>Whether runtime values have a schema type, and reading values as a schema type directs.</summary>
internal static class Conformance
{
    public static CedarValue Coerce(CedarValue value, StaticType type)
    {
        switch (type, value)
        {
            case (ExtType ext, StringValue text):
                return Evaluator.TryExtensionCall(Constructor(ext.Name), [text], out var parsed, out _) ? parsed : value;
            case (SetOfType set, SetValue elements):
                return new SetValue(elements.Elements.Select(e => Coerce(e, set.Element)));
            case (RecordOfType record, RecordValue fields):
                return new RecordValue(fields.Fields.Select(f =>
                    record.Attributes.TryGetValue(f.Key, out var slot) ? KeyValuePair.Create(f.Key, Coerce(f.Value, slot.Type)) : f));
            default:
                return value;
        }
    }

    private static string Constructor(string extensionType) => extensionType == ExtType.IpAddr ? "ip" : extensionType;

    public static void Check(string what, CedarValue value, StaticType type, SchemaFacts schema, List<string> problems)
    {
        switch (type, value)
        {
            case (BoolType, BoolValue):
            case (LongType, LongValue):
            case (StringType, StringValue):
            case (ExtType { Name: ExtType.Decimal }, DecimalValue):
            case (ExtType { Name: ExtType.IpAddr }, IpAddrValue):
            case (ExtType { Name: ExtType.Datetime }, DatetimeValue):
            case (ExtType { Name: ExtType.Duration }, DurationValue):
                return;
            case (EntityType entity, EntityUid uid) when entity.Name == uid.EntityType.FullName:
                if (!schema.IsValidEntity(uid) && !schema.IsAction(uid))
                {
                    problems.Add($"{what}: `{uid}` is not a declared entity");
                }

                return;
            case (SetOfType set, SetValue elements):
                foreach (var element in elements.Elements)
                {
                    Check($"{what} element", element, set.Element, schema, problems);
                }

                return;
            case (RecordOfType record, RecordValue fields):
                CheckRecord(what, fields, record, schema, problems);
                return;
            default:
                problems.Add($"{what}: expected {type}, found `{value}`");
                return;
        }
    }

    private static void CheckRecord(string what, RecordValue fields, RecordOfType record, SchemaFacts schema, List<string> problems)
    {
        foreach (var (name, slot) in record.Attributes)
        {
            if (fields.TryGetValue(name, out var field))
            {
                Check($"{what}.{name}", field, slot.Type, schema, problems);
            }
            else if (slot.Required)
            {
                problems.Add($"{what}: required attribute `{name}` is missing");
            }
        }

        foreach (var name in fields.Fields.Keys)
        {
            if (!record.Attributes.ContainsKey(name))
            {
                problems.Add($"{what}: attribute `{name}` is not declared by the schema");
            }
        }
    }
}
