namespace Mandate.Cedar.Syntax;

/// <summary>The kinds of tokens in Cedar policy and schema text.</summary>
internal enum TokenKind
{
    EndOfInput,
    Identifier,
    String,
    Integer,
    Slot,
    At,
    LeftParen,
    RightParen,
    LeftBrace,
    RightBrace,
    LeftBracket,
    RightBracket,
    Comma,
    Semicolon,
    Colon,
    DoubleColon,
    Dot,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    And,
    Or,
    Bang,
    Plus,
    Minus,
    Star,
    Question,
    Assign,
}

/// <summary>
/// A token. <see cref="Text"/> is the identifier, the slot name, or the raw (still escaped) string body;
/// <see cref="Location"/> is where the token starts.
/// </summary>
internal readonly record struct Token(TokenKind Kind, string Text, SourceLocation Location)
{
    public bool IsIdentifier(string text) => Kind == TokenKind.Identifier && string.Equals(Text, text, StringComparison.Ordinal);

    public string Describe() => Kind switch
    {
        TokenKind.EndOfInput => "end of input",
        TokenKind.Identifier => $"`{Text}`",
        TokenKind.String => "a string literal",
        TokenKind.Integer => $"`{Text}`",
        TokenKind.Slot => $"`?{Text}`",
        _ => $"`{Text}`",
    };
}

/// <summary>
/// A <c>//</c> comment: its text (from the slashes, trailing white space removed), where it starts, and whether it has a
/// line of its own (nothing but white space before it) or trails code.
/// </summary>
internal readonly record struct Comment(string Text, int Offset, bool OwnLine);
