using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Syntax;

/// <summary>Recursive-descent parser for Cedar policies and expressions over a token list.</summary>
internal sealed partial class Parser
{
    /// <summary>How deeply parentheses, brackets and operands may nest before the parser refuses the input.</summary>
    internal const int MaxNesting = 128;

    /// <summary>The tallest expression tree accepted, so evaluation can recurse without exhausting the stack.</summary>
    internal const int MaxExpressionDepth = 512;

    /// <summary>How many identical prefix operators (<c>!</c> or <c>-</c>) may be chained, as in Cedar.</summary>
    internal const int MaxUnaryChain = 4;

    private readonly List<Token> _tokens;
    private int _index;
    private int _nesting;

    public Parser(string text)
    {
        _tokens = Lexer.Tokenize(text);
    }

    /// <summary>
    /// A parser that also collects the text's comments into <paramref name="comments"/> and, for each policy it parses,
    /// where the parts of its layout start (<see cref="Layouts"/>): what the formatter needs to keep the comments.
    /// </summary>
    public Parser(string text, List<Comment> comments)
    {
        _tokens = Lexer.Tokenize(text, comments);
        Layouts = [];
    }

    /// <summary>The parsed policies' layouts, in order; only from a parser that collects comments.</summary>
    internal List<PolicyLayout>? Layouts { get; }

    /// <summary>Every token of the text, the last one the end of input.</summary>
    internal IReadOnlyList<Token> Tokens => _tokens;

    internal Token Current => _tokens[_index];

    internal Token PeekAhead(int offset) => _tokens[Math.Min(_index + offset, _tokens.Count - 1)];

    internal bool AtEnd => Current.Kind == TokenKind.EndOfInput;

    internal Token Advance()
    {
        var token = _tokens[_index];
        if (token.Kind != TokenKind.EndOfInput)
        {
            _index++;
        }

        return token;
    }

    internal bool Accept(TokenKind kind)
    {
        if (Current.Kind != kind)
        {
            return false;
        }

        Advance();
        return true;
    }

    internal bool AcceptKeyword(string keyword)
    {
        if (!Current.IsIdentifier(keyword))
        {
            return false;
        }

        Advance();
        return true;
    }

    internal Token Expect(TokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            throw Error($"expected {what}, found {Current.Describe()}");
        }

        return Advance();
    }

    internal void ExpectKeyword(string keyword)
    {
        if (!AcceptKeyword(keyword))
        {
            throw Error($"expected `{keyword}`, found {Current.Describe()}");
        }
    }

    internal string ExpectIdentifier(string what) => Expect(TokenKind.Identifier, what).Text;

    internal CedarParseException Error(string message) => new(message, Current.Location);

    internal void ExpectEnd(string what)
    {
        if (!AtEnd)
        {
            throw Error($"unexpected {Current.Describe()} after {what}");
        }
    }

    internal string ReadString(string what)
    {
        var token = Expect(TokenKind.String, what);
        return StringEscapes.Unescape(token.Text, token.Location);
    }

    /// <summary>Reads <c>A::B::C</c>; stops before a <c>::</c> that is followed by a string.</summary>
    internal Name ReadName(string what)
    {
        var segments = new List<string> { ReadNameSegment(what) };
        while (Current.Kind == TokenKind.DoubleColon && PeekAhead(1).Kind == TokenKind.Identifier)
        {
            Advance();
            segments.Add(ReadNameSegment(what));
        }

        return Name.FromSegments(segments);
    }

    private string ReadNameSegment(string what)
    {
        var token = Expect(TokenKind.Identifier, what);
        if (IsReserved(token.Text))
        {
            throw new CedarParseException($"`{token.Text}` is a reserved word and cannot be used in a name", token.Location);
        }

        return token.Text;
    }

    /// <summary>Refuses a reserved word used as a bare attribute name (quoting it is allowed).</summary>
    internal void RefuseReservedAttribute(Token token)
    {
        if (IsReserved(token.Text))
        {
            throw new CedarParseException($"`{token.Text}` is a reserved word: write the attribute as a string, as in `[\"{token.Text}\"]` or `\"{token.Text}\": ...`", token.Location);
        }
    }

    /// <summary>Words Cedar reserves: they cannot name entity types, namespaces or bare attributes.</summary>
    internal static bool IsReserved(string identifier) => identifier is
        "true" or "false" or "if" or "then" or "else" or "in" or "is" or "like" or "has" or "__cedar";

    /// <summary>Reads an entity reference <c>Type::"id"</c>.</summary>
    internal EntityUid ReadEntityUid()
    {
        var start = Current.Location;
        if (Current.Kind != TokenKind.Identifier)
        {
            throw Error($"expected an entity reference such as `User::\"alice\"`, found {Current.Describe()}");
        }

        var type = ReadName("an entity type");
        if (Current.Kind != TokenKind.DoubleColon || PeekAhead(1).Kind != TokenKind.String)
        {
            throw new CedarParseException($"expected an entity reference such as `{type}::\"id\"`", start);
        }

        Advance();
        return new EntityUid(type, ReadString("an entity id"));
    }

    internal void Enter()
    {
        if (++_nesting > MaxNesting)
        {
            throw Error($"expression nesting exceeds the limit of {MaxNesting} levels");
        }
    }

    internal void Leave() => _nesting--;
}
