using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Tokens;
using Mandate.Tokens.Clients;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Demo;

/// <summary>
/// Live traffic for the demo: machine identities obtain tokens with signed assertions and ask for decisions
/// over HTTP against this very server, a few times a second, including some that are refused.
/// </summary>
internal sealed partial class DemoTraffic(IServiceProvider services, Dictionary<string, (ECDsa Key, string KeyId)> keys, ILogger<DemoTraffic> logger)
{
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(400);

    public void Start(CancellationToken stopping) => _ = Task.Run(() => RunAsync(stopping), CancellationToken.None);

    private async Task RunAsync(CancellationToken stopping)
    {
        var options = services.GetRequiredService<TokenServiceOptions>();
        using var http = new HttpClient { BaseAddress = new Uri(options.Issuer.TrimEnd('/') + "/") };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("mandate-demo", "1.0"));
        var tokens = new Dictionary<string, (string Token, DateTimeOffset Expires)>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(Pace);
        var round = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                var (principal, action, resource, purpose) = DemoFleet.Traffic[Random.Shared.Next(DemoFleet.Traffic.Length)];
                if (!keys.TryGetValue(principal, out var key))
                {
                    continue;
                }

                try
                {
                    // Every 25th round replays a stale assertion, so refusals show up in the stream too.
                    var stale = ++round % 25 == 0;
                    if (stale || !tokens.TryGetValue(principal, out var cached) || cached.Expires < DateTimeOffset.UtcNow.AddSeconds(30))
                    {
                        var obtained = await RequestTokenAsync(http, options, principal, key, stale, stopping);
                        if (obtained is null)
                        {
                            continue;
                        }

                        cached = obtained.Value;
                        tokens[principal] = cached;
                    }

                    await DecideAsync(http, cached.Token, principal, action, resource, purpose, stopping);
                }
                catch (HttpRequestException ex)
                {
                    LogTrafficFailed(ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
        finally
        {
            foreach (var (signing, _) in keys.Values)
            {
                signing.Dispose();
            }
        }
    }

    private static async Task<(string, DateTimeOffset)?> RequestTokenAsync(
        HttpClient http, TokenServiceOptions options, string clientId, (ECDsa Key, string KeyId) key, bool stale, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow - (stale ? TimeSpan.FromMinutes(10) : TimeSpan.Zero);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = ClientAssertionValidator.JwtBearerType,
            ["client_assertion"] = ClientAssertion.Sign(key.Key, key.KeyId, clientId, options.TokenEndpoint, now, TimeSpan.FromMinutes(1)),
        });
        using var response = await http.PostAsync("oauth2/token", form, ct);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return (body.GetProperty("access_token").GetString()!, DateTimeOffset.UtcNow.AddSeconds(body.GetProperty("expires_in").GetInt32()));
    }

    private static async Task DecideAsync(HttpClient http, string token, string principal, string action, string resource, string? purpose, CancellationToken ct)
    {
        var kind = principal is "billing-service" or "etl-nightly" ? "ServiceAccount" : "Agent";
        using var request = new HttpRequestMessage(HttpMethod.Post, "access/v1/evaluation")
        {
            Content = JsonContent.Create(new Dictionary<string, object>
            {
                ["subject"] = new Dictionary<string, string> { ["type"] = kind, ["id"] = principal },
                ["action"] = new Dictionary<string, string> { ["name"] = action },
                ["resource"] = new Dictionary<string, string> { ["type"] = "Table", ["id"] = resource },
                ["context"] = purpose is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["purpose"] = purpose },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, ct);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "demo traffic request failed")]
    private partial void LogTrafficFailed(Exception exception);
}
