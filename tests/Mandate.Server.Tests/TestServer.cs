using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Mandate.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Tests;

/// <summary>A real Mandate server on Kestrel, 127.0.0.1 and a free port, over a temporary data directory.</summary>
public sealed class TestServer : IAsyncDisposable
{
    public const string AdminToken = "test-admin-token-0123456789abcdef";

    private TestServer(MandateServer server, string dataDirectory, bool ownsDirectory)
    {
        Server = server;
        DataDirectory = dataDirectory;
        OwnsDirectory = ownsDirectory;
        BaseAddress = server.Addresses[0];
        Admin = CreateClient(AdminToken);
    }

    public MandateServer Server { get; }

    public string DataDirectory { get; }

    public Uri BaseAddress { get; }

    /// <summary>A client authenticated with the admin token.</summary>
    public HttpClient Admin { get; }

    private bool OwnsDirectory { get; }

    public static Task<TestServer> StartAsync(Func<MandateServerOptions, MandateServerOptions>? configure = null) =>
        StartAsync(Path.Combine(Path.GetTempPath(), "mandate-test-" + Guid.NewGuid().ToString("N")), ownsDirectory: true, configure);

    /// <summary>Starts a server over an existing data directory (for restart tests); the caller deletes it.</summary>
    public static async Task<TestServer> StartAsync(string dataDirectory, bool ownsDirectory, Func<MandateServerOptions, MandateServerOptions>? configure = null)
    {
        var options = new MandateServerOptions
        {
            DataDirectory = dataDirectory,
            Urls = ["http://127.0.0.1:0"],
            AdminToken = AdminToken,
            Announcements = TextWriter.Null,
            // Collapsing is process-wide, and a test run starts hundreds of servers in one process (HugePagesTests covers it).
            HugePages = false,
        };
        var server = await MandateServer.StartAsync(configure is null ? options : configure(options));
        return new TestServer(server, dataDirectory, ownsDirectory);
    }

    public HttpClient CreateClient(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new Xunit.Sdk.XunitException($"expected JSON, got {(int)response.StatusCode}: {text}");
        }
    }

    public async Task<JsonElement> PostJsonAsync(string path, object body, int expectedStatus = 201)
    {
        using var response = await Admin.PostAsJsonAsync(path, body, ApiJson.Options);
        var json = await ReadJsonAsync(response);
        Assert.True((int)response.StatusCode == expectedStatus, $"POST {path}: expected {expectedStatus}, got {(int)response.StatusCode}: {json}");
        return json;
    }

    public async Task<JsonElement> GetJsonAsync(string path, int expectedStatus = 200)
    {
        using var response = await Admin.GetAsync(path);
        var json = await ReadJsonAsync(response);
        Assert.True((int)response.StatusCode == expectedStatus, $"GET {path}: expected {expectedStatus}, got {(int)response.StatusCode}: {json}");
        return json;
    }

    /// <summary>Waits on the pipeline's append signal (no sleeping) until <paramref name="count"/> events of a type are stored.</summary>
    public async Task<List<JsonElement>> WaitForEventsAsync(string type, int count, Func<JsonElement, bool>? where = null)
    {
        var pipeline = Server.Services.GetRequiredService<Telemetry.EventPipeline>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var appended = pipeline.NextAppend;
            var page = await GetJsonAsync($"/v1/events?type={Uri.EscapeDataString(type)}&limit=1000");
            var items = page.GetProperty("items").EnumerateArray().Where(where ?? (_ => true)).ToList();
            if (items.Count >= count)
            {
                return items;
            }

            await appended.WaitAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Server.StopAsync();
        await Server.DisposeAsync();
        if (OwnsDirectory)
        {
            DeleteDirectory(DataDirectory);
        }
    }

    public static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
