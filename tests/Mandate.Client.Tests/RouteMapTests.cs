using Mandate.Client.Enforcement;

namespace Mandate.Client.Tests;

public sealed class RouteMapTests
{
    private static readonly RouteMap Map = new([
        new RouteRule { Method = "GET", Path = "/invoices/{id}", Action = "read", Resource = "Invoice::\"{id}\"" },
        new RouteRule { Method = "*", Path = "/tables/{schema}/{table}", Action = "query", Resource = "Db::Table::\"{schema}.{table}\"" },
        new RouteRule { Method = "PUT", Path = "/files/{**path}", Action = "write_{path}", Resource = "File::\"{path}\"" },
    ]);

    [Fact]
    public void Map_FillsRouteValuesIntoActionAndResource_FirstMatchingRuleWins()
    {
        Assert.Equal(new MappedRequest("read", "Invoice", "42"), Map.Map("GET", "/invoices/42"));
        Assert.Equal(new MappedRequest("query", "Db::Table", "sales.q3"), Map.Map("DELETE", "/tables/sales/q3"));
        Assert.Equal(new MappedRequest("write_a/b.txt", "File", "a/b.txt"), Map.Map("put", "/files/a/b.txt"));
    }

    [Theory]
    [InlineData("POST", "/invoices/42")]
    [InlineData("GET", "/invoices/42/lines")]
    [InlineData("GET", "/invoices")]
    [InlineData("GET", "/")]
    public void Map_WithoutAMatchingRule_IsNull(string method, string path) => Assert.Null(Map.Map(method, path));

    [Theory]
    [InlineData("/x", "read", "Invoice")]
    [InlineData("/x", "read", "not a type::\"x\"")]
    [InlineData("/x", "", "Invoice::\"x\"")]
    [InlineData("", "read", "Invoice::\"x\"")]
    public void Compile_RefusesABadRule(string path, string action, string resource) =>
        Assert.Throws<ArgumentException>(() => new RouteMap([new RouteRule { Path = path, Action = action, Resource = resource }]));

    [Theory]
    [InlineData("GET", "/invoices/{", "read", "Invoice::\"x\"", "the path is not a route template")]
    [InlineData("GET", "/invoices/{id}", "read", "Invoice::\"{other}\"", "the resource id names `{other}`, which the path does not capture")]
    [InlineData("GET", "/invoices/{id}", "{verb}", "Invoice::\"{id}\"", "the action names `{verb}`, which the path does not capture")]
    [InlineData("GET", "/invoices/{id}", "read", "Invoice::\"{id\"", "opens a `{` it does not close")]
    [InlineData("FOO BAR", "/invoices/{id}", "read", "Invoice::\"{id}\"", "the method must be an HTTP method")]
    [InlineData("", "/invoices/{id}", "read", "Invoice::\"{id}\"", "the method must be an HTTP method")]
    [InlineData("GET", "/invoices/{id:nosuch}", "read", "Invoice::\"{id}\"", "`nosuch` is not a route constraint")]
    public void Compile_NamesWhatIsWrongWithARule(string method, string path, string action, string resource, string message)
    {
        var refused = Assert.Throws<ArgumentException>(() => new RouteMap([new RouteRule { Method = method, Path = path, Action = action, Resource = resource }]));
        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APlaceholder_MayNameACatchAllOrAnyCase()
    {
        var map = new RouteMap([new RouteRule { Method = "PATCH", Path = "/files/{**rest}", Action = "use", Resource = "File::\"{REST}\"" }]);
        Assert.Equal(new MappedRequest("use", "File", "a/b"), map.Map("PATCH", "/files/a/b"));
    }

    [Fact]
    public void ARuleWithoutAMethod_IsRefused()
    {
        var refused = Assert.Throws<ArgumentException>(() => new RouteMap([new RouteRule { Path = "/invoices/{id}", Action = "read", Resource = "Invoice::\"{id}\"" }]));
        Assert.Contains("the method must be an HTTP method such as GET, or `*` for any", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InlineConstraints_DecideWhetherARuleMatches_AsTheServicesRoutingDoes()
    {
        var map = new RouteMap([
            new RouteRule { Method = "GET", Path = "/invoices/{id:int}", Action = "read", Resource = "Invoice::\"{id}\"" },
            new RouteRule { Method = "GET", Path = "/invoices/export", Action = "export", Resource = "Report::\"invoices\"" },
            new RouteRule { Method = "GET", Path = "/users/{name:regex(^[a-z]+$)}/{tab:length(2,4)?}", Action = "view", Resource = "User::\"{name}\"" },
            new RouteRule { Method = "GET", Path = "/pages/{page:int=1}", Action = "page_{page}", Resource = "Page::\"{page}\"" },
        ]);

        Assert.Equal(new MappedRequest("read", "Invoice", "42"), map.Map("GET", "/invoices/42"));
        Assert.Equal(new MappedRequest("export", "Report", "invoices"), map.Map("GET", "/invoices/export"));
        Assert.Null(map.Map("GET", "/invoices/4x2"));
        Assert.Equal(new MappedRequest("view", "User", "dana"), map.Map("GET", "/users/dana"));
        Assert.Equal(new MappedRequest("view", "User", "dana"), map.Map("GET", "/users/dana/logs"));
        Assert.Null(map.Map("GET", "/users/dana7"));
        Assert.Null(map.Map("GET", "/users/dana/x"));
        Assert.Equal(new MappedRequest("page_1", "Page", "1"), map.Map("GET", "/pages"));
        Assert.Equal(new MappedRequest("page_7", "Page", "7"), map.Map("GET", "/pages/7"));
        Assert.Null(map.Map("GET", "/pages/seven"));
    }
}
