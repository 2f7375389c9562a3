using Mandate.Tokens.Validation;

namespace Mandate.Tokens.Tests.Validation;

public sealed class AuthorizationHeaderTests
{
    [Theory]
    [InlineData("Bearer abc", false, "abc")]
    [InlineData("bearer abc", false, "abc")]
    [InlineData("BEARER   abc  ", false, "abc")]
    [InlineData("DPoP abc", true, "abc")]
    [InlineData("dpop x", true, "x")]
    [InlineData("DPoP ab", true, "ab")]
    public void TokensUnderEitherScheme_AreRead(string header, bool dpop, string token)
    {
        Assert.True(AuthorizationHeader.TryParse(header, out var isDpop, out var start));
        Assert.Equal(dpop, isDpop);
        Assert.Equal(token, AuthorizationHeader.Token(header, start));
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer    ")]
    [InlineData("DPoP ")]
    [InlineData("Bearerabc")]
    [InlineData("DPoPabc")]
    [InlineData("Basic YWxpY2U6c2VjcmV0")]
    [InlineData("abc")]
    [InlineData("")]
    public void OtherSchemesAndEmptyTokens_AreNotTokens(string header) =>
        Assert.False(AuthorizationHeader.TryParse(header, out _, out _));

    [Fact]
    public void TheSameHeader_ReusesItsCut_AndAnotherIsCutAfresh()
    {
        var memory = new PresentedTokenText();
        var first = "Bearer abc";

        var cut = memory.Token(first, 7);
        Assert.Equal("abc", cut);
        Assert.Same(cut, memory.Token(first, 7));
        Assert.Equal("xyz", memory.Token("DPoP  xyz ", 5));
        Assert.Equal("abc", memory.Token(first, 7));
    }
}
