using System.Net;

namespace Mandate.Server.Tests;

public sealed class AdminAuthenticationTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token-wrong-token-wrong-token")]
    [InlineData("")]
    public async Task AdminApi_WithoutValidToken_Returns401ProblemDetails(string? token)
    {
        using var client = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/identities");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var problem = await TestServer.ReadJsonAsync(response);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Equal("unauthenticated", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task AdminApi_WithBasicScheme_Returns401()
    {
        using var client = _server.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String("admin:admin"u8));

        using var response = await client.GetAsync("/v1/identities");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AdminApi_WithAdminToken_Succeeds()
    {
        var page = await _server.GetJsonAsync("/v1/identities");

        Assert.Equal(0, page.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Healthz_IsAnonymousAndOk()
    {
        using var client = _server.CreateClient();

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await TestServer.ReadJsonAsync(response)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task UnknownRoute_ReturnsProblemDetails404()
    {
        using var response = await _server.Admin.GetAsync("/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task WrongMethod_Returns405ProblemDetails()
    {
        using var response = await _server.Admin.DeleteAsync("/v1/identities");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
