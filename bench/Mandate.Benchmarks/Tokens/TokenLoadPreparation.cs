using System.Buffers.Text;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Jose;

namespace Mandate.Benchmarks.Tokens;

/// <summary>
/// Prepares a client-credentials load run against a running server: registers an owner and an agent with a fresh
/// ES256 key through the admin API, then writes <c>count</c> pre-signed client assertions (each with its own
/// <c>jti</c>) as ready-to-send form bodies, one per line, for the wrk script to cycle through.
/// </summary>
internal static class TokenLoadPreparation
{
    public static async Task<int> RunAsync(string[] args)
    {
        var server = Argument(args, "--server") ?? "http://127.0.0.1:8080";
        var admin = Argument(args, "--admin-token") ?? Environment.GetEnvironmentVariable("MANDATE_ADMIN_TOKEN")
            ?? throw new ArgumentException("pass --admin-token or set MANDATE_ADMIN_TOKEN");
        var count = int.Parse(Argument(args, "--count") ?? "100000", CultureInfo.InvariantCulture);
        var output = Argument(args, "--out") ?? "assertions.txt";

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = EcPublicJwk.FromKey(key);
        using var http = new HttpClient { BaseAddress = new Uri(server) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        var agent = "load-agent-" + Guid.NewGuid().ToString("N")[..8];
        await PostAsync(http, "/v1/identities", new { kind = "human", id = agent + "-owner", display_name = "Load owner" });
        await PostAsync(http, "/v1/identities", new
        {
            kind = "agent",
            id = agent,
            display_name = "Load agent",
            owner = agent + "-owner",
            credentials = new[] { new { kind = "public_key", jwk = JsonDocument.Parse(jwk.ToJson()).RootElement } },
        });

        var metadata = await http.GetFromJsonAsync<JsonElement>("/.well-known/oauth-authorization-server");
        var audience = metadata.GetProperty("token_endpoint").GetString()!;
        var now = DateTimeOffset.UtcNow;
        var prefix = "grant_type=client_credentials&client_assertion_type=" + Uri.EscapeDataString(ClientAssertionValidator.JwtBearerType)
            + "&client_assertion=";
        var nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(6));
        var lines = new string[count];
        Parallel.For(0, count, i =>
        {
            lines[i] = prefix + ClientAssertion.Sign(key, jwk.Kid, agent, audience, now, TimeSpan.FromMinutes(4), $"{nonce}-{i}");
        });
        await File.WriteAllLinesAsync(output, lines, new UTF8Encoding(false));

        Console.WriteLine($"prepared {count} assertions for `{agent}` in {(DateTimeOffset.UtcNow - now).TotalSeconds:0.0} s (valid for 4 minutes)");
        return 0;
    }

    private static async Task PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    internal static string? Argument(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
