using Mandate.Tokens.Validation;

namespace Mandate.Tokens.Tests.Validation;

/// <summary>The remembered-token cache stays within its character budget, whatever the size of the tokens.</summary>
public sealed class VerifiedTokensTests
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    private ValidatedAccessToken Valid(string id, TimeSpan lifetime) =>
        new("bot", null, "bot", id, [], _clock.Now + lifetime, _clock.Now, ["mandate"]);

    private static bool IsRemembered(VerifiedTokens verified, string token) => verified.TryRecheck(token, _ => true, null, out _);

    private static string Text(char c, int length) => new(c, length);

    [Fact]
    public void PastTheCharacterBudget_ExpiredTokensGoFirst_ThenAll()
    {
        var verified = new VerifiedTokens(_clock, TimeSpan.Zero, maxCharacters: 1000);
        verified.Remember(Text('a', 400), Valid("a", TimeSpan.FromMinutes(1)), "k");
        verified.Remember(Text('b', 400), Valid("b", TimeSpan.FromMinutes(5)), "k");
        Assert.Equal(800, verified.RememberedCharacters);

        _clock.Now += TimeSpan.FromMinutes(2);
        verified.Remember(Text('c', 400), Valid("c", TimeSpan.FromMinutes(5)), "k");
        Assert.False(IsRemembered(verified, Text('a', 400)));
        Assert.True(IsRemembered(verified, Text('b', 400)));
        Assert.True(IsRemembered(verified, Text('c', 400)));
        Assert.Equal(800, verified.RememberedCharacters);

        verified.Remember(Text('d', 400), Valid("d", TimeSpan.FromMinutes(5)), "k");
        Assert.False(IsRemembered(verified, Text('b', 400)));
        Assert.False(IsRemembered(verified, Text('c', 400)));
        Assert.True(IsRemembered(verified, Text('d', 400)));
        Assert.Equal(400, verified.RememberedCharacters);
    }

    [Fact]
    public void ATokenLargerThanTheBudget_IsNotRemembered_AndEvictsNothing()
    {
        var verified = new VerifiedTokens(_clock, TimeSpan.Zero, maxCharacters: 1000);
        verified.Remember(Text('a', 400), Valid("a", TimeSpan.FromMinutes(5)), "k");

        verified.Remember(Text('b', 1001), Valid("b", TimeSpan.FromMinutes(5)), "k");

        Assert.False(IsRemembered(verified, Text('b', 1001)));
        Assert.True(IsRemembered(verified, Text('a', 400)));
    }

    [Fact]
    public void RememberingATokenTwice_CountsItOnce()
    {
        var verified = new VerifiedTokens(_clock, TimeSpan.Zero);
        verified.Remember(Text('a', 400), Valid("a", TimeSpan.FromMinutes(5)), "k");
        verified.Remember(Text('a', 400), Valid("a", TimeSpan.FromMinutes(5)), "k");

        Assert.Equal(400, verified.RememberedCharacters);
    }
}
