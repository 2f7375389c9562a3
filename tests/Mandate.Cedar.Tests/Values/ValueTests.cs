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

    // Small records are an array of distinct keys, larger ones a table: both must behave as one record type.
    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(20)]
    public void Records_SmallOrLarge_LookUpReplaceAndCompareAlike(int size)
    {
        KeyValuePair<string, CedarValue> Field(string key, long value) => new(key, new LongValue(value));
        var fields = Enumerable.Range(0, size).Select(i => Field("k" + i, i)).ToArray();

        // A repeated key: the later value replaces the earlier; a default the fields have does not.
        var record = new RecordValue([.. fields, Field("k0", 100)], [Field("k1", -1), Field("extra", 7)]);
        Assert.Equal(size + 1, record.Count);
        Assert.True(record.TryGetValue("k0", out var k0));
        Assert.Equal(new LongValue(100), k0);
        Assert.True(record.TryGetValue("k1", out var k1));
        Assert.Equal(new LongValue(1), k1);
        Assert.True(record.ContainsKey("extra"));
        Assert.False(record.TryGetValue("K0", out _));
        Assert.False(record.ContainsKey("missing"));
        Assert.Equal(size + 1, record.Fields.Count);
        Assert.Equal(new LongValue(7), record.Fields["extra"]);

        // The same fields through a table (the JSON reader's records) and through the enumerable constructor.
        var table = (RecordValue)Mandate.Cedar.Json.CedarJson.ParseValue(System.Text.Json.JsonDocument.Parse(
            "{" + string.Join(',', record.Fields.Select(f => $"\"{f.Key}\":{((LongValue)f.Value).Value}")) + "}").RootElement);
        Assert.True(record.Equals(table));
        Assert.True(table.Equals(record));
        Assert.Equal(record.GetHashCode(), table.GetHashCode());
        Assert.Equal(record.ToString(), table.ToString());
        Assert.True(record.Equals(new RecordValue(record.Fields.Reverse().ToList())));

        // With replaces a field or adds one, and leaves the original alone.
        var replaced = record.With("k0", new LongValue(5));
        var added = record.With("new", BoolValue.True);
        Assert.Equal(new LongValue(5), replaced.Fields["k0"]);
        Assert.Equal(size + 1, replaced.Count);
        Assert.Equal(size + 2, added.Count);
        Assert.True(added.ContainsKey("new"));
        Assert.False(record.ContainsKey("new"));
        Assert.Equal(new LongValue(100), record.Fields["k0"]);
        Assert.False(record.Equals(replaced));
        Assert.False(record.Equals(added));
    }

    [Fact]
    public void Records_RefuseFieldsWithoutAValue()
    {
        Assert.Throws<ArgumentException>(() => new RecordValue([new KeyValuePair<string, CedarValue>("a", null!)], []));
        Assert.Throws<ArgumentNullException>(() => new RecordValue([new KeyValuePair<string, CedarValue>(null!, BoolValue.True)], []));
        Assert.Throws<ArgumentNullException>(() => new RecordValue((IEnumerable<KeyValuePair<string, CedarValue>>)null!));
    }
}
