using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Tokens.Jose;

namespace Mandate.Server.Tests.Cli;

/// <summary>The CLI's token-service commands: registration tokens, identities with a JWK Set or JWKS URL, federated trusts, API key rotation.</summary>
public sealed class TokenServiceCliTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private readonly string _workDirectory = Directory.CreateTempSubdirectory("mandate-cli-tokens-").FullName;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        await Ok("identity", "create", "--kind", "human", "--id", "alice", "--name", "Alice Ng");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        TestServer.DeleteDirectory(_workDirectory);
    }

    [Fact]
    public async Task RegistrationToken_CreateShowRevoke()
    {
        var created = await Ok("registration-token", "create", "--owner", "alice", "--kind", "workload", "--uses", "3", "--expires", "2h", "--json");
        var token = JsonDocument.Parse(created.Output).RootElement;
        Assert.StartsWith("mnd_reg_", token.GetProperty("token").GetString(), StringComparison.Ordinal);
        Assert.Equal("workload", token.GetProperty("kind").GetString());
        var id = token.GetProperty("id").GetString()!;

        Assert.Contains("0/3 used", (await Ok("registration-token", "show", id)).Output, StringComparison.Ordinal);
        Assert.Contains(id, (await Ok("registration-token", "list")).Output, StringComparison.Ordinal);
        Assert.Contains("revoked", (await Ok("registration-token", "revoke", id)).Output, StringComparison.Ordinal);

        var human = await CliRun.InvokeAsync(_server, "registration-token", "create", "--owner", "alice", "--kind", "human");
        Assert.Equal(2, human.ExitCode);
    }

    [Fact]
    public async Task IdentityWithAJwkSet_FederatedTrust_AndApiKeyRotation()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwks = Path.Combine(_workDirectory, "jwks.json");
        await File.WriteAllTextAsync(jwks, $$"""{"keys":[{{EcPublicJwk.FromKey(key).ToJson()}}]}""");

        var agent = await Ok("identity", "create", "--kind", "agent", "--id", "set-bot", "--name", "Set bot", "--owner", "alice", "--jwks", jwks,
            "--jwks-uri", "https://set-bot.example/jwks");
        Assert.Contains("public-key", agent.Output, StringComparison.Ordinal);
        Assert.Contains("jwks-uri", agent.Output, StringComparison.Ordinal);

        var trust = await Ok("credential", "add", "set-bot", "--federated-issuer", "https://token.actions.example", "--subject", "repo:acme/*",
            "--jwks", jwks, "--allow-reuse");
        Assert.Contains("federated-trust", trust.Output, StringComparison.Ordinal);
        var noKeys = await CliRun.InvokeAsync(_server, "credential", "add", "set-bot", "--federated-issuer", "https://token.actions.example", "--subject", "repo:acme/*");
        Assert.Equal(1, noKeys.ExitCode);

        var apiKey = JsonDocument.Parse((await Ok("credential", "add", "set-bot", "--api-key", "--json")).Output).RootElement;
        var rotated = await Ok("credential", "rotate", apiKey.GetProperty("credential").GetProperty("id").GetString()!, "--overlap", "15m");
        Assert.Contains("api key (shown once", rotated.Output, StringComparison.Ordinal);
        Assert.Contains("(weak)", (await Ok("credential", "list", "--identity", "set-bot")).Output, StringComparison.Ordinal);
    }

    private async Task<CliRun> Ok(params string[] args)
    {
        var run = await CliRun.InvokeAsync(_server, args);
        Assert.True(run.ExitCode == 0, $"mandate {string.Join(' ', args)}: {run}");
        return run;
    }
}
