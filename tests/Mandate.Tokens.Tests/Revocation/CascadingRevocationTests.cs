using System.Text;
using System.Text.Json.Nodes;
using Mandate.Tokens.Issuance;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Revocation;
using Mandate.Tokens.Validation;

namespace Mandate.Tokens.Tests.Revocation;

/// <summary>Revoking any hop, suspending any identity or revoking any credential on a chain stops everything below it.</summary>
public sealed class CascadingRevocationTests : IDisposable
{
    private readonly TokenWorld _world = new();
    private string _root = null!;
    private string _hop1 = null!;
    private string _hop2 = null!;
    private string _sibling = null!;

    public CascadingRevocationTests()
    {
        _world.AddClient("alice", "Human");
        _world.AddClient("agent");
        _world.AddClient("sub");
    }

    public void Dispose() => _world.Dispose();

    private async Task BuildAsync()
    {
        _root = await _world.TokenOfAsync("alice", ("scope", "read write"));
        _hop1 = await DelegateAsync("agent", _root);
        _hop2 = await DelegateAsync("sub", _hop1);
        _sibling = await DelegateAsync("agent", _root);
    }

    private async Task<string> DelegateAsync(string actor, string subject) =>
        (await _world.ExchangeAsync(actor, subject, await _world.TokenOfAsync(actor))).Token!.AccessToken;

    private static string Jti(string token) => TokenWorld.Claims(token).GetProperty("jti").GetString()!;

    private string? Refusal(string token) => _world.Validator.Validate(token).Error;

    [Fact]
    public async Task RevokingTheRoot_StopsEveryDescendantAtOnce()
    {
        await BuildAsync();
        Assert.All(new[] { _root, _hop1, _hop2, _sibling }, t => Assert.Null(Refusal(t)));

        Assert.Null(await _world.Revoker.RevokeAsync(_root, "alice", isAdmin: false, new TokenRequestContext(null, null, null), CancellationToken.None));

        Assert.Equal("the token was revoked", Refusal(_root));
        Assert.Equal("a token upstream on the delegation chain was revoked", Refusal(_hop1));
        Assert.Equal("a token upstream on the delegation chain was revoked", Refusal(_hop2));
        Assert.Equal("a token upstream on the delegation chain was revoked", Refusal(_sibling));
        Assert.Equal(Jti(_root), _world.RevokedTokens.Single().Revocation.TokenId);
    }

    [Fact]
    public async Task RevokingAMiddleHop_StopsOnlyItsSubtree()
    {
        await BuildAsync();

        await _world.Revoker.RevokeByIdAsync(Jti(_hop1), "admin", "investigation", new TokenRequestContext(null, null, null), CancellationToken.None);

        Assert.Null(Refusal(_root));
        Assert.Null(Refusal(_sibling));
        Assert.NotNull(Refusal(_hop1));
        Assert.NotNull(Refusal(_hop2));
        Assert.Equal("investigation", (await _world.Store.GetRevocationAsync(Jti(_hop1)))!.Reason);
    }

    [Fact]
    public async Task SuspendingAnActor_StopsTheTokensItObtainedAndEverythingBelow()
    {
        await BuildAsync();

        _world.Inactive.Add("agent");

        Assert.Null(Refusal(_root));
        Assert.Contains("`agent`", Refusal(_hop1), StringComparison.Ordinal);
        Assert.Contains("`agent`", Refusal(_hop2), StringComparison.Ordinal);
        Assert.Contains("`agent`", Refusal(_sibling), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SuspendingTheSubject_StopsTheWholeChain()
    {
        await BuildAsync();

        _world.Inactive.Add("alice");

        Assert.All(new[] { _root, _hop1, _hop2, _sibling }, t => Assert.Contains("`alice` is not active", Refusal(t), StringComparison.Ordinal));
    }

    [Fact]
    public async Task RevokingACredential_StopsTokensItObtainedAndTheirDescendants()
    {
        await BuildAsync();

        _world.RevokedCredentials.Add("crd_alice");

        Assert.All(new[] { _root, _hop1, _hop2, _sibling }, t => Assert.Contains("credential", Refusal(t), StringComparison.Ordinal));
    }

    [Fact]
    public async Task RevokingAnActorToken_StopsTheDelegationMadeWithIt()
    {
        _root = await _world.TokenOfAsync("alice");
        var actorToken = await _world.TokenOfAsync("agent");
        var delegated = (await _world.ExchangeAsync("agent", _root, actorToken)).Token!.AccessToken;

        await _world.Revoker.RevokeAsync(actorToken, "agent", isAdmin: false, new TokenRequestContext(null, null, null), CancellationToken.None);

        Assert.Equal("an actor token on the delegation chain was revoked", Refusal(delegated));
        Assert.Null(Refusal(_root));
    }

    [Fact]
    public async Task RevokingTheActorTokensParent_EndsTheDelegationMadeWithIt()
    {
        var agentRoot = await _world.TokenOfAsync("agent");
        var agentNarrowed = (await _world.ExchangeAsync("agent", agentRoot, null)).Token!.AccessToken;
        var delegated = (await _world.ExchangeAsync("agent", await _world.TokenOfAsync("alice", ("scope", "read")), agentNarrowed)).Token!.AccessToken;
        Assert.Null(Refusal(delegated));

        await _world.Revoker.RevokeAsync(agentRoot, "agent", isAdmin: false, new TokenRequestContext(null, null, null), CancellationToken.None);

        Assert.Equal("a token upstream on the delegation chain was revoked", Refusal(agentNarrowed));
        Assert.Equal("a token upstream on the delegation chain was revoked", Refusal(delegated));
    }

    [Fact]
    public async Task RevokingTheCredentialThatObtainedTheActorTokensParent_EndsTheDelegation()
    {
        // The agent's root comes from its key (crd_agent); the narrowed actor token and the delegation from its API key.
        var agentRoot = await _world.TokenOfAsync("agent");
        Dictionary<string, string[]> BySecret(params (string Name, string Value)[] parameters) => new(
            parameters.Select(p => KeyValuePair.Create(p.Name, new[] { p.Value }))
                .Append(KeyValuePair.Create("client_id", new[] { "agent" })).Append(KeyValuePair.Create("client_secret", new[] { TokenWorld.Secret })));
        var exchange = TokenExchangeGrant.GrantType;
        var accessToken = IssuedToken.AccessTokenTypeUri;
        var agentNarrowed = (await _world.RequestAsync(BySecret(("grant_type", exchange), ("subject_token", agentRoot), ("subject_token_type", accessToken))))
            .Token!.AccessToken;
        var delegated = (await _world.RequestAsync(BySecret(("grant_type", exchange),
            ("subject_token", await _world.TokenOfAsync("alice", ("scope", "read"))), ("subject_token_type", accessToken),
            ("actor_token", agentNarrowed), ("actor_token_type", accessToken)))).Token!.AccessToken;
        Assert.Null(Refusal(delegated));

        _world.RevokedCredentials.Add("crd_agent");

        Assert.NotNull(Refusal(agentNarrowed));
        Assert.Equal("a credential that obtained a token on the delegation chain was revoked", Refusal(delegated));
    }

    [Fact]
    public async Task Revocation_SurvivesARestartOfTheInMemorySet()
    {
        await BuildAsync();
        await _world.Revoker.RevokeAsync(_root, "admin", isAdmin: true, new TokenRequestContext(null, null, null), CancellationToken.None);

        var restarted = new RevocationSet(_world);
        await restarted.LoadAsync(_world.Store, _world.Clock.Now, CancellationToken.None);
        var validator = new AccessTokenValidator(_world.Keys, _world.Options, _world.Clock, restarted);

        Assert.All(new[] { _root, _hop1, _hop2, _sibling }, t => Assert.NotNull(validator.Validate(t).Error));
        Assert.Equal(4, restarted.NodeCount);
    }

    [Fact]
    public async Task Prune_ForgetsExpiredNodesAndRevocations()
    {
        await BuildAsync();
        await _world.Revoker.RevokeAsync(_hop2, "sub", isAdmin: false, new TokenRequestContext(null, null, null), CancellationToken.None);

        _world.Revocations.Prune(_world.Clock.Now.AddMinutes(10));

        Assert.Equal((0, 0), (_world.Revocations.NodeCount, _world.Revocations.RevokedCount));
    }

    [Fact]
    public async Task AnotherClientsToken_IsNotRevoked_AndTheRefusalSaysWhy()
    {
        await BuildAsync();

        var refusal = await _world.Revoker.RevokeAsync(_hop1, "sub", isAdmin: false, new TokenRequestContext(null, null, null), CancellationToken.None);

        Assert.Equal("invalid_grant", refusal!.Error);
        Assert.Contains("issued to `agent`", refusal.Description, StringComparison.Ordinal);
        Assert.Null(Refusal(_hop1));
    }

    [Fact]
    public async Task ATokenOfASuspendedIdentity_CanBeRevoked_AndStaysRevokedAfterResumption()
    {
        await BuildAsync();
        _world.Inactive.Add("agent");

        await _world.Revoker.RevokeAsync(_hop1, "agent", isAdmin: false, new TokenRequestContext(null, null, null), CancellationToken.None);
        _world.Inactive.Remove("agent");

        Assert.Equal("the token was revoked", Refusal(_hop1));
        Assert.NotNull(Refusal(_hop2));
        Assert.Null(Refusal(_sibling));
    }

    [Fact]
    public async Task RevokingAnUnknownOrForgedToken_Succeeds_AndRecordsNothing()
    {
        Assert.Null(await _world.Revoker.RevokeAsync("not-a-token", "alice", isAdmin: false, new TokenRequestContext(null, null, null), CancellationToken.None));

        Assert.Empty(_world.RevokedTokens);
    }

    [Fact]
    public async Task AlteredActChain_SignedWithTheIssuersKey_IsRefusedAsNotMatchingTheRecordedDelegation()
    {
        await BuildAsync();
        var claims = JsonNode.Parse(TokenWorld.Part(_hop2, 1))!.AsObject();
        claims["act"] = JsonNode.Parse("""{"sub":"sub","act":{"sub":"someone-else"}}""");

        var forged = CompactJws.Sign(Encoding.UTF8.GetBytes(claims.ToJsonString()), _world.Keys.Current, "at+jwt");

        Assert.Equal("the token's `act` chain does not match its recorded delegation", _world.Validator.Validate(forged).Error);
    }

    [Fact]
    public async Task ActChainOnATokenTheGraphDoesNotKnow_IsRefused()
    {
        var claims = JsonNode.Parse(TokenWorld.Part(await _world.TokenOfAsync("alice"), 1))!.AsObject();
        claims["act"] = JsonNode.Parse("""{"sub":"agent"}""");

        var forged = CompactJws.Sign(Encoding.UTF8.GetBytes(claims.ToJsonString()), _world.Keys.Current, "at+jwt");

        Assert.Equal("the token's delegation is not recorded, so its `act` chain cannot be trusted", _world.Validator.Validate(forged).Error);
    }

    [Fact]
    public async Task SelfSignedActChain_IsRefused()
    {
        await BuildAsync();
        using var attacker = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);

        var forged = CompactJws.Sign(Encoding.UTF8.GetBytes(TokenWorld.Part(_hop2, 1)), attacker, _world.Keys.Current.KeyId, "at+jwt");
        var ownKid = CompactJws.Sign(Encoding.UTF8.GetBytes(TokenWorld.Part(_hop2, 1)), attacker, EcPublicJwk.FromKey(attacker).Kid, "at+jwt");

        Assert.Equal("the token signature is invalid", _world.Validator.Validate(forged).Error);
        Assert.Equal("the token was not signed by a key this issuer publishes", _world.Validator.Validate(ownKid).Error);
    }

    [Fact]
    public async Task Introspection_ShowsTheChainAndDetails_AndGoesInactiveOnRevocation()
    {
        _root = await _world.TokenOfAsync("alice", ("scope", "read"), ("may_act", "agent"),
            ("authorization_details", """[{"type":"mandate","actions":["read"],"purpose":"close"}]"""));
        _hop1 = await DelegateAsync("agent", _root);

        var active = _world.Introspector.Introspect(_hop1);
        Assert.Equal(true, active["active"]);
        Assert.Equal("""{"sub":"agent"}""", System.Text.Json.JsonSerializer.Serialize(active["act"]));
        Assert.Equal("""[{"type":"mandate","actions":["read"],"purpose":"close"}]""", System.Text.Json.JsonSerializer.Serialize(active["authorization_details"]));
        Assert.Equal("""{"sub":"agent"}""", System.Text.Json.JsonSerializer.Serialize(_world.Introspector.Introspect(_root)["may_act"]));

        await _world.Revoker.RevokeAsync(_root, "alice", isAdmin: false, new TokenRequestContext(null, null, null), CancellationToken.None);

        Assert.Equal(false, _world.Introspector.Introspect(_hop1)["active"]);
        Assert.Single(_world.Introspector.Introspect(_hop1));
    }
}
