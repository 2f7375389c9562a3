namespace Mandate.Cedar.Schema.Parsing;

internal sealed partial class CedarSchemaParser
{
    /// <summary>How deeply sets and records may nest in one type; deeper types are refused before they can exhaust the stack.</summary>
    internal const int MaxTypeNesting = 128;

    private int _typeNesting;

    private RawType ParseType()
    {
        var position = Current.Position;
        if (!Current.Is("{") && !(Current.IsKeyword("Set") && _tokens[_index + 1].Is("<")))
        {
            return new RawNamedType(ParsePath("a type"), position);
        }

        if (++_typeNesting > MaxTypeNesting)
        {
            throw Error($"type nesting exceeds the limit of {MaxTypeNesting} levels");
        }

        try
        {
            if (Current.Is("{"))
            {
                return ParseRecordType();
            }

            Next();
            Next();
            var element = ParseType();
            Expect(">", "to close `Set<...>`");
            return new RawSetType(element, position);
        }
        finally
        {
            _typeNesting--;
        }
    }

    private RawRecordType ParseRecordType()
    {
        var position = Current.Position;
        Expect("{", "to open a record type");
        var attributes = new List<RawAttribute>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (!Current.Is("}"))
        {
            ParseAnnotations();
            var attributePosition = Current.Position;
            var name = ParseName("an attribute name");
            if (!seen.Add(name))
            {
                throw new SchemaException(
                    "schema.duplicate", $"attribute `{name}` is declared twice", attributePosition.Line, attributePosition.Column);
            }

            var required = !Accept("?");
            Expect(":", $"after attribute name `{name}`");
            attributes.Add(new RawAttribute(name, ParseType(), required, attributePosition));
            if (!Accept(","))
            {
                break;
            }
        }

        Expect("}", "to close the record type");
        return new RawRecordType(attributes, position);
    }

    private Dictionary<string, string> ParseAnnotations()
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        while (Current.Is("@"))
        {
            Next();
            var position = Current.Position;
            var key = ExpectIdentifier("an annotation name after `@`");
            var value = string.Empty;
            if (Accept("("))
            {
                if (Current.Kind != SchemaTokenKind.String)
                {
                    throw Error($"expected a string annotation value, found {Current.Describe()}");
                }

                value = Next().Text;
                Expect(")", $"to close annotation `@{key}`");
            }

            if (!annotations.TryAdd(key, value))
            {
                throw new SchemaException("schema.duplicate", $"annotation `@{key}` appears twice", position.Line, position.Column);
            }
        }

        return annotations;
    }

    private string ParsePath(string what)
    {
        var segments = new List<string> { ExpectIdentifier(what) };
        while (Current.Is("::"))
        {
            Next();
            segments.Add(ExpectIdentifier($"an identifier after `{string.Join("::", segments)}::`"));
        }

        return string.Join("::", segments);
    }

    private string ParseName(string what)
    {
        if (Current.Kind == SchemaTokenKind.String)
        {
            return Next().Text;
        }

        return ExpectIdentifier(what);
    }

    private string ExpectIdentifier(string what)
    {
        if (Current.Kind != SchemaTokenKind.Identifier)
        {
            throw Error($"expected {what}, found {Current.Describe()}");
        }

        return Next().Text;
    }

    private void Expect(string punctuation, string purpose)
    {
        if (!Accept(punctuation))
        {
            throw Error($"expected `{punctuation}` {purpose}, found {Current.Describe()}");
        }
    }

    private bool Accept(string punctuation)
    {
        if (!Current.Is(punctuation))
        {
            return false;
        }

        _index++;
        return true;
    }

    private SchemaToken Next()
    {
        var token = Current;
        if (token.Kind != SchemaTokenKind.End)
        {
            _index++;
        }

        return token;
    }

    private SchemaException Error(string message) =>
        new("schema.syntax", message, Current.Position.Line, Current.Position.Column);
}
