using System.Text.Json;

namespace Mandate.Cedar.Schema.Parsing;

internal static partial class JsonSchemaReader
{
    private static RawType ReadType(JsonElement element, string where)
    {
        RequireKind(element, JsonValueKind.Object, where);
        var kind = String(element, "type", where) ?? throw Invalid($"{where} must have a `type`");
        var position = SourcePosition.Unknown;
        switch (kind)
        {
            case "Long":
                RequireOnly(element, where, "type", "required", "annotations");
                return new RawPrimitiveType(PrimitiveKind.Long, position);
            case "String":
                RequireOnly(element, where, "type", "required", "annotations");
                return new RawPrimitiveType(PrimitiveKind.String, position);
            case "Boolean":
                RequireOnly(element, where, "type", "required", "annotations");
                return new RawPrimitiveType(PrimitiveKind.Bool, position);
            case "Set":
                RequireOnly(element, where, "type", "element", "required", "annotations");
                if (!element.TryGetProperty("element", out var item))
                {
                    throw Invalid($"{where} is a `Set` without an `element` type");
                }

                return new RawSetType(ReadType(item, $"the element type of {where}"), position);
            case "Record":
                return ReadRecord(element, where);
            case "Entity":
                RequireOnly(element, where, "type", "name", "required", "annotations");
                return new RawEntityRefType(RequiredName(element, where), position);
            case "Extension":
                RequireOnly(element, where, "type", "name", "required", "annotations");
                return new RawExtensionType(RequiredName(element, where), position);
            case "EntityOrCommon":
                RequireOnly(element, where, "type", "name", "required", "annotations");
                return new RawNamedType(RequiredName(element, where), position);
            default:
                RequireOnly(element, where, "type", "required", "annotations");
                return new RawNamedType(kind, position);
        }
    }

    private static RawRecordType ReadRecord(JsonElement element, string where)
    {
        RequireOnly(element, where, "type", "attributes", "additionalAttributes", "required", "annotations");
        if (element.TryGetProperty("additionalAttributes", out var open) && open.ValueKind == JsonValueKind.True)
        {
            throw Invalid($"{where} sets `additionalAttributes`, which Cedar does not support");
        }

        var attributes = new List<RawAttribute>();
        if (element.TryGetProperty("attributes", out var members))
        {
            RequireKind(members, JsonValueKind.Object, $"`attributes` of {where}");
            foreach (var member in members.EnumerateObject())
            {
                var attributeWhere = $"attribute `{member.Name}` of {where}";
                var required = true;
                if (member.Value.ValueKind == JsonValueKind.Object && member.Value.TryGetProperty("required", out var flag))
                {
                    required = flag.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw Invalid($"`required` of {attributeWhere} must be a boolean"),
                    };
                }

                attributes.Add(new RawAttribute(member.Name, ReadType(member.Value, attributeWhere), required, SourcePosition.Unknown));
            }
        }

        return new RawRecordType(attributes, SourcePosition.Unknown);
    }

    private static string RequiredName(JsonElement element, string where) =>
        RequireName(String(element, "name", where) ?? throw Invalid($"{where} must have a `name`"), $"the `name` of {where}", qualified: true);

    /// <summary>
    /// Refuses text that is not a Cedar name in canonical form (identifiers joined by <c>::</c>, no spaces), or
    /// not a single identifier when <paramref name="qualified"/> is false.
    /// </summary>
    private static string RequireName(string text, string what, bool qualified)
    {
        Ast.Name? name = null;
        try
        {
            name = Syntax.CedarParser.ParseName(text);
        }
        catch (Syntax.CedarParseException)
        {
            // Reported below.
        }

        if (name is null || name.FullName != text || (!qualified && !name.IsUnqualified))
        {
            throw Invalid($"{what} must be {(qualified ? "a Cedar name such as `App::User`" : "a Cedar identifier")}, not `{text}`");
        }

        return text;
    }

    private static string? String(JsonElement element, string property, string where)
    {
        if (!element.TryGetProperty(property, out var value))
        {
            return null;
        }

        RequireKind(value, JsonValueKind.String, $"`{property}` of {where}");
        return value.GetString();
    }

    private static List<string> Strings(JsonElement element, string where)
    {
        RequireKind(element, JsonValueKind.Array, where);
        var values = new List<string>();
        foreach (var item in element.EnumerateArray())
        {
            RequireKind(item, JsonValueKind.String, $"an entry of {where}");
            values.Add(item.GetString()!);
        }

        return values;
    }

    private static void RequireOnly(JsonElement element, string where, params string[] allowed)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (Array.IndexOf(allowed, property.Name) < 0)
            {
                throw Invalid($"unknown field `{property.Name}` in {where}; expected one of {string.Join(", ", allowed.Select(a => $"`{a}`"))}");
            }
        }
    }

    private static void RequireKind(JsonElement element, JsonValueKind kind, string where)
    {
        if (element.ValueKind != kind)
        {
            var expected = kind switch
            {
                JsonValueKind.Object => "an object",
                JsonValueKind.Array => "an array",
                JsonValueKind.String => "a string",
                _ => kind.ToString().ToLowerInvariant(),
            };
            throw Invalid($"{where} must be {expected}");
        }
    }

    private static SchemaException Invalid(string message) => new("schema.json", message);
}
