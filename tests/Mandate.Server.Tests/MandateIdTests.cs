using Mandate.Core;

namespace Mandate.Server.Tests;

/// <summary>Generated ids: prefix, 26 Crockford base32 characters, 48 bits of milliseconds then 80 random bits.</summary>
public sealed class MandateIdTests
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    [Fact]
    public void AnIdMadeForATime_CarriesThatTime()
    {
        var time = new DateTimeOffset(2026, 12, 1, 23, 30, 15, 123, TimeSpan.Zero);

        var first = MandateId.New("evt", time);
        var second = MandateId.New("evt", time);

        Assert.Equal(time.ToUnixTimeMilliseconds(), Milliseconds(first));
        Assert.Equal(time.ToUnixTimeMilliseconds(), Milliseconds(second));
        Assert.NotEqual(first, second);
        Assert.True(MandateId.IsValid(first));
    }

    [Fact]
    public void IdsMadeNow_SortByTheirTime()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var id = MandateId.New("idn");
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.StartsWith("idn_", id, StringComparison.Ordinal);
        Assert.InRange(Milliseconds(id), before, after);
        Assert.True(string.CompareOrdinal(MandateId.New("evt", DateTimeOffset.FromUnixTimeMilliseconds(after + 1)), MandateId.New("evt", DateTimeOffset.FromUnixTimeMilliseconds(after + 2))) < 0);
    }

    private static long Milliseconds(string id)
    {
        var body = id[(id.IndexOf('_', StringComparison.Ordinal) + 1)..];
        Assert.Equal(26, body.Length);
        UInt128 value = 0;
        foreach (var c in body)
        {
            value = (value << 5) | (uint)Alphabet.IndexOf(c, StringComparison.Ordinal);
        }

        return (long)(value >> 80);
    }
}
