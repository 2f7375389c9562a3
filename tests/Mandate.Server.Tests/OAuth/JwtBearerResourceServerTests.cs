using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Tests.OAuth;

/// <summary>
/// A resource server built only from the stock ASP.NET Core JwtBearer handler, told nothing but Mandate's metadata
/// address and its own audience, accepts Mandate's access tokens and refuses those for another audience.
/// </summary>
public sealed class JwtBearerResourceServerTests : IAsyncLifetime
{
    private const string Audience = "https://orders.example/";
    private readonly AgentKey _key = new();
    private TestServer _mandate = null!;
    private WebApplication _resource = null!;
    private Uri _resourceAddress = null!;

    public async Task InitializeAsync()
    {
        _mandate = await TestServer.StartAsync();
        await _mandate.PostJsonAsync("/v1/identities", new { kind = "human", id = "alice", display_name = "Alice" });
        await _mandate.PostJsonAsync("/v1/identities", new
        {
            kind = "agent", id = "orders-bot", display_name = "Orders bot", owner = "alice",
            credentials = new[] { new { kind = "public_key", jwk = _key.PublicJwkJson } },
        });

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MetadataAddress = new Uri(_mandate.BaseAddress, "/.well-known/oauth-authorization-server").ToString();
            options.RequireHttpsMetadata = false;
            options.Audience = Audience;
            options.MapInboundClaims = false;
        });
        builder.Services.AddAuthorization();
        _resource = builder.Build();
        _resource.UseAuthentication();
        _resource.UseAuthorization();
        _resource.MapGet("/whoami", (HttpContext http) => http.User.FindFirst("sub")?.Value).RequireAuthorization();
        await _resource.StartAsync();
        _resourceAddress = new Uri(_resource.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        await _resource.DisposeAsync();
        await _mandate.DisposeAsync();
        _key.Dispose();
    }

    [Fact]
    public async Task StockJwtBearerHandler_AcceptsMandateTokensByMetadataAlone()
    {
        using var client = new HttpClient { BaseAddress = _resourceAddress };

        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.Authorization = new("Bearer", await TokenAsync(Audience));
        using var accepted = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("orders-bot", await accepted.Content.ReadAsStringAsync());

        using var other = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        other.Headers.Authorization = new("Bearer", await TokenAsync("https://billing.example/"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(other)).StatusCode);

        var forged = (await TokenAsync(Audience))[..^4] + "AAAA";
        using var tampered = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        tampered.Headers.Authorization = new("Bearer", forged);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(tampered)).StatusCode);
    }

    private async Task<string> TokenAsync(string resource)
    {
        using var http = _mandate.CreateClient();
        var tokenEndpoint = new Uri(_mandate.BaseAddress, "/oauth2/token").ToString();
        using var response = await http.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = _key.Assertion("orders-bot", tokenEndpoint),
            ["resource"] = resource,
        }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }
}
