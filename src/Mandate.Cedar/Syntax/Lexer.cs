namespace Mandate.Cedar.Syntax;

/// <summary>
/// Splits Cedar text into tokens, skipping whitespace and <c>//</c> comments (collected into
/// <paramref name="comments"/> when it is given, for the formatter).
/// </summary>
internal sealed class Lexer(string text, List<Comment>? comments = null)
{
    private readonly string _text = text;
    private readonly List<Comment>? _comments = comments;
    private int _position;
    private int _line = 1;
    private int _lineStart;

    public static List<Token> Tokenize(string text, List<Comment>? comments = null)
    {
        var lexer = new Lexer(text, comments);
        var tokens = new List<Token>();
        Token token;
        do
        {
            token = lexer.Next();
            tokens.Add(token);
        }
        while (token.Kind != TokenKind.EndOfInput);

        return tokens;
    }

    private SourceLocation Here => new(_line, _position - _lineStart + 1, _position);

    private Token Next()
    {
        SkipTrivia();
        var start = Here;
        if (_position >= _text.Length)
        {
            return new Token(TokenKind.EndOfInput, string.Empty, start);
        }

        var c = _text[_position];
        if (char.IsAsciiLetter(c) || c == '_')
        {
            return new Token(TokenKind.Identifier, ReadIdentifier(), start);
        }

        if (char.IsAsciiDigit(c))
        {
            var begin = _position;
            while (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
            {
                _position++;
            }

            return new Token(TokenKind.Integer, _text[begin.._position], start);
        }

        if (c == '"')
        {
            return new Token(TokenKind.String, ReadStringBody(start), start);
        }

        if (c == '?' && _position + 1 < _text.Length && (char.IsAsciiLetter(_text[_position + 1]) || _text[_position + 1] == '_'))
        {
            _position++;
            return new Token(TokenKind.Slot, ReadIdentifier(), start);
        }

        var two = _position + 1 < _text.Length ? _text.Substring(_position, 2) : string.Empty;
        var kind2 = two switch
        {
            "::" => TokenKind.DoubleColon,
            "==" => TokenKind.Equal,
            "!=" => TokenKind.NotEqual,
            "<=" => TokenKind.LessOrEqual,
            ">=" => TokenKind.GreaterOrEqual,
            "&&" => TokenKind.And,
            "||" => TokenKind.Or,
            _ => (TokenKind?)null,
        };
        if (kind2 is { } k2)
        {
            _position += 2;
            return new Token(k2, two, start);
        }

        TokenKind? kind1 = c switch
        {
            '@' => TokenKind.At,
            '(' => TokenKind.LeftParen,
            ')' => TokenKind.RightParen,
            '{' => TokenKind.LeftBrace,
            '}' => TokenKind.RightBrace,
            '[' => TokenKind.LeftBracket,
            ']' => TokenKind.RightBracket,
            ',' => TokenKind.Comma,
            ';' => TokenKind.Semicolon,
            ':' => TokenKind.Colon,
            '.' => TokenKind.Dot,
            '<' => TokenKind.Less,
            '>' => TokenKind.Greater,
            '!' => TokenKind.Bang,
            '+' => TokenKind.Plus,
            '-' => TokenKind.Minus,
            '*' => TokenKind.Star,
            '?' => TokenKind.Question,
            '=' => TokenKind.Assign,
            _ => null,
        };
        if (kind1 is { } k1)
        {
            _position++;
            return new Token(k1, c.ToString(), start);
        }

        throw new CedarParseException($"unexpected character `{c}`", start);
    }

    private string ReadIdentifier()
    {
        var begin = _position;
        while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] == '_'))
        {
            _position++;
        }

        return _text[begin.._position];
    }

    private string ReadStringBody(SourceLocation start)
    {
        _position++;
        var begin = _position;
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c == '"')
            {
                var body = _text[begin.._position];
                _position++;
                return body;
            }

            if (c == '\\')
            {
                _position++;
            }
            else if (c == '\n')
            {
                _line++;
                _lineStart = _position + 1;
            }

            _position++;
        }

        throw new CedarParseException("unterminated string literal", start);
    }

    private void SkipTrivia()
    {
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c == '\n')
            {
                _position++;
                _line++;
                _lineStart = _position;
            }
            else if (char.IsWhiteSpace(c))
            {
                _position++;
            }
            else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '/')
            {
                var start = _position;
                while (_position < _text.Length && _text[_position] != '\n')
                {
                    _position++;
                }

                _comments?.Add(new Comment(_text[start.._position].TrimEnd(), start, _text.AsSpan(_lineStart, start - _lineStart).IsWhiteSpace()));
            }
            else
            {
                return;
            }
        }
    }
}
