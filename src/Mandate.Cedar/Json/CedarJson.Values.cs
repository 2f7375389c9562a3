using System.Text.Json;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Json;

public static partial class CedarJson
{
    /// <summary>Parses a Cedar value.</summary>
    public static CedarValue ParseValue(JsonElement element, CedarJsonOptions? options = null) =>
        ParseValue(element, (options ?? CedarJsonOptions.Default).ImplicitEntityReferences);

    private static CedarValue ParseValue(JsonElement element, bool implicitEntities)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                return BoolValue.True;
            case JsonValueKind.False:
                return BoolValue.False;
            case JsonValueKind.String:
                return new StringValue(Text(element));
            case JsonValueKind.Number:
                return element.TryGetInt64(out var number)
                    ? new LongValue(number)
                    : throw new CedarJsonException($"`{element.GetRawText()}` is not a 64-bit integer");
            case JsonValueKind.Array:
                return new SetValue(ParseElements(element, implicitEntities));
            case JsonValueKind.Object:
                // An escape whose content does not have the escape's shape is an ordinary record, as in the reference.
                if (element.TryGetProperty("__entity", out var entity) && HasStrings(entity, "type", "id"))
                {
                    return ParseEntityUid(element);
                }

                if (element.TryGetProperty("__extn", out var extension) && IsExtensionCall(extension))
                {
                    return ParseExtension(extension, implicitEntities);
                }

                if (element.TryGetProperty("__expr", out _))
                {
                    throw new CedarJsonException("the `__expr` escape is no longer supported: use `__entity` or `__extn`");
                }

                if (implicitEntities && LooksLikeEntityUid(element))
                {
                    return ParseEntityUid(element);
                }

                return new RecordValue(ParseFields(element, "record", implicitEntities));
            default:
                throw new CedarJsonException($"`{Abbreviate(element)}` is not a Cedar value");
        }
    }

    // A loop rather than a lambda: a lambda capturing `implicitEntities` would make ParseValue allocate its closure on
    // every call, for strings and numbers too.
    private static List<CedarValue> ParseElements(JsonElement array, bool implicitEntities)
    {
        var elements = new List<CedarValue>(array.GetArrayLength());
        foreach (var element in array.EnumerateArray())
        {
            elements.Add(ParseValue(element, implicitEntities));
        }

        return elements;
    }

    private static bool HasStrings(JsonElement element, string first, string second) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty(first, out var a) && a.ValueKind == JsonValueKind.String
        && element.TryGetProperty(second, out var b) && b.ValueKind == JsonValueKind.String;

    private static bool IsExtensionCall(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("fn", out var fn) && fn.ValueKind == JsonValueKind.String
        && (element.TryGetProperty("arg", out _) || (element.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Array));

    // An object of exactly `type` and `id` strings, the implicit form schemas allow for entity-typed values.
    private static bool LooksLikeEntityUid(JsonElement element)
    {
        var count = 0;
        foreach (var property in element.EnumerateObject())
        {
            count++;
            if (property.Value.ValueKind != JsonValueKind.String || (NameOf(property) != "type" && NameOf(property) != "id"))
            {
                return false;
            }
        }

        if (count != 2)
        {
            return false;
        }

        try
        {
            _ = Name.Parse(Text(element.GetProperty("type")));
            return true;
        }
        catch (Syntax.CedarParseException)
        {
            return false;
        }
    }

    private static CedarValue ParseExtension(JsonElement extension, bool implicitEntities)
    {
        if (extension.ValueKind != JsonValueKind.Object || !extension.TryGetProperty("fn", out var fn) || fn.ValueKind != JsonValueKind.String)
        {
            throw new CedarJsonException("an `__extn` escape needs a `fn` name and an `arg` or `args`");
        }

        CedarValue[] args;
        if (extension.TryGetProperty("arg", out var arg))
        {
            args = [ParseValue(arg, implicitEntities)];
        }
        else if (extension.TryGetProperty("args", out var argArray) && argArray.ValueKind == JsonValueKind.Array)
        {
            args = [.. ParseElements(argArray, implicitEntities)];
        }
        else
        {
            throw new CedarJsonException($"the `__extn` escape for `{Text(fn)}` needs an `arg` or `args`");
        }

        var name = Text(fn);
        if (!Syntax.ExtensionFunctions.IsFunction(name) && !Syntax.ExtensionFunctions.IsMethod(name))
        {
            throw new CedarJsonException($"unknown extension function `{name}`");
        }

        return Evaluator.TryExtensionCall(name, args, out var value, out var error) ? value : throw new CedarJsonException(error);
    }

    // In the object's order; a key may appear once (refused before its value is read).
    private static Dictionary<string, CedarValue> ParseFields(JsonElement element, string what, bool implicitEntities, int room = 0)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new CedarJsonException($"the {what} must be a JSON object");
        }

        var fields = new Dictionary<string, CedarValue>(element.GetPropertyCount() + room, StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var key = NameOf(property);
            if (fields.ContainsKey(key))
            {
                throw new CedarJsonException($"duplicate key `{key}` in the {what}");
            }

            fields.Add(key, ParseValue(property.Value, implicitEntities));
        }

        return fields;
    }
}
