using Mandate.Cedar.Values;
using static Mandate.Cedar.Tests.CedarFixture;

namespace Mandate.Cedar.Tests.Evaluation;

public sealed class ExtensionTests
{
    [Theory]
    [InlineData("decimal(\"1.23\").lessThan(decimal(\"1.24\"))")]
    [InlineData("decimal(\"-1.5\").lessThanOrEqual(decimal(\"-1.5\"))")]
    [InlineData("decimal(\"2.0\").greaterThan(decimal(\"1.9999\"))")]
    [InlineData("decimal(\"2.0\").greaterThanOrEqual(decimal(\"2.0000\"))")]
    [InlineData("decimal(\"1.10\") == decimal(\"1.1\")")]
    [InlineData("ip(\"127.0.0.1\").isLoopback() && ip(\"::1\").isLoopback()")]
    [InlineData("ip(\"127.0.0.1/8\").isLoopback() && !ip(\"127.0.0.1/7\").isLoopback() && !ip(\"::1/127\").isLoopback()")]
    [InlineData("ip(\"10.0.0.1\").isIpv4() && ip(\"ff02::1\").isIpv6()")]
    [InlineData("ip(\"224.0.0.1\").isMulticast() && ip(\"ff00::/8\").isMulticast() && !ip(\"224.0.0.0/3\").isMulticast()")]
    [InlineData("ip(\"10.1.2.3\").isInRange(ip(\"10.0.0.0/8\"))")]
    [InlineData("ip(\"10.0.0.0/16\").isInRange(ip(\"10.0.0.0/8\")) && !ip(\"10.0.0.0/8\").isInRange(ip(\"10.0.0.0/16\"))")]
    [InlineData("!ip(\"10.0.0.1\").isInRange(ip(\"::/0\"))")]
    [InlineData("ip(\"10.0.0.1/24\") != ip(\"10.0.0.0/24\")")]
    [InlineData("datetime(\"2024-10-15\") < datetime(\"2024-10-15T00:00:00.001Z\")")]
    [InlineData("datetime(\"2024-10-15T11:38:02+1134\") == datetime(\"2024-10-15T00:04:02Z\")")]
    [InlineData("datetime(\"2024-10-15T11:38:02.101-1134\") == datetime(\"2024-10-15T23:12:02.101Z\")")]
    [InlineData("datetime(\"2024-01-01\").offset(duration(\"1d\")) == datetime(\"2024-01-02\")")]
    [InlineData("datetime(\"2024-01-02\").durationSince(datetime(\"2024-01-01\")) == duration(\"24h\")")]
    [InlineData("datetime(\"2024-01-02T10:00:00Z\").toDate() == datetime(\"2024-01-02\")")]
    [InlineData("datetime(\"1969-12-31T23:00:00Z\").toDate() == datetime(\"1969-12-31\")")]
    [InlineData("datetime(\"1969-12-31T23:00:00Z\").toTime() == duration(\"23h\")")]
    [InlineData("duration(\"1d2h3m4s5ms\").toMilliseconds() == 93784005")]
    [InlineData("duration(\"1d2h3m4s5ms\").toSeconds() == 93784")]
    [InlineData("duration(\"-90m\").toHours() == -1")]
    [InlineData("duration(\"36h\").toDays() == 1")]
    [InlineData("duration(\"1h\") > duration(\"59m\")")]
    [InlineData("datetime(\"0000-01-01\") < datetime(\"9999-12-31\")")]
    public void Extensions_BehaveAsCedar(string expression) => Assert.True(EvalBool(expression));

    [Theory]
    [InlineData("decimal(\"1.23456\")")]
    [InlineData("decimal(\"1\")")]
    [InlineData("decimal(\"922337203685477.5808\")")]
    [InlineData("ip(\"10.0.0.256\")")]
    [InlineData("ip(\"10.0.0.1/33\")")]
    [InlineData("ip(\"010.0.0.1\")")]
    [InlineData("ip(\"::ffff:10.0.0.1\")")]
    [InlineData("datetime(\"2024-02-30\")")]
    [InlineData("datetime(\"2024-01-01T24:00:00Z\")")]
    [InlineData("datetime(\"2024-01-01T00:00:00\")")]
    [InlineData("datetime(\"2024-01-01T00:00:00+2400\")")]
    [InlineData("duration(\"1m1h\")")]
    [InlineData("duration(\"\")")]
    [InlineData("duration(\"-\")")]
    [InlineData("duration(\"106751991168d\")")]
    [InlineData("datetime(\"9999-12-31\").offset(duration(\"9223372036854775807ms\"))")]
    [InlineData("decimal(1)")]
    public void InvalidExtensionInput_IsAnEvaluationError(string expression) => EvalError(expression);

    [Fact]
    public void Decimal_ReadsTheSmallestValue()
    {
        Assert.Equal(new DecimalValue(long.MinValue), Eval("decimal(\"-922337203685477.5808\")"));
    }

    [Fact]
    public void Duration_ReadsTheSmallestValue()
    {
        Assert.Equal(new DurationValue(long.MinValue), Eval("duration(\"-9223372036854775808ms\")"));
    }
}
