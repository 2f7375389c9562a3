using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Mandate.Client.Enforcement;
using Mandate.Client.Tokens;
using Mandate.Server.Tests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Client.Tests;

/// <summary>The middleware inside an ordinary ASP.NET Core service: the app sees only allowed requests, with the caller as its user.</summary>
public sealed class MiddlewareTests
{
    [Fact]
    public async Task AllowedRequests_ReachTheAppWithTheCallerAsUser_OthersNever()
    {
        await using var server = await TestServer.StartAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await ProxyEndToEndTests.RegisterAsync(server, key);

        await using var app = App(server, options =>
        {
            options.Routes.Add(new RouteRule { Method = "GET", Path = "/invoices/{id}", Action = "read", Resource = "Invoice::\"{id}\"" });
            options.ContextHeaders["X-Purpose"] = "purpose";
        });
        var reached = 0;
        app.UseMandateEnforcement();
        app.MapGet("/invoices/{id}", (string id, HttpContext context) =>
        {
            Interlocked.Increment(ref reached);
            return $"{context.User.FindFirst("sub_kind")?.Value}:{context.User.Identity?.Name} read {id}";
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        using var http = new HttpClient { BaseAddress = address };
        var token = await new MandateTokenClient(http, server.BaseAddress, "invoice-bot", key).GetTokenAsync("https://invoices.test");
        Assert.Equal("Agent:invoice-bot read 9", await SendAsync(http, token, "monthly-close", HttpStatusCode.OK));
        await SendAsync(http, token, "marketing", HttpStatusCode.Forbidden);
        await SendAsync(http, null, "monthly-close", HttpStatusCode.Unauthorized);
        Assert.Equal(1, reached);

        // One keep-alive connection presenting a token, a forgery of it, then the token again: the middleware
        // remembers the token text its connection presented last, and each request must still be judged on its own.
        using var oneConnection = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = address };
        var forged = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        Assert.Equal("Agent:invoice-bot read 9", await SendAsync(oneConnection, token, "monthly-close", HttpStatusCode.OK));
        await SendAsync(oneConnection, forged, "monthly-close", HttpStatusCode.Unauthorized);
        Assert.Equal("Agent:invoice-bot read 9", await SendAsync(oneConnection, token, "monthly-close", HttpStatusCode.OK));
        await SendAsync(oneConnection, null, "monthly-close", HttpStatusCode.Unauthorized);
        Assert.Equal(3, reached);
    }

    [Fact]
    public async Task AMethodOverrideHeader_IsRefused_SoTheServiceNeverRunsAnUndecidedMethod()
    {
        await using var server = await TestServer.StartAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await ProxyEndToEndTests.RegisterAsync(server, key);
        await server.PostJsonAsync("/v1/policies", new
        {
            id = "update-invoices",
            text = """permit (principal == Agent::"invoice-bot", action == Action::"update", resource is Invoice);""",
        });

        await using var app = App(server, options =>
        {
            options.Routes.Add(new RouteRule { Method = "POST", Path = "/invoices/{id}", Action = "update", Resource = "Invoice::\"{id}\"" });
            options.Routes.Add(new RouteRule { Method = "DELETE", Path = "/invoices/{id}", Action = "delete", Resource = "Invoice::\"{id}\"" });
        });
        var deleted = 0;
        app.UseMandateEnforcement();
        app.UseHttpMethodOverride();
        app.MapPost("/invoices/{id}", (string id) => $"updated {id}");
        app.MapDelete("/invoices/{id}", (string id) =>
        {
            Interlocked.Increment(ref deleted);
            return $"deleted {id}";
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var http = new HttpClient { BaseAddress = address };
        var token = await new MandateTokenClient(http, server.BaseAddress, "invoice-bot", key).GetTokenAsync("https://invoices.test");

        async Task<(HttpStatusCode Status, string Body)> PostAsync(string? header, string? value)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/invoices/9");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (header is not null)
            {
                request.Headers.Add(header, value);
            }

            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal((HttpStatusCode.OK, "updated 9"), await PostAsync(null, null));
        Assert.Equal((HttpStatusCode.OK, "updated 9"), await PostAsync("X-HTTP-Method-Override", "post"));
        foreach (var header in new[] { "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override" })
        {
            var (status, body) = await PostAsync(header, "DELETE");
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Contains("method_override_refused", body, StringComparison.Ordinal);
            Assert.Contains(header, body, StringComparison.Ordinal);
        }

        Assert.Equal(0, deleted);
    }

    // A service for https://invoices.test that decides with the test server, its routes and headers set by the test.
    private static WebApplication App(TestServer server, Action<MandateEnforcementOptions> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddMandateEnforcement(options =>
        {
            options.Server = server.BaseAddress;
            options.Audience = "https://invoices.test";
            options.Credential = TestServer.AdminToken;
            configure(options);
        });
        return builder.Build();
    }

    private static async Task<string> SendAsync(HttpClient http, string? token, string purpose, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/invoices/9");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Headers.Add("X-Purpose", purpose);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {body}");
        return body;
    }
}
