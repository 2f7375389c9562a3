using System.Text.Json;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Json;

/// <summary>
/// Reads Cedar's JSON formats: entity lists (<c>uid</c>, <c>attrs</c>, <c>parents</c>, <c>tags</c>), values with the
/// <c>__entity</c> and <c>__extn</c> escapes, entity uids and context records. Integers are read as 64-bit without
/// loss. Throws <see cref="CedarJsonException"/> on malformed input.
/// </summary>
public static partial class CedarJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    /// <summary>Parses an entities JSON array into a store.</summary>
    public static EntityStore ParseEntities(string json, CedarJsonOptions? options = null)
    {
        using var document = Parse(json);
        return ParseEntities(document.RootElement, options);
    }

    /// <summary>Parses an entities JSON array into a store.</summary>
    public static EntityStore ParseEntities(JsonElement array, CedarJsonOptions? options = null)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new CedarJsonException("entities must be a JSON array");
        }

        var entities = new List<Entity>();
        foreach (var element in array.EnumerateArray())
        {
            entities.Add(ParseEntity(element, options));
        }

        EntityStore store;
        try
        {
            store = new EntityStore(entities);
        }
        catch (ArgumentException error)
        {
            throw new CedarJsonException(error.Message);
        }

        return store.CycleMember is { } member
            ? throw new CedarJsonException($"the entity hierarchy has a cycle through `{member}`")
            : store;
    }

    /// <summary>Parses one entity object.</summary>
    public static Entity ParseEntity(JsonElement element, CedarJsonOptions? options = null)
    {
        var implicitEntities = (options ?? CedarJsonOptions.Default).ImplicitEntityReferences;
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("uid", out var uidElement))
        {
            throw new CedarJsonException("an entity must be an object with a `uid`");
        }

        var uid = ParseEntityUid(uidElement);
        if (!element.TryGetProperty("attrs", out var attrs) || !element.TryGetProperty("parents", out var parentArray))
        {
            throw new CedarJsonException($"entity `{uid}` needs both `attrs` and `parents` (use {{}} and [] when empty)");
        }

        var attributes = ParseFields(attrs, $"attributes of `{uid}`", implicitEntities);
        var tags = element.TryGetProperty("tags", out var tagElement) ? ParseFields(tagElement, $"tags of `{uid}`", implicitEntities) : null;
        if (parentArray.ValueKind != JsonValueKind.Array)
        {
            throw new CedarJsonException($"the parents of `{uid}` must be an array");
        }

        var parents = new List<EntityUid>();
        foreach (var parent in parentArray.EnumerateArray())
        {
            parents.Add(ParseEntityUid(parent));
        }

        return new Entity(uid, attributes, parents, tags);
    }

    /// <summary>Parses <c>{"type": "T", "id": "x"}</c> or <c>{"__entity": {...}}</c>.</summary>
    public static EntityUid ParseEntityUid(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("__entity", out var inner))
        {
            element = inner;
        }

        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
            || !element.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
        {
            throw new CedarJsonException($"expected an entity uid like {{\"type\": \"User\", \"id\": \"alice\"}}, found `{Abbreviate(element)}`");
        }

        Name name;
        try
        {
            name = Name.Parse(Text(type));
        }
        catch (Syntax.CedarParseException error)
        {
            throw new CedarJsonException($"invalid entity type `{Text(type)}`: {error.Reason}");
        }

        return new EntityUid(name, Text(id));
    }

    /// <summary>Parses an entity uid from JSON text.</summary>
    public static EntityUid ParseEntityUid(string json)
    {
        using var document = Parse(json);
        return ParseEntityUid(document.RootElement);
    }

    /// <summary>Parses a context object into a record.</summary>
    public static RecordValue ParseContext(JsonElement element, CedarJsonOptions? options = null) => ParseContext(element, [], options);

    /// <summary>
    /// Parses a context object into a record that also has each of <paramref name="defaults"/> the object does not:
    /// a caller that always adds a field (say, the time of the request) gets one record instead of a copy.
    /// </summary>
    public static RecordValue ParseContext(JsonElement element, ReadOnlySpan<KeyValuePair<string, CedarValue>> defaults, CedarJsonOptions? options = null)
    {
        var isEscape = (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("__entity", out var entity) && HasStrings(entity, "type", "id"))
            || (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("__extn", out var extension) && IsExtensionCall(extension));
        if (element.ValueKind != JsonValueKind.Object || isEscape)
        {
            throw new CedarJsonException("the context must be a JSON object that is a record (not an escape)");
        }

        var fields = ParseFields(element, "context", (options ?? CedarJsonOptions.Default).ImplicitEntityReferences, defaults.Length);
        foreach (var (name, value) in defaults)
        {
            fields.TryAdd(name, value);
        }

        return new RecordValue(fields);
    }

    /// <summary>Parses a context object from JSON text.</summary>
    public static RecordValue ParseContext(string json, CedarJsonOptions? options = null)
    {
        using var document = Parse(json);
        return ParseContext(document.RootElement, options);
    }

    /// <summary>Parses a request with <c>principal</c>, <c>action</c>, <c>resource</c> and optional <c>context</c>.</summary>
    public static Request ParseRequest(JsonElement element, CedarJsonOptions? options = null)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new CedarJsonException("a request must be a JSON object");
        }

        return new Request(
            ParseEntityUid(Required(element, "principal")),
            ParseEntityUid(Required(element, "action")),
            ParseEntityUid(Required(element, "resource")),
            element.TryGetProperty("context", out var context) && context.ValueKind != JsonValueKind.Null ? ParseContext(context, options) : RecordValue.Empty);
    }

    private static JsonElement Required(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new CedarJsonException($"the request has no `{property}`");

    private static JsonDocument Parse(string json)
    {
        try
        {
            return JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException error)
        {
            throw new CedarJsonException($"invalid JSON: {error.Message}");
        }
        catch (ArgumentException)
        {
            // The reader transcodes to UTF-8 first; a lone surrogate half cannot be, and is the caller's input.
            throw new CedarJsonException("invalid JSON: the text contains an unpaired surrogate character");
        }
    }

    private static string Abbreviate(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length <= 60 ? text : text[..57] + "...";
    }

    // JSON text may escape a lone surrogate (`\udc00`): valid JSON, but not a string .NET can hold.
    private static string Text(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException) when (element.ValueKind == JsonValueKind.String)
        {
            throw UnpairedSurrogate();
        }
    }

    private static string NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            throw UnpairedSurrogate();
        }
    }

    private static CedarJsonException UnpairedSurrogate() =>
        new("invalid JSON: a string escapes an unpaired surrogate (`\\uD800`..`\\uDFFF` without its pair)");
}
