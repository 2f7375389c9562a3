using System.Globalization;
using System.Text;

namespace Mandate.Cedar.Schema.Parsing;

/// Splits Cedar-syntax schema text into tokens, skipping whitespace and `//` comments.
internal sealed class SchemaLexer(string text)
{
    private readonly string _text = text;
    private int _offset;
    private int _line = 1;
    private int _column = 1;

    public List<SchemaToken> Tokenize()
    {
        var tokens = new List<SchemaToken>();
        while (true)
        {
            SkipTrivia();
            var position = new SourcePosition(_line, _column);
            if (_offset >= _text.Length)
            {
                tokens.Add(new SchemaToken(SchemaTokenKind.End, string.Empty, position));
                return tokens;
            }

            var c = _text[_offset];
            if (c == '"')
            {
                tokens.Add(new SchemaToken(SchemaTokenKind.String, ReadString(position), position));
            }
            else if (IsIdentifierStart(c))
            {
                var start = _offset;
                while (_offset < _text.Length && IsIdentifierPart(_text[_offset]))
                {
                    Advance();
                }

                tokens.Add(new SchemaToken(SchemaTokenKind.Identifier, _text[start.._offset], position));
            }
            else if (c == ':' && Peek(1) == ':')
            {
                Advance();
                Advance();
                tokens.Add(new SchemaToken(SchemaTokenKind.Punctuation, "::", position));
            }
            else if ("{}[]()<>,;:=?@".Contains(c, StringComparison.Ordinal))
            {
                Advance();
                tokens.Add(new SchemaToken(SchemaTokenKind.Punctuation, c.ToString(), position));
            }
            else
            {
                throw new SchemaException(
                    "schema.syntax", $"unexpected character `{c}`", position.Line, position.Column);
            }
        }
    }

    private static bool IsIdentifierStart(char c) => c == '_' || char.IsAsciiLetter(c);

    private static bool IsIdentifierPart(char c) => c == '_' || char.IsAsciiLetterOrDigit(c);

    private char Peek(int ahead) => _offset + ahead < _text.Length ? _text[_offset + ahead] : '\0';

    private void Advance()
    {
        if (_text[_offset] == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }

        _offset++;
    }

    private void SkipTrivia()
    {
        while (_offset < _text.Length)
        {
            var c = _text[_offset];
            if (char.IsWhiteSpace(c))
            {
                Advance();
            }
            else if (c == '/' && Peek(1) == '/')
            {
                while (_offset < _text.Length && _text[_offset] != '\n')
                {
                    Advance();
                }
            }
            else
            {
                return;
            }
        }
    }

    private string ReadString(SourcePosition start)
    {
        Advance();
        var value = new StringBuilder();
        while (true)
        {
            if (_offset >= _text.Length)
            {
                throw new SchemaException("schema.syntax", "unterminated string", start.Line, start.Column);
            }

            var c = _text[_offset];
            if (c == '"')
            {
                Advance();
                return value.ToString();
            }

            if (c != '\\')
            {
                value.Append(c);
                Advance();
                continue;
            }

            var escapePosition = new SourcePosition(_line, _column);
            Advance();
            if (_offset >= _text.Length)
            {
                throw new SchemaException("schema.syntax", "unterminated string", start.Line, start.Column);
            }

            var escape = _text[_offset];
            Advance();
            switch (escape)
            {
                case 'n': value.Append('\n'); break;
                case 'r': value.Append('\r'); break;
                case 't': value.Append('\t'); break;
                case '0': value.Append('\0'); break;
                case '\\': value.Append('\\'); break;
                case '"': value.Append('"'); break;
                case '\'': value.Append('\''); break;
                case 'x': value.Append(ReadAsciiEscape(escapePosition)); break;
                case 'u': value.Append(ReadUnicodeEscape(escapePosition)); break;
                default:
                    throw new SchemaException(
                        "schema.syntax", $"invalid escape `\\{escape}` in string", escapePosition.Line, escapePosition.Column);
            }
        }
    }

    private char ReadAsciiEscape(SourcePosition position)
    {
        if (_offset + 2 <= _text.Length
            && int.TryParse(_text.AsSpan(_offset, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            && code <= 0x7F)
        {
            Advance();
            Advance();
            return (char)code;
        }

        throw new SchemaException("schema.syntax", "invalid `\\x` escape: expected two hex digits up to `7f`", position.Line, position.Column);
    }

    private string ReadUnicodeEscape(SourcePosition position)
    {
        var close = _text.IndexOf('}', _offset);
        if (_offset >= _text.Length || _text[_offset] != '{' || close < 0 || close - _offset - 1 is < 1 or > 6
            || !int.TryParse(_text.AsSpan(_offset + 1, close - _offset - 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            || code > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF)
        {
            throw new SchemaException("schema.syntax", "invalid `\\u{...}` escape: expected 1 to 6 hex digits naming a unicode scalar value", position.Line, position.Column);
        }

        while (_offset <= close)
        {
            Advance();
        }

        return char.ConvertFromUtf32(code);
    }
}
