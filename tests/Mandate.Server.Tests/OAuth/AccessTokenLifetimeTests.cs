using System.Buffers.Text;
using System.Net;
using System.Text.Json;
using Mandate.Server.Tests.Cli;
using Mandate.Server.Tests.Delegation;

namespace Mandate.Server.Tests.OAuth;

/// <summary>The access token lifetime an operator sets: what tokens carry, and which settings are refused.</summary>
public sealed class AccessTokenLifetimeTests
{
    [Theory]
    [InlineData(null, 300)]
    [InlineData(15, 900)]
    public async Task AccessTokens_LiveAsLongAsTheServerSays(int? minutes, int seconds)
    {
        await using var server = await TestServer.StartAsync(o => minutes is { } m ? o with { AccessTokenLifetime = TimeSpan.FromMinutes(m) } : o);
        using var fleet = new Fleet(server);
        await fleet.AddAsync("alice", "human");
        await fleet.AddAsync("bot", "agent", owner: "alice");
        var (status, body) = await fleet.PostAsync("/oauth2/token", "bot", ("grant_type", "client_credentials"));

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(seconds, body.GetProperty("expires_in").GetInt32());
        var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(body.GetProperty("access_token").GetString()!.Split('.')[1])).RootElement;
        Assert.Equal(seconds, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());
    }

    [Theory]
    [InlineData(30)]
    [InlineData(2 * 60 * 60)]
    public async Task ALifetimeOutsideMinutesToAnHour_IsRefusedAtStart(int seconds)
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            TestServer.StartAsync(o => o with { AccessTokenLifetime = TimeSpan.FromSeconds(seconds) }));

        Assert.Contains("access token lifetime must be between 1 minute and 60 minutes", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2h", "`2h` is out of range for --access-token-lifetime: use 1m to 1h")]
    [InlineData("30s", "`30s` is out of range for --access-token-lifetime: use 1m to 1h")]
    [InlineData("ten", "`ten` is not a span")]
    public async Task TheServeCommand_RefusesALifetimeItCannotUse(string value, string message)
    {
        var run = await CliRun.InvokeAsync(null, "serve", "--access-token-lifetime", value, "--data", Path.Combine(Path.GetTempPath(), "never-created"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }
}
