using Mandate.Cedar.Syntax;

namespace Mandate.Cedar.Tests.Syntax;

public sealed class LexerTests
{
    [Fact]
    public void Tokenize_TracksLinesAcrossCrlfCommentsAndMultiLineStrings()
    {
        var tokens = Lexer.Tokenize("a // note\r\n\"x\ny\" b");

        Assert.Equal(new SourceLocation(1, 1, 0), tokens[0].Location);
        Assert.Equal(TokenKind.String, tokens[1].Kind);
        Assert.Equal(2, tokens[1].Location.Line);
        Assert.Equal(new SourceLocation(3, 4, 17), tokens[2].Location);
    }

    [Fact]
    public void Tokenize_ReadsTwoCharacterOperatorsAndSlots()
    {
        var kinds = Lexer.Tokenize("== != <= >= && || :: ?principal").Select(t => t.Kind);

        Assert.Equal(
            [TokenKind.Equal, TokenKind.NotEqual, TokenKind.LessOrEqual, TokenKind.GreaterOrEqual, TokenKind.And, TokenKind.Or, TokenKind.DoubleColon, TokenKind.Slot, TokenKind.EndOfInput],
            kinds);
    }

    [Fact]
    public void Tokenize_UnexpectedCharacter_ReportsItsPosition()
    {
        var error = Assert.Throws<CedarParseException>(() => Lexer.Tokenize("a\n  #"));

        Assert.Equal("unexpected character `#`", error.Reason);
        Assert.Equal(new SourceLocation(2, 3, 4), error.Location);
    }

    [Fact]
    public void Tokenize_KeepsStringBodiesEscaped()
    {
        var token = Lexer.Tokenize("\"a\\\"b\"")[0];

        Assert.Equal("a\\\"b", token.Text);
    }
}
