using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace Mandate.Server.Tests;

public sealed class ApiSurfaceTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task OpenApiDocument_DescribesTheAdminApi()
    {
        using var client = _server.CreateClient();

        var document = await TestServer.ReadJsonAsync(await client.GetAsync("/openapi/v1.json"));

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/v1/identities", "/v1/identities/{id}", "/v1/credentials", "/v1/groups", "/v1/policies", "/v1/events", "/oauth2/token" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"missing {path}");
        }
    }

    [Fact]
    public async Task PolicyWithSyntaxError_IsRefusedWithLineAndColumn_AndNotStored()
    {
        var problem = await _server.PostJsonAsync("/v1/policies", new { id = "broken", text = "permit (principal, action, resource)\nwhen { context.x == };" }, 400);

        Assert.Matches("line 2, column \\d+", problem.GetProperty("detail").GetString());
        Assert.Equal(0, (await _server.GetJsonAsync("/v1/policies")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Identity_UpdateAndLifecycle_WithOptimisticConcurrency()
    {
        await _server.PostJsonAsync("/v1/identities", new { kind = "human", id = "dana", display_name = "Dana" });

        using var stale = await _server.Admin.PatchAsync("/v1/identities/dana",
            JsonContent(new { display_name = "Dana R", version = 7 }));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        using var updated = await _server.Admin.PatchAsync("/v1/identities/dana", JsonContent(new { display_name = "Dana R", version = 1 }));
        Assert.Equal(2, (await TestServer.ReadJsonAsync(updated)).GetProperty("version").GetInt64());

        await _server.PostJsonAsync("/v1/identities/dana/suspend", new { reason = "test" }, 200);
        await _server.PostJsonAsync("/v1/identities/dana/resume", new { }, 200);
        var deactivated = await _server.PostJsonAsync("/v1/identities/dana/deactivate", new { }, 200);
        Assert.Equal("deactivated", deactivated.GetProperty("status").GetString());
        var final = await _server.PostJsonAsync("/v1/identities/dana/resume", new { }, 409);
        Assert.Equal("conflict", final.GetProperty("code").GetString());
    }

    [Fact]
    public async Task EventStream_DeliversNewEventsOverServerSentEvents()
    {
        using var client = _server.CreateClient(TestServer.AdminToken);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await client.GetAsync("/v1/events/stream?type=identity", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);

        await _server.PostJsonAsync("/v1/identities", new { kind = "human", id = "erin", display_name = "Erin" });

        await foreach (var item in SseParser.Create(stream).EnumerateAsync(timeout.Token))
        {
            var evt = JsonDocument.Parse(item.Data).RootElement;
            Assert.Equal("identity.created", evt.GetProperty("type").GetString());
            Assert.Equal("erin", evt.GetProperty("resource_id").GetString());
            Assert.Equal(evt.GetProperty("sequence").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), item.EventId);
            return;
        }

        Assert.Fail("the stream ended without an event");
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
