using System.Text.Json;

namespace Mandate.Cedar.Schema.Parsing;

/// Reads Cedar's JSON schema format into namespaces of unresolved declarations.
internal static partial class JsonSchemaReader
{
    public static List<RawNamespace> Read(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new SchemaException(
                "schema.syntax",
                "invalid JSON: " + e.Message.Split(" Path:", StringSplitOptions.None)[0].TrimEnd('.').ToLowerInvariant(),
                (int)(e.LineNumber ?? -1) + 1,
                (int)(e.BytePositionInLine ?? -1) + 1);
        }

        using (document)
        {
            try
            {
                var root = document.RootElement;
                RequireKind(root, JsonValueKind.Object, "the schema");
                var namespaces = new List<RawNamespace>();
                foreach (var property in root.EnumerateObject())
                {
                    namespaces.Add(ReadNamespace(property.Name, property.Value));
                }

                return namespaces;
            }
            catch (InvalidOperationException)
            {
                // The only source here: a string or key escaping a lone surrogate, valid JSON that no .NET string can hold.
                throw new SchemaException("schema.syntax", "invalid JSON: a string escapes an unpaired surrogate (`\\uD800`..`\\uDFFF` without its pair)");
            }
        }
    }

    private static RawNamespace ReadNamespace(string name, JsonElement element)
    {
        var where = name.Length == 0 ? "the empty namespace" : $"namespace `{name}`";
        if (name.Length > 0)
        {
            RequireName(name, "a namespace", qualified: true);
        }

        RequireKind(element, JsonValueKind.Object, where);
        RequireOnly(element, where, "entityTypes", "actions", "commonTypes", "annotations");
        var space = new RawNamespace(name, SourcePosition.Unknown);
        if (!element.TryGetProperty("entityTypes", out var entityTypes) || !element.TryGetProperty("actions", out var actions))
        {
            throw Invalid($"{where} must have both `entityTypes` and `actions`");
        }

        RequireKind(entityTypes, JsonValueKind.Object, $"`entityTypes` of {where}");
        foreach (var entity in entityTypes.EnumerateObject())
        {
            space.Entities.Add(ReadEntityType(entity.Name, entity.Value));
        }

        RequireKind(actions, JsonValueKind.Object, $"`actions` of {where}");
        foreach (var action in actions.EnumerateObject())
        {
            space.Actions.Add(ReadAction(action.Name, action.Value));
        }

        if (element.TryGetProperty("commonTypes", out var commonTypes))
        {
            RequireKind(commonTypes, JsonValueKind.Object, $"`commonTypes` of {where}");
            foreach (var common in commonTypes.EnumerateObject())
            {
                space.CommonTypes.Add(new RawCommonTypeDeclaration(
                    RequireName(common.Name, "a common type name", qualified: false), ReadType(common.Value, $"common type `{common.Name}`"), SourcePosition.Unknown));
            }
        }

        return space;
    }

    private static RawEntityDeclaration ReadEntityType(string name, JsonElement element)
    {
        var where = $"entity type `{name}`";
        RequireName(name, "an entity type name", qualified: false);
        RequireKind(element, JsonValueKind.Object, where);
        RequireOnly(element, where, "memberOfTypes", "shape", "tags", "enum", "annotations");
        var memberOf = new List<RawName>();
        if (element.TryGetProperty("memberOfTypes", out var parents))
        {
            foreach (var parent in Strings(parents, $"`memberOfTypes` of {where}"))
            {
                memberOf.Add(new RawName(RequireName(parent, $"an entry of `memberOfTypes` of {where}", qualified: true), SourcePosition.Unknown));
            }
        }

        var shape = element.TryGetProperty("shape", out var shapeElement) ? ReadType(shapeElement, $"`shape` of {where}") : null;
        var tags = element.TryGetProperty("tags", out var tagsElement) ? ReadType(tagsElement, $"`tags` of {where}") : null;
        List<string>? enumIds = null;
        if (element.TryGetProperty("enum", out var enumElement))
        {
            if (shape is not null || tags is not null || memberOf.Count > 0)
            {
                throw Invalid($"enumerated {where} cannot have `memberOfTypes`, `shape` or `tags`");
            }

            enumIds = Strings(enumElement, $"`enum` of {where}");
        }

        return new RawEntityDeclaration(name, memberOf, shape, tags, enumIds, ReadAnnotations(element, where), SourcePosition.Unknown);
    }

    private static RawActionDeclaration ReadAction(string id, JsonElement element)
    {
        var where = $"action `{id}`";
        RequireKind(element, JsonValueKind.Object, where);
        RequireOnly(element, where, "memberOf", "appliesTo", "annotations");
        var memberOf = new List<RawActionRef>();
        if (element.TryGetProperty("memberOf", out var groups) && groups.ValueKind != JsonValueKind.Null)
        {
            RequireKind(groups, JsonValueKind.Array, $"`memberOf` of {where}");
            foreach (var group in groups.EnumerateArray())
            {
                RequireKind(group, JsonValueKind.Object, $"an entry of `memberOf` of {where}");
                RequireOnly(group, $"an entry of `memberOf` of {where}", "id", "type");
                var groupId = String(group, "id", $"an entry of `memberOf` of {where}")
                    ?? throw Invalid($"an entry of `memberOf` of {where} must have an `id`");
                var groupType = String(group, "type", $"an entry of `memberOf` of {where}");
                if (groupType is not null)
                {
                    RequireName(groupType, $"the `type` of an entry of `memberOf` of {where}", qualified: true);
                }

                memberOf.Add(new RawActionRef(groupType, groupId, SourcePosition.Unknown));
            }
        }

        RawAppliesTo? appliesTo = null;
        if (element.TryGetProperty("appliesTo", out var applies) && applies.ValueKind != JsonValueKind.Null)
        {
            appliesTo = ReadAppliesTo(applies, where);
        }

        return new RawActionDeclaration(id, memberOf, appliesTo, ReadAnnotations(element, where), SourcePosition.Unknown);
    }

    private static RawAppliesTo ReadAppliesTo(JsonElement element, string action)
    {
        var where = $"`appliesTo` of {action}";
        RequireKind(element, JsonValueKind.Object, where);
        RequireOnly(element, where, "principalTypes", "resourceTypes", "context");
        if (!element.TryGetProperty("principalTypes", out var principals) || !element.TryGetProperty("resourceTypes", out var resources))
        {
            throw Invalid($"{where} must have both `principalTypes` and `resourceTypes`");
        }

        var context = element.TryGetProperty("context", out var contextElement) ? ReadType(contextElement, $"`context` of {action}") : null;
        return new RawAppliesTo(
            Strings(principals, $"`principalTypes` of {action}").ConvertAll(p => new RawName(RequireName(p, $"an entry of `principalTypes` of {action}", qualified: true), SourcePosition.Unknown)),
            Strings(resources, $"`resourceTypes` of {action}").ConvertAll(r => new RawName(RequireName(r, $"an entry of `resourceTypes` of {action}", qualified: true), SourcePosition.Unknown)),
            context);
    }

    private static Dictionary<string, string> ReadAnnotations(JsonElement element, string where)
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.TryGetProperty("annotations", out var values))
        {
            RequireKind(values, JsonValueKind.Object, $"`annotations` of {where}");
            foreach (var annotation in values.EnumerateObject())
            {
                RequireKind(annotation.Value, JsonValueKind.String, $"annotation `{annotation.Name}` of {where}");
                annotations[annotation.Name] = annotation.Value.GetString()!;
            }
        }

        return annotations;
    }
}
