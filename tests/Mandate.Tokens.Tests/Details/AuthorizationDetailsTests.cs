using Mandate.Cedar.Values;
using Mandate.Tokens.Details;

namespace Mandate.Tokens.Tests.Details;

public sealed class AuthorizationDetailsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<MandateDetail> Parse(string json)
    {
        var (details, error) = AuthorizationDetails.Parse(json, Now);
        Assert.True(error is null, error?.Description);
        return details!;
    }

    [Fact]
    public void Parse_ReadsAndCanonicalizesEveryMember()
    {
        var detail = Parse("""
            [{"type":"mandate","actions":["read","Action::\"read\"","Mandate::Action::\"delegate\""],
              "resources":["Table::\"invoices\"","Table", "Table :: \"ledger\""],"purpose":"monthly-close",
              "not_before":"2026-11-22T13:00:00.5+01:00","not_after":"2026-11-30T00:00:00.9Z"}]
            """).Single();

        Assert.Equal(["read", "Mandate::Action::\"delegate\""], detail.Actions);
        Assert.Equal(["Table::\"invoices\"", "Table", "Table::\"ledger\""], detail.Resources);
        Assert.Equal("monthly-close", detail.Purpose);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 12, 0, 1, TimeSpan.Zero), detail.NotBefore);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), detail.NotAfter);
        Assert.Equal(
            """[{"type":"mandate","actions":["read","Mandate::Action::\u0022delegate\u0022"],"resources":["Table::\u0022invoices\u0022","Table","Table::\u0022ledger\u0022"],"purpose":"monthly-close","not_before":"2026-11-22T12:00:01Z","not_after":"2026-11-30T00:00:00Z"}]""",
            AuthorizationDetails.ToJson([detail]));
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "not json", "`authorization_details` is not valid JSON" },
        { "{}", "non-empty JSON array" },
        { "[]", "non-empty JSON array" },
        { "[1]", "must be a JSON object" },
        { """[{"actions":["read"]}]""", "needs a string `type`" },
        { """[{"type":"payment_initiation","actions":["read"]}]""", "type `payment_initiation` is not supported" },
        { """[{"type":"mandate"}]""", "needs `actions`" },
        { """[{"type":"mandate","actions":[]}]""", "array of 1 to 32 strings" },
        { """[{"type":"mandate","actions":"read"}]""", "array of 1 to 32 strings" },
        { """[{"type":"mandate","actions":[7]}]""", "each of `actions`" },
        { """[{"type":"mandate","actions":["Table::\"x\""]}]""", "each of `actions`" },
        { """[{"type":"mandate","actions":["read"],"resources":["Table::\"unterminated"]}]""", "each of `resources`" },
        { """[{"type":"mandate","actions":["read"],"resources":["not a name!"]}]""", "each of `resources`" },
        { """[{"type":"mandate","actions":["read"],"locations":["https://x"]}]""", "has no member `locations`" },
        { """[{"type":"mandate","actions":["read"],"purpose":""}]""", "`purpose` must be a string" },
        { """[{"type":"mandate","actions":["read"],"purpose":"a\nb"}]""", "`purpose` must be a string" },
        { """[{"type":"mandate","actions":["read"],"not_after":1700000000}]""", "RFC 3339" },
        { """[{"type":"mandate","actions":["read"],"not_after":"2026-11-30"}]""", "RFC 3339" },
        { """[{"type":"mandate","actions":["read"],"not_after":"2026-11-30T00:00:00"}]""", "RFC 3339" },
        { """[{"type":"mandate","actions":["read"],"not_before":"2026-12-01T00:00:00Z","not_after":"2026-11-30T00:00:00Z"}]""", "later than `not_before`" },
        { """[{"type":"mandate","actions":["read"],"not_after":"2026-11-22T11:00:00Z"}]""", "window of a `mandate` detail ended" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Parse_Malformed_IsInvalidAuthorizationDetailsSayingWhy(string json, string expected)
    {
        var (details, error) = AuthorizationDetails.Parse(json, Now);

        Assert.Null(details);
        Assert.Equal("invalid_authorization_details", error!.Error);
        Assert.Contains(expected, error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TooManyOrTooLong_IsRefused()
    {
        var many = "[" + string.Join(',', Enumerable.Repeat("""{"type":"mandate","actions":["read"]}""", 9)) + "]";
        Assert.Contains("at most 8", AuthorizationDetails.Parse(many, Now).Error!.Description, StringComparison.Ordinal);
        Assert.Contains("longer than", AuthorizationDetails.Parse(new string(' ', 9000), Now).Error!.Description, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string?> Narrowing => new()
    {
        { """[{"type":"mandate","actions":["read","write"]}]""", """[{"type":"mandate","actions":["read"]}]""", null },
        { """[{"type":"mandate","actions":["read"]}]""", """[{"type":"mandate","actions":["read","write"]}]""", "action `write`" },
        { """[{"type":"mandate","actions":["read"],"resources":["Table"]}]""", """[{"type":"mandate","actions":["read"],"resources":["Table::\"a\""]}]""", null },
        { """[{"type":"mandate","actions":["read"],"resources":["Table::\"a\""]}]""", """[{"type":"mandate","actions":["read"],"resources":["Table"]}]""", "resource `Table`" },
        { """[{"type":"mandate","actions":["read"],"resources":["Table::\"a\""]}]""", """[{"type":"mandate","actions":["read"]}]""", "limited to resources" },
        { """[{"type":"mandate","actions":["read"],"purpose":"close"}]""", """[{"type":"mandate","actions":["read"]}]""", "bound to purpose `close`" },
        { """[{"type":"mandate","actions":["read"],"purpose":"close"}]""", """[{"type":"mandate","actions":["read"],"purpose":"close"}]""", null },
        { """[{"type":"mandate","actions":["read"],"not_after":"2026-12-01T00:00:00Z"}]""", """[{"type":"mandate","actions":["read"],"not_after":"2026-12-02T00:00:00Z"}]""", "ends after" },
        { """[{"type":"mandate","actions":["read"],"not_before":"2026-11-23T00:00:00Z"}]""", """[{"type":"mandate","actions":["read"]}]""", "starts before" },
        { """[{"type":"mandate","actions":["read"]},{"type":"mandate","actions":["write"],"purpose":"p"}]""", """[{"type":"mandate","actions":["write"],"purpose":"p"}]""", null },
    };

    [Theory]
    [MemberData(nameof(Narrowing))]
    public void FindWidening_AllowsOnlyNarrowing(string granted, string requested, string? widening)
    {
        var reason = AuthorizationDetails.FindWidening(Parse(granted), Parse(requested));

        if (widening is null)
        {
            Assert.Null(reason);
        }
        else
        {
            Assert.Contains(widening, reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FindWidening_UnrestrictedGrant_CoversEverything() =>
        Assert.Null(AuthorizationDetails.FindWidening(null, Parse("""[{"type":"mandate","actions":["anything"]}]""")));

    [Fact]
    public void Permits_ChecksActionResourcePurposeAndWindow()
    {
        var detail = Parse("""
            [{"type":"mandate","actions":["read"],"resources":["Table"],"purpose":"close","not_before":"2026-11-22T00:00:00Z","not_after":"2026-11-23T00:00:00Z"}]
            """).Single();
        var read = EntityUid.Of("Action", "read");
        var invoices = EntityUid.Of("Table", "invoices");

        Assert.True(detail.Permits(read, invoices, "close", Now));
        Assert.False(detail.Permits(EntityUid.Of("Action", "write"), invoices, "close", Now));
        Assert.False(detail.Permits(read, EntityUid.Of("File", "invoices"), "close", Now));
        Assert.False(detail.Permits(read, invoices, "marketing", Now));
        Assert.False(detail.Permits(read, invoices, "close", Now.AddDays(1)));
    }
}
