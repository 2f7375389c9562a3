using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Mandate.Cedar.Tests.Differential;

/// <summary>
/// A random application: a schema (entity types with attributes, optional attributes, tags and a membership
/// hierarchy; actions with their principal, resource and context types and action groups), entities that
/// mostly fit it (and sometimes not, so runtime errors happen), and requests over them.
/// </summary>
internal sealed class World
{
    private static readonly string[] Ids = ["a", "b", "c", "", "q\"uote", "é✓", "d"];

    private World(Random random)
    {
        Random = random;
        var typeCount = random.Next(2, 5);
        var types = new List<GenEntityType>();
        for (var i = 0; i < typeCount; i++)
        {
            var name = $"T{i}";
            var parents = Enumerable.Range(i + 1, typeCount - i - 1).Where(_ => random.Next(3) == 0).Select(j => $"T{j}").ToList();
            types.Add(new GenEntityType(name, Attributes(random, typeCount, 4), parents, random.Next(3) == 0 ? Pick(random, [GenType.String, GenType.Long]) : null));
        }

        EntityTypes = types;
        var actions = new List<GenAction>();
        for (var i = 0; i < random.Next(1, 4); i++)
        {
            actions.Add(new GenAction(
                $"act{i}",
                [.. types.Where(_ => random.Next(2) == 0).Select(t => t.Name).DefaultIfEmpty(types[0].Name)],
                [.. types.Where(_ => random.Next(2) == 0).Select(t => t.Name).DefaultIfEmpty(types[^1].Name)],
                Attributes(random, typeCount, 3),
                i > 0 && random.Next(2) == 0 ? ["group"] : []));
        }

        Actions = actions;
        Entities = [.. types.SelectMany(t => Ids.Take(random.Next(2, 5)).Select(id => (Type: t, Id: id)))];
    }

    public Random Random { get; }

    public IReadOnlyList<GenEntityType> EntityTypes { get; }

    public IReadOnlyList<GenAction> Actions { get; }

    public IReadOnlyList<(GenEntityType Type, string Id)> Entities { get; }

    public static World Create(Random random) => new(random);

    public static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public string SchemaText()
    {
        var text = new StringBuilder();
        foreach (var type in EntityTypes)
        {
            text.Append("entity ").Append(type.Name);
            if (type.Parents.Count > 0)
            {
                text.Append(" in [").Append(string.Join(", ", type.Parents)).Append(']');
            }

            text.Append(' ').Append(new GenType.Record(type.Attributes).Schema);
            if (type.Tags is not null)
            {
                text.Append(" tags ").Append(type.Tags.Schema);
            }

            text.AppendLine(";");
        }

        text.AppendLine("action group;");
        foreach (var action in Actions)
        {
            text.Append("action ").Append(action.Id);
            if (action.MemberOf.Count > 0)
            {
                text.Append(" in [").Append(string.Join(", ", action.MemberOf.Select(m => $"\"{m}\""))).Append(']');
            }

            text.Append(" appliesTo { principal: [").Append(string.Join(", ", action.Principals)).Append("], resource: [")
                .Append(string.Join(", ", action.Resources)).Append("], context: ").Append(new GenType.Record(action.Context).Schema).AppendLine(" };");
        }

        return text.ToString();
    }

    public JsonArray EntitiesJson()
    {
        var entities = new JsonArray();
        foreach (var (type, id) in Entities)
        {
            var attrs = new JsonObject();
            foreach (var attribute in type.Attributes)
            {
                if (attribute.Required ? Random.Next(25) != 0 : Random.Next(3) != 0)
                {
                    // Now and then a value of the wrong type, so evaluation errors are exercised too.
                    attrs[attribute.Name] = Random.Next(30) == 0 ? Value(GenType.Bool) : Value(attribute.Type);
                }
            }

            var parents = new JsonArray();
            foreach (var parent in Entities.Where(e => type.Parents.Contains(e.Type.Name) && Random.Next(3) == 0))
            {
                parents.Add(Uid(parent.Type.Name, parent.Id));
            }

            var entity = new JsonObject { ["uid"] = Uid(type.Name, id), ["attrs"] = attrs, ["parents"] = parents };
            if (type.Tags is not null)
            {
                var tags = new JsonObject();
                foreach (var key in new[] { "k1", "k2", "k3" }.Where(_ => Random.Next(2) == 0))
                {
                    tags[key] = Value(type.Tags);
                }

                entity["tags"] = tags;
            }

            entities.Add(entity);
        }

        foreach (var action in Actions)
        {
            var memberOf = new JsonArray();
            foreach (var group in action.MemberOf)
            {
                memberOf.Add(Uid("Action", group));
            }

            entities.Add(new JsonObject { ["uid"] = Uid("Action", action.Id), ["attrs"] = new JsonObject(), ["parents"] = memberOf });
        }

        return entities;
    }

    public JsonObject Request()
    {
        var action = Pick(Random, Actions);
        var context = new JsonObject();
        foreach (var attribute in action.Context)
        {
            if (attribute.Required || Random.Next(2) == 0)
            {
                context[attribute.Name] = Value(attribute.Type);
            }
        }

        return new JsonObject
        {
            ["principal"] = EntityFor(Pick(Random, action.Principals)),
            ["action"] = Uid("Action", action.Id),
            ["resource"] = EntityFor(Pick(Random, action.Resources)),
            ["context"] = context,
        };
    }

    /// <summary>A value of <paramref name="type"/> in Cedar's JSON form.</summary>
    public JsonNode Value(GenType type) => type switch
    {
        GenType.Primitive { Name: "Long" } => JsonValue.Create(Literals.DataLong(Random)),
        GenType.Primitive { Name: "String" } => JsonValue.Create(Pick(Random, Literals.Strings)),
        GenType.Primitive => JsonValue.Create(Random.Next(2) == 0),
        GenType.Entity entity => new JsonObject { ["__entity"] = Uid(entity.Name, Pick(Random, Ids[..3])) },
        GenType.Extension extension => new JsonObject
        {
            ["__extn"] = new JsonObject { ["fn"] = Literals.Constructor(extension.Name), ["arg"] = Literals.ExtensionArgument(Random, extension.Name) },
        },
        GenType.Set set => new JsonArray([.. Enumerable.Range(0, Random.Next(4)).Select(_ => Value(set.Element))]),
        GenType.Record record => new JsonObject(record.Attributes.Where(a => a.Required || Random.Next(2) == 0)
            .Select(a => KeyValuePair.Create(a.Name, (JsonNode?)Value(a.Type)))),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private JsonObject EntityFor(string type) =>
        Uid(type, Random.Next(10) == 0 ? "missing" : Pick(Random, Entities.Where(e => e.Type.Name == type).Select(e => e.Id).ToList()));

    private static JsonObject Uid(string type, string id) => new() { ["type"] = type, ["id"] = id };

    private static List<Attribute> Attributes(Random random, int typeCount, int max)
    {
        var attributes = new List<Attribute>();
        var count = random.Next(max + 1);
        for (var i = 0; i < count; i++)
        {
            attributes.Add(new Attribute($"f{i}", RandomType(random, typeCount, depth: 0), random.Next(3) != 0));
        }

        return attributes;
    }

    private static GenType RandomType(Random random, int typeCount, int depth) => random.Next(depth > 0 ? 8 : 10) switch
    {
        0 or 1 => GenType.Long,
        2 or 3 => GenType.String,
        4 => GenType.Bool,
        5 => new GenType.Entity($"T{random.Next(typeCount)}"),
        6 => new GenType.Extension(Pick(random, Literals.ExtensionTypes)),
        7 => new GenType.Extension(Pick(random, Literals.ExtensionTypes)),
        8 => new GenType.Set(RandomType(random, typeCount, depth + 1)),
        _ => new GenType.Record([new Attribute("x", GenType.Long, true), new Attribute("y", RandomType(random, typeCount, depth + 1), random.Next(2) == 0)]),
    };
}

/// <summary>Literal values the generator draws from, including the edges of every type.</summary>
internal static class Literals
{
    public static readonly string[] ExtensionTypes = ["ipaddr", "decimal", "datetime", "duration"];

    public static readonly string[] Strings = ["", "a", "abc", "a*c", "A", "é", "✓✓", "x\\y", "quo\"te", "\n", "abcabc"];

    // Longs in entity and context data stay within JavaScript's safe integers: cedar-wasm takes data as JavaScript
    // values and refuses any other number. Policy text (parsed by the reference itself) and arithmetic reach the
    // whole 64-bit range, so overflow at every edge is still compared.
    private static readonly long[] DataLongs = [0, 1, -1, 2, 7, 42, -100, 1000, 3037000499, 9007199254740991, -9007199254740991, 4294967296];

    // Longs in policy text, which the reference engine parses itself: every edge of 64-bit arithmetic.
    private static readonly string[] TextLongs = ["0", "1", "2", "3", "7", "42", "100", "1000", "9223372036854775807", "4611686018427387904", "3037000500", "9007199254740993"];

    public static long DataLong(Random random) => random.Next(3) == 0 ? random.Next(-5, 6) : World.Pick(random, DataLongs);

    public static string TextLong(Random random) => World.Pick(random, TextLongs);

    public static string Constructor(string type) => type == "ipaddr" ? "ip" : type;

    public static string ExtensionArgument(Random random, string type) => type switch
    {
        "ipaddr" => World.Pick(random, ["10.0.0.1", "10.1.2.3", "127.0.0.1", "192.168.0.0/16", "10.0.0.0/8", "::1", "224.0.0.1", "2001:db8::/32", "255.255.255.255"]),
        "decimal" => World.Pick(random, ["0.0", "1.5", "-2.25", "922337203685477.5807", "-922337203685477.5808", "3.1415", "100.0001"]),
        "datetime" => World.Pick(random, ["2024-01-01", "2024-10-15T11:35:00Z", "1970-01-01T00:00:00.001Z", "2024-10-15T11:35:00.123+0100", "2038-01-19T03:14:07Z"]),
        _ => World.Pick(random, ["1h", "-1d2h", "30m", "1d2h3m4s5ms", "0ms", "-7ms", "2d"]),
    };

    public static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                _ => c.ToString(CultureInfo.InvariantCulture),
            });
        }

        return quoted.Append('"').ToString();
    }
}
