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
public sealed class JwtBearerResourceServerTests
{
    private const string Audience = "https://orders.example/";

    [Fact]
    public async Task StockJwtBearerHandler_AcceptsMandateTokensByMetadataAlone()
    {
        await using var mandate = await StartMandateAsync("ES256");
        await using var resource = await StartResourceServerAsync(mandate.Server);
        using var client = new HttpClient { BaseAddress = resource.Address };

        using var accepted = await client.SendAsync(WhoAmI(await mandate.TokenAsync(Audience)));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("orders-bot", await accepted.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(WhoAmI(await mandate.TokenAsync("https://billing.example/")))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(WhoAmI((await mandate.TokenAsync(Audience))[..^4] + "AAAA"))).StatusCode);
    }

    /// <summary>
    /// Documents a limit of the stock handler (Microsoft.IdentityModel has no EdDSA): it cannot verify tokens of an
    /// EdDSA-configured Mandate. Resource servers built on it need Mandate's default, ES256. When this starts
    /// failing, the handler learned EdDSA and the docs should say so.
    /// </summary>
    [Fact]
    public async Task StockJwtBearerHandler_CannotVerifyEdDsa()
    {
        await using var mandate = await StartMandateAsync("EdDSA");
        await using var resource = await StartResourceServerAsync(mandate.Server);
        using var client = new HttpClient { BaseAddress = resource.Address };

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(WhoAmI(await mandate.TokenAsync(Audience)))).StatusCode);
    }

    private static HttpRequestMessage WhoAmI(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.Authorization = new("Bearer", token);
        return request;
    }

    private static async Task<Mandate> StartMandateAsync(string algorithm)
    {
        var server = await TestServer.StartAsync(o => o with { SigningAlgorithm = algorithm });
        var key = new AgentKey();
        await server.PostJsonAsync("/v1/identities", new { kind = "human", id = "alice", display_name = "Alice" });
        await server.PostJsonAsync("/v1/identities", new
        {
            kind = "agent", id = "orders-bot", display_name = "Orders bot", owner = "alice",
            credentials = new[] { new { kind = "public_key", jwk = key.PublicJwkJson } },
        });
        return new Mandate(server, key);
    }

    private static async Task<ResourceServer> StartResourceServerAsync(TestServer mandate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MetadataAddress = new Uri(mandate.BaseAddress, "/.well-known/oauth-authorization-server").ToString();
            options.RequireHttpsMetadata = false;
            options.Audience = Audience;
            options.MapInboundClaims = false;
        });
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/whoami", (HttpContext http) => http.User.FindFirst("sub")?.Value).RequireAuthorization();
        await app.StartAsync();
        return new ResourceServer(app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }

    private sealed record ResourceServer(WebApplication App, Uri Address) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private sealed record Mandate(TestServer Server, AgentKey Key) : IAsyncDisposable
    {
        public async Task<string> TokenAsync(string resource)
        {
            using var http = Server.CreateClient();
            using var response = await http.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ["client_assertion"] = Key.Assertion("orders-bot", new Uri(Server.BaseAddress, "/oauth2/token").ToString()),
                ["resource"] = resource,
            }));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.IsSuccessStatusCode, body.ToString());
            return body.GetProperty("access_token").GetString()!;
        }

        public async ValueTask DisposeAsync()
        {
            Key.Dispose();
            await Server.DisposeAsync();
        }
    }
}
