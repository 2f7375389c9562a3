using System.Text;
using System.Text.Json;
using Mandate.Cedar.Values;
using Mandate.Core.Errors;

namespace Mandate.Server.Access;

/// <summary>
/// Reads the bodies of <c>POST /access/v1/evaluation</c> and <c>/evaluations</c> straight off the JSON reader. The
/// serializer binds these records through their constructors, and for that it allocated, on every call, a frame array
/// for the nested objects, argument state and a bit array: about a fifth of everything a decision allocated. The
/// contract is the one the serializer kept with the server's options: member names match case-insensitively, unknown
/// members are skipped, required members must be present and non-null, and each member must have its JSON type.
/// Errors name the member (<c>subject.type</c>, <c>evaluations[2].resource</c>); malformed JSON is the reader's
/// <see cref="JsonException"/>, with its line and byte.
/// </summary>
internal static class AuthZenReader
{
    /// <summary>Reads an evaluation request; <paramref name="reader"/> stands before the body's first token.</summary>
    public static EvaluationRequest ReadEvaluation(ref Utf8JsonReader reader)
    {
        Begin(ref reader);
        var body = ReadMembers(ref reader, Shape.Evaluation, index: null);
        End(ref reader);
        return new EvaluationRequest(
            body.Subject ?? throw Missing(new Field(Member: "subject")),
            body.Action ?? throw Missing(new Field(Member: "action")),
            body.Resource ?? throw Missing(new Field(Member: "resource")),
            body.Context,
            body.Options) { ContextFields = body.ContextFields };
    }

    /// <summary>Reads a batch request; <paramref name="reader"/> stands before the body's first token.</summary>
    public static EvaluationsRequest ReadEvaluations(ref Utf8JsonReader reader)
    {
        Begin(ref reader);
        var body = ReadMembers(ref reader, Shape.Batch, index: null);
        End(ref reader);
        return new EvaluationsRequest(body.Subject, body.Action, body.Resource, body.Context, body.Evaluations, body.Options)
        {
            ContextFields = body.ContextFields,
        };
    }

    /// <summary>
    /// Reads the members of the object the reader stands at: subject, action, resource and context in every shape,
    /// options in a request, evaluations in a batch; anything else is skipped. Only a single evaluation's subject,
    /// action and resource may not be null.
    /// </summary>
    private static Members ReadMembers(ref Utf8JsonReader reader, Shape shape, int? index)
    {
        var nullable = shape != Shape.Evaluation;
        var members = default(Members);
        while (NextMember(ref reader))
        {
            if (NameIs(ref reader, "subject"u8))
            {
                members.Subject = ReadEntity(ref reader, new Field(index, "subject"), nullable);
            }
            else if (NameIs(ref reader, "action"u8))
            {
                members.Action = ReadAction(ref reader, new Field(index, "action"), nullable);
            }
            else if (NameIs(ref reader, "resource"u8))
            {
                members.Resource = ReadEntity(ref reader, new Field(index, "resource"), nullable);
            }
            else if (NameIs(ref reader, "context"u8))
            {
                ReadContext(ref reader, ref members);
            }
            else if (shape != Shape.Item && NameIs(ref reader, "options"u8))
            {
                members.Options = ReadOptions(ref reader);
            }
            else if (shape == Shape.Batch && NameIs(ref reader, "evaluations"u8))
            {
                members.Evaluations = ReadItems(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return members;
    }

    private static List<EvaluationItem>? ReadItems(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Invalid(new Field(Member: "evaluations"), "must be a JSON array");
        }

        var items = new List<EvaluationItem>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Invalid(new Field(items.Count), "must be a JSON object");
            }

            var item = ReadMembers(ref reader, Shape.Item, items.Count);
            items.Add(new EvaluationItem(item.Subject, item.Action, item.Resource, item.Context) { ContextFields = item.ContextFields });
        }

        return items;
    }

    private static EntityRef? ReadEntity(ref Utf8JsonReader reader, Field field, bool nullable)
    {
        if (!StartObject(ref reader, field, nullable))
        {
            return null;
        }

        string? type = null, id = null;
        JsonElement? properties = null;
        while (NextMember(ref reader))
        {
            if (NameIs(ref reader, "type"u8))
            {
                type = ReadName(ref reader, field with { Leaf = "type" });
            }
            else if (NameIs(ref reader, "id"u8))
            {
                id = ReadString(ref reader, field with { Leaf = "id" });
            }
            else if (NameIs(ref reader, "properties"u8))
            {
                properties = ReadElement(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return new EntityRef(type ?? throw Missing(field with { Leaf = "type" }), id ?? throw Missing(field with { Leaf = "id" }), properties);
    }

    private static ActionRef? ReadAction(ref Utf8JsonReader reader, Field field, bool nullable)
    {
        if (!StartObject(ref reader, field, nullable))
        {
            return null;
        }

        string? name = null;
        JsonElement? properties = null;
        while (NextMember(ref reader))
        {
            if (NameIs(ref reader, "name"u8))
            {
                name = ReadName(ref reader, field with { Leaf = "name" });
            }
            else if (NameIs(ref reader, "properties"u8))
            {
                properties = ReadElement(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return new ActionRef(name ?? throw Missing(field with { Leaf = "name" }), properties);
    }

    private static EvaluationOptions? ReadOptions(ref Utf8JsonReader reader)
    {
        var field = new Field(Member: "options");
        if (!StartObject(ref reader, field, nullable: true))
        {
            return null;
        }

        string? semantic = null;
        var explain = false;
        while (NextMember(ref reader))
        {
            if (NameIs(ref reader, "evaluations_semantic"u8))
            {
                reader.Read();
                semantic = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Null => null,
                    _ => throw Invalid(field with { Leaf = "evaluations_semantic" }, "must be a string"),
                };
            }
            else if (NameIs(ref reader, "explain"u8))
            {
                reader.Read();
                explain = reader.TokenType switch
                {
                    JsonTokenType.True => true,
                    JsonTokenType.False => false,
                    _ => throw Invalid(field with { Leaf = "explain" }, "must be true or false"),
                };
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return new EvaluationOptions(semantic, explain);
    }

    // The body: one JSON object.
    private static void Begin(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw MandateException.Invalid("body", "the request body is empty; send a JSON object");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw MandateException.Invalid("body", reader.TokenType == JsonTokenType.Null
                ? "the request body is `null`; send a JSON object"
                : "the request body has the wrong shape: expected a JSON object");
        }
    }

    // Nothing may follow the body's object (the reader itself refuses anything but whitespace there).
    private static void End(ref Utf8JsonReader reader)
    {
        if (reader.Read())
        {
            throw MandateException.Invalid("body", "the request body holds more than one JSON value");
        }
    }

    // Reads the member's value, which must be an object (or null when allowed: false).
    private static bool StartObject(ref Utf8JsonReader reader, Field field, bool nullable)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.StartObject => true,
            JsonTokenType.Null when nullable => false,
            _ => throw Invalid(field, "must be a JSON object"),
        };
    }

    // Moves to the next member's name; false at the end of the object.
    private static bool NextMember(ref Utf8JsonReader reader) => reader.Read() && reader.TokenType == JsonTokenType.PropertyName;

    private static string ReadString(ref Utf8JsonReader reader, Field field)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw Invalid(field, "must be a string");
    }

    // Entity types, action names and the member names of flat contexts are made into strings once and shared (see
    // SharedByName); only short names are looked up.
    private const int MaxNameLength = 128;
    private static readonly SharedByName<string> Names = new(1024);

    private static string ReadName(ref Utf8JsonReader reader, Field field)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Invalid(field, "must be a string");
        }

        return SharedString(ref reader);
    }

    // The string or member name the reader stands at, shared when it is one of the known names (see above).
    private static string SharedString(ref Utf8JsonReader reader)
    {
        if (reader.HasValueSequence || reader.ValueSpan.Length > MaxNameLength)
        {
            return reader.GetString()!;
        }

        // A string's UTF-8 bytes are at least as many as its UTF-16 units, so the copy fits.
        Span<char> chars = stackalloc char[MaxNameLength];
        var name = chars[..reader.CopyString(chars)];
        if (Names.TryGet(name, out var known))
        {
            return known;
        }

        // The runtime's instance when it has one (the attribute names of compiled policies are there), so that a context
        // member a policy reads is found by reference; asked only the first time a name is seen.
        var made = name.ToString();
        made = string.IsInterned(made) ?? made;
        return Names.Share(made, made);
    }

    /// <summary>
    /// Reads <c>context</c>. Most contexts are a few strings, integers and booleans (a purpose, a ticket, a flag): those
    /// are read straight into Cedar values, their member names shared like entity types, and no JSON document is built.
    /// Anything else (a nested value, a null, a number that is not a 64-bit integer, a repeated member, a string the
    /// reader cannot decode) rewinds the reader and keeps the context as an element, for the full Cedar conversion and
    /// its errors.
    /// </summary>
    private static void ReadContext(ref Utf8JsonReader reader, ref Members members)
    {
        var start = reader;
        if (ReadFlatRecord(ref reader) is { } fields)
        {
            members.ContextFields = fields;
            members.Context = null;
            return;
        }

        reader = start;
        members.Context = ReadElement(ref reader);
        members.ContextFields = null;
    }

    // Most members a context read straight off the reader may have; a larger one is converted from its element.
    private const int MaxFlatFields = 16;

    [ThreadStatic]
    private static KeyValuePair<string, CedarValue>[]? t_flatFields;

    private static KeyValuePair<string, CedarValue>[]? ReadFlatRecord(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        // The fields gather in this thread's scratch (the reader never awaits), and only the exact array is made.
        var fields = t_flatFields ??= new KeyValuePair<string, CedarValue>[MaxFlatFields];
        var count = 0;
        try
        {
            while (NextMember(ref reader))
            {
                if (count == MaxFlatFields)
                {
                    return null;
                }

                var name = SharedString(ref reader);
                reader.Read();
                CedarValue value;
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        value = new StringValue(reader.GetString()!);
                        break;
                    case JsonTokenType.Number when reader.TryGetInt64(out var number):
                        value = new LongValue(number);
                        break;
                    case JsonTokenType.True:
                        value = BoolValue.True;
                        break;
                    case JsonTokenType.False:
                        value = BoolValue.False;
                        break;
                    default:
                        return null;
                }

                for (var i = 0; i < count; i++)
                {
                    if (string.Equals(fields[i].Key, name, StringComparison.Ordinal))
                    {
                        return null;
                    }
                }

                fields[count++] = new(name, value);
            }

            return fields.AsSpan(0, count).ToArray();
        }
        catch (InvalidOperationException)
        {
            // A string escaping an unpaired surrogate: the Cedar conversion names the problem.
            return null;
        }
        finally
        {
            // The scratch must not keep a request's values alive.
            fields.AsSpan(0, count).Clear();
        }
    }

    // Any JSON value, kept as an element for the Cedar conversion; null stands for absent.
    private static JsonElement? ReadElement(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Null ? null : JsonElement.ParseValue(ref reader);
    }

    private static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    // Member names match case-insensitively, as the server's JSON options have them do everywhere.
    private static bool NameIs(ref Utf8JsonReader reader, ReadOnlySpan<byte> name) =>
        reader.HasValueSequence || reader.ValueIsEscaped
            ? string.Equals(reader.GetString(), Encoding.UTF8.GetString(name), StringComparison.OrdinalIgnoreCase)
            : Ascii.EqualsIgnoreCase(reader.ValueSpan, name);

    private static MandateException Missing(Field field) =>
        MandateException.Invalid(field.Path, $"the request body is missing required member `{field.Path}`");

    private static MandateException Invalid(Field field, string problem) =>
        MandateException.Invalid(field.Path, $"`{field.Path}` {problem}");

    /// <summary>Which members an object may have besides subject, action, resource and context.</summary>
    private enum Shape
    {
        /// <summary>A single evaluation: options; subject, action and resource are required.</summary>
        Evaluation,

        /// <summary>A batch: options and evaluations.</summary>
        Batch,

        /// <summary>An item of a batch: nothing more.</summary>
        Item,
    }

    private struct Members
    {
        public EntityRef? Subject;
        public ActionRef? Action;
        public EntityRef? Resource;
        public JsonElement? Context;
        public KeyValuePair<string, CedarValue>[]? ContextFields;
        public EvaluationOptions? Options;
        public List<EvaluationItem>? Evaluations;
    }

    /// <summary>
    /// Where a member is (in the body, or in item <see cref="Index"/> of <c>evaluations</c>), spelled out only when an
    /// error names it: <c>evaluations[2].subject.type</c>.
    /// </summary>
    private readonly record struct Field(int? Index = null, string? Member = null, string? Leaf = null)
    {
        public string Path =>
            string.Join('.', new[] { Index is { } index ? $"evaluations[{index}]" : null, Member, Leaf }.Where(part => part is not null));
    }
}
