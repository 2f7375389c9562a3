namespace Mandate.Cedar.Schema.Parsing;

/// Parses the Cedar (human-readable) schema syntax into namespaces of unresolved declarations.
internal sealed partial class CedarSchemaParser
{
    private readonly List<SchemaToken> _tokens;
    private int _index;

    private CedarSchemaParser(string text)
    {
        _tokens = new SchemaLexer(text).Tokenize();
    }

    private SchemaToken Current => _tokens[_index];

    public static List<RawNamespace> Parse(string text) => new CedarSchemaParser(text).ParseSchema();

    private List<RawNamespace> ParseSchema()
    {
        var root = new RawNamespace(string.Empty, SourcePosition.Unknown);
        var namespaces = new List<RawNamespace> { root };
        while (Current.Kind != SchemaTokenKind.End)
        {
            var annotations = ParseAnnotations();
            if (Current.IsKeyword("namespace"))
            {
                namespaces.Add(ParseNamespace());
            }
            else
            {
                ParseDeclaration(root, annotations);
            }
        }

        return namespaces;
    }

    private RawNamespace ParseNamespace()
    {
        var position = Next().Position;
        var name = ParsePath("a namespace name");
        var space = new RawNamespace(name, position);
        Expect("{", "to open the namespace body");
        while (!Current.Is("}"))
        {
            if (Current.Kind == SchemaTokenKind.End)
            {
                throw Error($"expected `}}` to close namespace `{name}`, found end of input");
            }

            var annotations = ParseAnnotations();
            if (Current.IsKeyword("namespace"))
            {
                throw Error("namespaces cannot be nested");
            }

            ParseDeclaration(space, annotations);
        }

        Next();
        return space;
    }

    private void ParseDeclaration(RawNamespace space, IReadOnlyDictionary<string, string> annotations)
    {
        if (Current.IsKeyword("entity"))
        {
            ParseEntity(space, annotations);
        }
        else if (Current.IsKeyword("action"))
        {
            ParseAction(space, annotations);
        }
        else if (Current.IsKeyword("type"))
        {
            var position = Next().Position;
            var name = ExpectIdentifier("a common type name");
            Expect("=", $"after common type name `{name}`");
            var type = ParseType();
            Expect(";", $"to end the declaration of common type `{name}`");
            space.CommonTypes.Add(new RawCommonTypeDeclaration(name, type, position));
        }
        else
        {
            throw Error($"expected `entity`, `action`, `type` or `namespace`, found {Current.Describe()}");
        }
    }

    private void ParseEntity(RawNamespace space, IReadOnlyDictionary<string, string> annotations)
    {
        Next();
        var names = new List<(string Name, SourcePosition Position)>();
        do
        {
            var position = Current.Position;
            names.Add((ExpectIdentifier("an entity type name"), position));
        }
        while (Accept(","));

        IReadOnlyList<RawName> memberOf = [];
        RawType? shape = null;
        RawType? tags = null;
        List<string>? enumIds = null;
        if (Current.IsKeyword("enum"))
        {
            Next();
            enumIds = ParseEnumIds();
        }
        else
        {
            if (Current.IsKeyword("in"))
            {
                Next();
                memberOf = ParseTypeNames();
            }

            if (Accept("=") || Current.Is("{"))
            {
                shape = ParseRecordType();
            }

            if (Current.IsKeyword("tags"))
            {
                Next();
                tags = ParseType();
            }
        }

        Expect(";", $"to end the declaration of entity type `{names[0].Name}`");
        foreach (var (name, namePosition) in names)
        {
            space.Entities.Add(new RawEntityDeclaration(name, memberOf, shape, tags, enumIds, annotations, namePosition));
        }
    }

    private List<string> ParseEnumIds()
    {
        Expect("[", "to open the list of enumerated ids");
        var ids = new List<string>();
        do
        {
            if (Current.Kind != SchemaTokenKind.String)
            {
                throw Error($"expected a string id in the enumeration, found {Current.Describe()}");
            }

            ids.Add(Next().Text);
        }
        while (Accept(",") && !Current.Is("]"));

        Expect("]", "to close the list of enumerated ids");
        return ids;
    }

    private void ParseAction(RawNamespace space, IReadOnlyDictionary<string, string> annotations)
    {
        Next();
        var names = new List<(string Name, SourcePosition Position)>();
        do
        {
            var position = Current.Position;
            names.Add((ParseName("an action name"), position));
        }
        while (Accept(","));

        IReadOnlyList<RawActionRef> memberOf = [];
        if (Current.IsKeyword("in"))
        {
            Next();
            memberOf = ParseActionRefs();
        }

        RawAppliesTo? appliesTo = null;
        if (Current.IsKeyword("appliesTo"))
        {
            Next();
            appliesTo = ParseAppliesTo(names[0].Name);
        }

        Expect(";", $"to end the declaration of action `{names[0].Name}`");
        foreach (var (name, position) in names)
        {
            space.Actions.Add(new RawActionDeclaration(name, memberOf, appliesTo, annotations, position));
        }
    }

    private List<RawActionRef> ParseActionRefs()
    {
        var refs = new List<RawActionRef>();
        if (!Accept("["))
        {
            refs.Add(ParseActionRef());
            return refs;
        }

        while (!Current.Is("]"))
        {
            refs.Add(ParseActionRef());
            if (!Accept(","))
            {
                break;
            }
        }

        Expect("]", "to close the list of action groups");
        return refs;
    }

    private RawActionRef ParseActionRef()
    {
        var position = Current.Position;
        if (Current.Kind == SchemaTokenKind.String)
        {
            return new RawActionRef(null, Next().Text, position);
        }

        var segments = new List<string> { ExpectIdentifier("an action name") };
        while (Accept("::"))
        {
            if (Current.Kind == SchemaTokenKind.String)
            {
                return new RawActionRef(string.Join("::", segments), Next().Text, position);
            }

            segments.Add(ExpectIdentifier("an identifier or a string after `::`"));
        }

        if (segments.Count > 1)
        {
            throw Error($"expected a quoted action id after `{string.Join("::", segments)}::`");
        }

        return new RawActionRef(null, segments[0], position);
    }

    private RawAppliesTo ParseAppliesTo(string action)
    {
        Expect("{", "to open `appliesTo`");
        List<RawName>? principals = null;
        List<RawName>? resources = null;
        RawType? context = null;
        var sawContext = false;
        while (!Current.Is("}"))
        {
            var key = Current;
            var keyName = ExpectIdentifier("`principal`, `resource` or `context`");
            Expect(":", $"after `{keyName}`");
            switch (keyName)
            {
                case "principal" when principals is null:
                    principals = ParseTypeNames();
                    break;
                case "resource" when resources is null:
                    resources = ParseTypeNames();
                    break;
                case "context" when !sawContext:
                    sawContext = true;
                    context = ParseType();
                    break;
                case "principal" or "resource" or "context":
                    throw new SchemaException(
                        "schema.syntax", $"`{keyName}` is declared twice in `appliesTo` of action `{action}`", key.Position.Line, key.Position.Column);
                default:
                    throw new SchemaException(
                        "schema.syntax", $"expected `principal`, `resource` or `context` in `appliesTo`, found `{keyName}`", key.Position.Line, key.Position.Column);
            }

            if (!Accept(","))
            {
                break;
            }
        }

        Expect("}", "to close `appliesTo`");
        if (principals is null || resources is null)
        {
            throw Error($"`appliesTo` of action `{action}` must declare both `principal` and `resource`");
        }

        return new RawAppliesTo(principals, resources, context);
    }

    private List<RawName> ParseTypeNames()
    {
        var names = new List<RawName>();
        if (!Accept("["))
        {
            var position = Current.Position;
            names.Add(new RawName(ParsePath("an entity type name"), position));
            return names;
        }

        while (!Current.Is("]"))
        {
            var position = Current.Position;
            names.Add(new RawName(ParsePath("an entity type name"), position));
            if (!Accept(","))
            {
                break;
            }
        }

        Expect("]", "to close the list of entity types");
        return names;
    }
}
