using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Mandate.Cedar.Ast;

namespace Mandate.Cedar.Syntax;

/// <summary>Decodes the escapes of Cedar string literals and <c>like</c> patterns.</summary>
internal static class StringEscapes
{
    public static string Unescape(string body, SourceLocation location)
    {
        if (!body.Contains('\\', StringComparison.Ordinal))
        {
            return body;
        }

        var builder = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            i = ReadEscape(body, i, builder, location, allowStar: false);
        }

        return builder.ToString();
    }

    public static Pattern UnescapePattern(string body, SourceLocation location)
    {
        var elements = ImmutableArray.CreateBuilder<PatternElement>();
        var literal = new StringBuilder();
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '*')
            {
                if (literal.Length > 0)
                {
                    elements.Add(new PatternElement(false, literal.ToString()));
                    literal.Clear();
                }

                if (elements.Count == 0 || !elements[^1].IsWildcard)
                {
                    elements.Add(PatternElement.Wildcard);
                }

                continue;
            }

            if (c != '\\')
            {
                literal.Append(c);
                continue;
            }

            i = ReadEscape(body, i, literal, location, allowStar: true);
        }

        if (literal.Length > 0)
        {
            elements.Add(new PatternElement(false, literal.ToString()));
        }

        return new Pattern(elements.ToImmutable());
    }

    // Reads the escape starting at body[index] (a backslash) and returns the index of its last character.
    private static int ReadEscape(string body, int index, StringBuilder output, SourceLocation location, bool allowStar)
    {
        if (index + 1 >= body.Length)
        {
            throw new CedarParseException("incomplete escape sequence at the end of a string", location);
        }

        var next = body[index + 1];
        switch (next)
        {
            case 'n': output.Append('\n'); return index + 1;
            case 'r': output.Append('\r'); return index + 1;
            case 't': output.Append('\t'); return index + 1;
            case '0': output.Append('\0'); return index + 1;
            case '\\': output.Append('\\'); return index + 1;
            case '\'': output.Append('\''); return index + 1;
            case '"': output.Append('"'); return index + 1;
            case '*' when allowStar:
                output.Append('*');
                return index + 1;
            case 'u':
                return ReadUnicodeEscape(body, index, output, location);
            case 'x':
                return ReadHexEscape(body, index, output, location);
            default:
                throw new CedarParseException($"invalid escape sequence `\\{next}` in a string", location);
        }
    }

    private static int ReadUnicodeEscape(string body, int index, StringBuilder output, SourceLocation location)
    {
        if (index + 2 >= body.Length || body[index + 2] != '{')
        {
            throw new CedarParseException("invalid unicode escape: expected `\\u{...}`", location);
        }

        var close = body.IndexOf('}', index + 3);
        var digits = close < 0 ? string.Empty : body[(index + 3)..close];
        if (close < 0 || digits.Length is 0 or > 6 || !digits.All(char.IsAsciiHexDigit))
        {
            throw new CedarParseException("invalid unicode escape: expected one to six hex digits in `\\u{...}`", location);
        }

        var scalar = int.Parse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (!Rune.IsValid(scalar))
        {
            throw new CedarParseException($"invalid unicode escape: `{digits}` is not a unicode scalar value", location);
        }

        output.Append(new Rune(scalar).ToString());
        return close;
    }

    private static int ReadHexEscape(string body, int index, StringBuilder output, SourceLocation location)
    {
        if (index + 3 >= body.Length || !char.IsAsciiHexDigit(body[index + 2]) || !char.IsAsciiHexDigit(body[index + 3]))
        {
            throw new CedarParseException("invalid hex escape: expected `\\xHH`", location);
        }

        var value = int.Parse(body.AsSpan(index + 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (value > 0x7f)
        {
            throw new CedarParseException("invalid hex escape: values above `\\x7f` are not allowed", location);
        }

        output.Append((char)value);
        return index + 3;
    }
}
