using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Client.Tokens;
using Mandate.Server.Tests;

namespace Mandate.Client.Tests;

public sealed class TokenClientTests
{
    [Fact]
    public async Task DelegateAsync_MakesTheClientTheActorOnTheHoldersToken_OnlyWhereThePolicyLetsIt()
    {
        await using var server = await TestServer.StartAsync();
        using var aliceKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var botKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var strangerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await RegisterAsync(server, "human", "alice", null, aliceKey);
        await RegisterAsync(server, "human", "bob", null, null);
        await RegisterAsync(server, "agent", "bot", "alice", botKey);
        await RegisterAsync(server, "agent", "stranger", "bob", strangerKey);
        using var http = new HttpClient();
        var alice = await new MandateTokenClient(http, server.BaseAddress, "alice", aliceKey).GetTokenAsync(scope: "invoices:read invoices:write");
        var bot = new MandateTokenClient(http, server.BaseAddress, "bot", botKey);

        var delegated = Claims(await bot.DelegateAsync(alice, scope: "invoices:read"));
        var again = await bot.DelegateAsync(alice, scope: "invoices:read");
        var refused = await Assert.ThrowsAsync<MandateClientException>(
            () => new MandateTokenClient(http, server.BaseAddress, "stranger", strangerKey).DelegateAsync(alice));
        var broader = await Assert.ThrowsAsync<MandateClientException>(() => bot.DelegateAsync(alice, scope: "invoices:delete"));

        Assert.Equal("alice", delegated.GetProperty("sub").GetString());
        Assert.Equal("bot", delegated.GetProperty("act").GetProperty("sub").GetString());
        Assert.Equal("invoices:read", delegated.GetProperty("scope").GetString());
        Assert.NotEqual(delegated.GetProperty("jti").GetString(), Claims(again).GetProperty("jti").GetString());
        Assert.StartsWith("the token endpoint refused the request: ", refused.Message, StringComparison.Ordinal);
        Assert.StartsWith("the token endpoint refused the request: invalid_scope", broader.Message, StringComparison.Ordinal);
    }

    private static async Task RegisterAsync(TestServer server, string kind, string id, string? owner, ECDsa? key) =>
        await server.PostJsonAsync("/v1/identities", new
        {
            kind, id, display_name = id, owner,
            credentials = key is null ? null : new[] { new { kind = "public_key", jwk = JsonDocument.Parse(Mandate.Tokens.Jose.EcPublicJwk.FromKey(key).ToJson()).RootElement } },
        });

    private static JsonElement Claims(string token) =>
        JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1])).RootElement.Clone();
}
