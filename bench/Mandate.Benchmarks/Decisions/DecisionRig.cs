using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.Client.Tokens;
using Mandate.Proxy;
using Mandate.Server;
using Mandate.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Benchmarks.Decisions;

/// <summary>
/// The targets of <c>bench/decisions.sh</c>, all on 127.0.0.1. <c>decision-rig --out DIR</c> runs a Mandate server with
/// an agent, its policies and a token, and the reference, a bare Kestrel endpoint answering a fixed JSON body (also the
/// proxy's upstream); it writes the wrk Lua scripts, <c>rig.env</c> and the proxy's configuration into DIR and prints
/// READY. <c>decision-rig --proxy --out DIR</c> then runs <c>mandate proxy</c> (in-process decisions) in front of the
/// bare endpoint, in a process of its own, writes <c>proxy.env</c> and prints READY. Both answer <c>stats</c> lines on
/// their standard input (and <c>sample</c>, then <c>allocations</c>) and run until it closes.
/// </summary>
internal static class DecisionRig
{
    private const string Audience = "https://invoices.bench";
    private const int BatchSize = 100;

    public static async Task RunAsync(string[] args)
    {
        switch (args)
        {
            case ["--out", var dir]:
                await RunServerAsync(dir);
                break;
            case ["--proxy", "--out", var dir]:
                await RunProxyAsync(dir);
                break;
            default:
                throw new ArgumentException("usage: decision-rig [--proxy] --out DIR");
        }
    }

    private static async Task RunServerAsync(string output)
    {
        var data = Path.Combine(Path.GetTempPath(), "mandate-bench-" + Guid.NewGuid().ToString("N"));
        var adminToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await using var server = await MandateServer.StartAsync(new MandateServerOptions
        {
            DataDirectory = data,
            Urls = ["http://127.0.0.1:0"],
            AdminToken = adminToken,
            Announcements = TextWriter.Null,

            // The scripts carry tokens minted once at start; a run with more rounds or longer phases than the default
            // lasts longer than the default five minutes.
            AccessTokenLifetime = MandateServerOptions.MaxAccessTokenLifetime,
        });
        try
        {
            var mandate = server.Addresses[0];
            using var admin = new HttpClient { BaseAddress = mandate };
            admin.DefaultRequestHeaders.Authorization = new("Bearer", adminToken);
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await SeedAsync(admin, key);

            await using var bare = await StartBareAsync();
            using var http = new HttpClient();
            var tokens = new MandateTokenClient(http, mandate, "bench-bot", key);
            var mandateToken = await tokens.GetTokenAsync();
            var serviceToken = await tokens.GetTokenAsync(Audience);
            Directory.CreateDirectory(output);
            WriteScripts(output, mandateToken, serviceToken);

            // The proxy runs in a process of its own (`decision-rig --proxy`), started by the script once this one is
            // ready, as `mandate proxy` runs in a deployment: its CPU, allocations and collections are then its own, and
            // the proxied phases report them apart from the server's.
            await File.WriteAllTextAsync(Path.Combine(output, "proxy.json"), $$"""
                {
                  "upstream": "{{bare}}", "listen": ["http://127.0.0.1:0"], "server": "{{mandate}}", "audience": "{{Audience}}",
                  "mode": "in_process",
                  "routes": [{ "method": "GET", "path": "/invoices/{id}", "action": "read", "resource": "Invoice::\"{id}\"" }],
                  "context_headers": { "X-Purpose": "purpose" },
                  "anonymous_paths": ["/invoices/open"]
                }
                """);
            await File.WriteAllTextAsync(Path.Combine(output, "proxy.credential"), adminToken);
            await File.WriteAllTextAsync(Path.Combine(output, "rig.env"),
                $"MANDATE={mandate.AbsoluteUri.TrimEnd('/')}\nBARE={bare}\nBATCH={BatchSize}\n");
            Console.WriteLine("READY");
            await AnswerAsync(server.Services.GetRequiredService<EventPipeline>());
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task RunProxyAsync(string output)
    {
        var configuration = ProxyConfiguration.Parse(await File.ReadAllTextAsync(Path.Combine(output, "proxy.json")));
        await using var proxy = await MandateProxy.StartAsync(configuration, await File.ReadAllTextAsync(Path.Combine(output, "proxy.credential")));
        await File.WriteAllTextAsync(Path.Combine(output, "proxy.env"), $"PROXY={proxy.Addresses[0].AbsoluteUri.TrimEnd('/')}\n");
        Console.WriteLine("READY");
        await AnswerAsync(events: null);
    }

    /// <summary>
    /// Answers the script on standard input until it closes: each line <c>stats</c> asks for the bytes this process has
    /// allocated, its collections, the server's events written and dropped so far (0 in the proxy's process), the GC's
    /// pauses and the process's CPU time, so the script can report per phase what a request cost and whether every
    /// decision became a stored event; <c>sample</c> starts sampling allocations by type (answering SAMPLING) and <c>allocations</c> prints
    /// what was sampled and stops.
    /// </summary>
    private static async Task AnswerAsync(EventPipeline? events)
    {
        AllocationSampler? sampler = null;
        while (await Console.In.ReadLineAsync() is { } line)
        {
            if (line == "sample")
            {
                sampler ??= new AllocationSampler();
                Console.WriteLine("SAMPLING");
            }
            else if (line == "allocations" && sampler is not null)
            {
                foreach (var row in sampler.Report(12))
                {
                    Console.WriteLine(row);
                }

                Console.WriteLine("ALLOCATIONS END");
                sampler.Dispose();
                sampler = null;
            }
            else if (line == "stats")
            {
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"STATS {GC.GetTotalAllocatedBytes(precise: true)} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)} {events?.Written ?? 0} {events?.Dropped ?? 0} {GC.GetTotalPauseDuration().TotalMicroseconds:F0} {Environment.CpuUsage.TotalTime.TotalMicroseconds:F0}"));
            }
        }
    }

    private static async Task SeedAsync(HttpClient admin, ECDsa key)
    {
        await Send(admin.PostAsJsonAsync("/v1/identities", new { kind = "human", id = "alice", display_name = "Alice" }));
        await Send(admin.PostAsJsonAsync("/v1/identities", new
        {
            kind = "agent", id = "bench-bot", display_name = "Bench bot", owner = "alice",
            credentials = new[] { new { kind = "public_key", jwk = JsonDocument.Parse(Mandate.Tokens.Jose.EcPublicJwk.FromKey(key).ToJson()).RootElement } },
        }));

        // The deciding policy among others that the scope index must rule out, as in a real deployment.
        var text = new StringBuilder("""
            permit (principal == Agent::"bench-bot", action == Action::"read", resource is Invoice)
            when { context has purpose && context.purpose == "monthly-close" };

            """);
        for (var i = 0; i < 50; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"permit (principal == Agent::\"other-{i}\", action == Action::\"read\", resource is Invoice);\n");
        }

        await Send(admin.PostAsJsonAsync("/v1/policies", new { id = "invoices", text = text.ToString() }));
    }

    private static async Task Send(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"seeding failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task<BareEndpoint> StartBareAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var body = """{"decision":true}"""u8.ToArray();
        RequestDelegate fixedJson = context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body).AsTask();
        };
        app.MapPost("/bare", fixedJson);
        app.MapGet("/invoices/{id}", fixedJson);
        await app.StartAsync();
        return new BareEndpoint(app);
    }

    private static void WriteScripts(string output, string mandateToken, string serviceToken)
    {
        const string single = """{"subject":{"type":"Agent","id":"bench-bot"},"action":{"name":"read"},"resource":{"type":"Invoice","id":"inv-7"},"context":{"purpose":"monthly-close"}}""";
        var items = string.Join(',', Enumerable.Range(0, BatchSize).Select(i => $$$"""{"resource":{"type":"Invoice","id":"inv-{{{i}}}"}}"""));
        var batch = $$"""{"subject":{"type":"Agent","id":"bench-bot"},"action":{"name":"read"},"context":{"purpose":"monthly-close"},"evaluations":[{{items}}]}""";
        File.WriteAllText(Path.Combine(output, "single.lua"), Post(single, mandateToken));
        File.WriteAllText(Path.Combine(output, "bare.lua"), Post(single, mandateToken));
        File.WriteAllText(Path.Combine(output, "batch.lua"), Post(batch, mandateToken));
        File.WriteAllText(Path.Combine(output, "proxied.lua"), $$"""
            wrk.method = "GET"
            wrk.headers["Authorization"] = "Bearer {{serviceToken}}"
            wrk.headers["X-Purpose"] = "monthly-close"
            """);
        File.WriteAllText(Path.Combine(output, "direct.lua"), $$"""
            wrk.method = "GET"
            wrk.headers["Authorization"] = "Bearer {{serviceToken}}"
            wrk.headers["X-Purpose"] = "monthly-close"
            """);
    }

    private static string Post(string body, string token) => $$"""
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/json"
        wrk.headers["Authorization"] = "Bearer {{token}}"
        wrk.body = '{{body}}'
        """;

    private sealed class BareEndpoint(WebApplication app) : IAsyncDisposable
    {
        public Uri Address => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        public async ValueTask DisposeAsync() => await app.DisposeAsync();

        public static implicit operator Uri(BareEndpoint endpoint) => endpoint.Address;

        public override string ToString() => Address.AbsoluteUri.TrimEnd('/');
    }
}
