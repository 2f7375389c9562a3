using Mandate.Cedar.Values;

namespace Mandate.Cedar.Tests.Values;

public sealed class ValueTests
{
    [Theory]
    [InlineData("1.0", 10_000)]
    [InlineData("-1.5", -15_000)]
    [InlineData("0.0001", 1)]
    [InlineData("922337203685477.5807", long.MaxValue)]
    public void Decimal_TryParse_ReadsFourFractionDigits(string text, long scaled)
    {
        Assert.True(DecimalValue.TryParse(text, out var value, out _));
        Assert.Equal(scaled, value.Scaled);
    }

    [Theory]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("1.00000")]
    [InlineData("+1.0")]
    [InlineData("1,0")]
    public void Decimal_TryParse_RejectsMalformedText(string text) => Assert.False(DecimalValue.TryParse(text, out _, out _));

    [Theory]
    [InlineData("0ms", 0)]
    [InlineData("1d", 86_400_000)]
    [InlineData("-1h30m", -5_400_000)]
    [InlineData("2s5ms", 2_005)]
    public void Duration_TryParse_ReadsUnitsInOrder(string text, long milliseconds)
    {
        Assert.True(DurationValue.TryParse(text, out var value, out _));
        Assert.Equal(milliseconds, value.Milliseconds);
    }

    [Theory]
    [InlineData("1970-01-01", 0)]
    [InlineData("1970-01-02T00:00:00.500Z", 86_400_500)]
    [InlineData("1969-12-31", -86_400_000)]
    [InlineData("1970-01-01T01:00:00+0100", 0)]
    public void Datetime_TryParse_ReadsEpochMilliseconds(string text, long epoch)
    {
        Assert.True(DatetimeValue.TryParse(text, out var value, out _));
        Assert.Equal(epoch, value.EpochMilliseconds);
    }

    [Theory]
    [InlineData("2024-1-01")]
    [InlineData("2024-01-01Z")]
    [InlineData("2024-01-01T00:00:00.5Z")]
    [InlineData("2023-02-29")]
    [InlineData("2024-01-01T00:00:60Z")]
    public void Datetime_TryParse_RejectsMalformedText(string text) => Assert.False(DatetimeValue.TryParse(text, out _, out _));

    [Theory]
    [InlineData("::", true)]
    [InlineData("2001:db8::1/64", true)]
    [InlineData("1:2:3:4:5:6:7:8", true)]
    [InlineData("1:2:3:4:5:6:7:8:9", false)]
    [InlineData("1::2::3", false)]
    [InlineData("192.168.0.1/00", false)]
    [InlineData("192.168.0.1/", false)]
    [InlineData("192.168.0.1 ", false)]
    public void IpAddr_TryParse_FollowsTheReferenceGrammar(string text, bool valid) =>
        Assert.Equal(valid, IpAddrValue.TryParse(text, out _, out _));

    [Fact]
    public void Values_PrintAsCedar()
    {
        Assert.Equal("User::\"a\\\"b\"", EntityUid.Of("User", "a\"b").ToString());
        Assert.Equal("[1, \"x\"]", new SetValue([new LongValue(1), new StringValue("x")]).ToString());
        Assert.Equal("decimal(\"-0.5000\")", new DecimalValue(-5_000).ToString());
        Assert.Equal("ip(\"10.0.0.0/8\")", (IpAddrValue.TryParse("10.0.0.0/8", out var ip, out _) ? ip : null)!.ToString());
    }

    [Fact]
    public void Records_CompareFieldByField()
    {
        var a = new RecordValue([new("x", new LongValue(1)), new("y", BoolValue.True)]);
        var b = new RecordValue([new("y", BoolValue.True), new("x", new LongValue(1))]);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }
}
