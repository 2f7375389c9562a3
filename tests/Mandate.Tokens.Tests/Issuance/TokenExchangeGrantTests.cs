using System.Text.Json;
using Mandate.Core.Delegations;
using Mandate.Tokens.Delegation;
using Mandate.Tokens.Issuance;

namespace Mandate.Tokens.Tests.Issuance;

/// <summary>Delegation by token exchange: human alice -> agent -> sub -> tool.</summary>
public sealed class TokenExchangeGrantTests : IDisposable
{
    private readonly TokenWorld _world = new();

    public TokenExchangeGrantTests()
    {
        _world.AddClient("alice", "Human");
        _world.AddClient("agent");
        _world.AddClient("sub");
        _world.AddClient("tool");
    }

    public void Dispose() => _world.Dispose();

    private async Task<string> DelegateAsync(string actor, string subjectToken, params (string Name, string Value)[] extra)
    {
        var result = await _world.ExchangeAsync(actor, subjectToken, await _world.TokenOfAsync(actor), extra);
        return result.Token?.AccessToken ?? throw new InvalidOperationException($"{result.Error?.Error}: {result.Error?.Description}");
    }

    [Fact]
    public async Task ThreeHops_NestActClaims_CurrentActorOutermost_AndRecordTheGraph()
    {
        var root = await _world.TokenOfAsync("alice", ("scope", "invoices:read invoices:write"));
        var hop1 = await DelegateAsync("agent", root);
        var hop2 = await DelegateAsync("sub", hop1, ("scope", "invoices:read"));
        var hop3 = await DelegateAsync("tool", hop2);

        var claims = TokenWorld.Claims(hop3);
        Assert.Equal("alice", claims.GetProperty("sub").GetString());
        Assert.Equal("Human", claims.GetProperty("sub_kind").GetString());
        Assert.Equal("tool", claims.GetProperty("client_id").GetString());
        Assert.Equal("crd_tool", claims.GetProperty("cred").GetString());
        Assert.Equal("invoices:read", claims.GetProperty("scope").GetString());
        Assert.Equal("""{"sub":"tool","act":{"sub":"sub","act":{"sub":"agent"}}}""", claims.GetProperty("act").GetRawText());
        Assert.Equal("at+jwt", JsonDocument.Parse(TokenWorld.Part(hop3, 0)).RootElement.GetProperty("typ").GetString());

        var valid = _world.Validator.Validate(hop3);
        Assert.True(valid.Token is not null, valid.Error);
        Assert.Equal(["tool", "sub", "agent"], valid.Token.Actors);

        var rootId = TokenWorld.Claims(root).GetProperty("jti").GetString()!;
        var node = _world.Revocations.Find(claims.GetProperty("jti").GetString()!)!;
        Assert.Equal(DelegationKind.Delegation, node.Kind);
        Assert.Equal(3, node.Depth);
        Assert.Equal(["crd_tool"], node.CredentialIds);
        Assert.Equal(DelegationKind.Root, _world.Revocations.Find(rootId)!.Kind);
        Assert.Equal(TokenWorld.Claims(hop1).GetProperty("jti").GetString(), (await _world.Store.ListChildrenAsync(rootId, new())).Items.Single().TokenId);
        Assert.Equal(["issued alice", "issued agent", "issued alice", "issued sub", "issued alice", "issued tool", "issued alice"], _world.Outcomes);
    }

    [Fact]
    public async Task Delegation_AsksThePolicyWhetherTheHolderMayDelegateToTheActor()
    {
        var hop1 = await DelegateAsync("agent", await _world.TokenOfAsync("alice"));
        await DelegateAsync("sub", hop1);

        Assert.Equal(
            [new DelegationQuestion(DelegationAction.Delegate, "alice", "agent", false, false, 1, null), new DelegationQuestion(DelegationAction.Delegate, "agent", "sub", false, false, 2, null)],
            _world.Questions);
    }

    [Fact]
    public async Task PolicyRefusal_IsUnauthorizedClient_AndAnEscalation()
    {
        _world.Policy = q => new DelegationVerdict(false, "no policy permits it");

        var result = await _world.ExchangeAsync("agent", await _world.TokenOfAsync("alice"), await _world.TokenOfAsync("agent"));

        Assert.Equal("unauthorized_client", result.Error!.Error);
        Assert.Contains("`alice` may not delegate to `agent`: no policy permits it", result.Error.Description, StringComparison.Ordinal);
        Assert.True(result.Error.IsEscalation);
    }

    [Fact]
    public async Task MayAct_NamesTheOnlyActor_AndTellsThePolicy()
    {
        var root = await _world.TokenOfAsync("alice", ("may_act", "tool"));
        Assert.Equal("""{"sub":"tool"}""", TokenWorld.Claims(root).GetProperty("may_act").GetRawText());

        var refused = await _world.ExchangeAsync("agent", root, await _world.TokenOfAsync("agent"));
        Assert.Equal("invalid_grant", refused.Error!.Error);
        Assert.Contains("`may_act` names `tool`, not `agent`", refused.Error.Description, StringComparison.Ordinal);
        Assert.True(refused.Error.IsEscalation);

        await DelegateAsync("tool", root);
        Assert.True(_world.Questions.Single().NamedInMayAct);
    }

    [Fact]
    public async Task MayAct_IsValidated()
    {
        var result = await _world.RequestAsync(_world.FormOf("alice", "client_credentials", ("may_act", "../etc")));

        Assert.Equal("invalid_request", result.Error!.Error);
    }

    [Theory]
    [InlineData("invoices:read payroll:read", "invalid_scope", "scope `payroll:read` is not granted")]
    [InlineData("", null, null)]
    [InlineData("invoices:read", null, null)]
    public async Task Scope_OnlyNarrows(string requested, string? error, string? message)
    {
        var root = await _world.TokenOfAsync("alice", ("scope", "invoices:read invoices:write"));

        var result = await _world.ExchangeAsync("agent", root, await _world.TokenOfAsync("agent"), ("scope", requested));

        Assert.Equal(error, result.Error?.Error);
        if (message is not null)
        {
            Assert.Contains(message, result.Error!.Description, StringComparison.Ordinal);
            Assert.True(result.Error.IsEscalation);
        }
        else
        {
            Assert.Equal(requested.Length == 0 ? "invoices:read invoices:write" : requested, TokenWorld.Claims(result.Token!.AccessToken).GetProperty("scope").GetString());
        }
    }

    [Fact]
    public async Task AuthorizationDetails_AreCarriedAndOnlyNarrow()
    {
        var root = await _world.TokenOfAsync("alice", ("authorization_details",
            """[{"type":"mandate","actions":["read","write"],"resources":["Table"],"purpose":"monthly-close"}]"""));
        var inherited = await DelegateAsync("agent", root);
        Assert.Equal(TokenWorld.Claims(root).GetProperty("authorization_details").GetRawText(),
            TokenWorld.Claims(inherited).GetProperty("authorization_details").GetRawText());

        var narrowed = await DelegateAsync("sub", inherited, ("authorization_details",
            """[{"type":"mandate","actions":["read"],"resources":["Table::\"invoices\""],"purpose":"monthly-close"}]"""));
        Assert.Equal(["read"], _world.Validator.Validate(narrowed).Token!.AuthorizationDetails!.Single().Actions);

        var wider = await _world.ExchangeAsync("tool", narrowed, await _world.TokenOfAsync("tool"), ("authorization_details",
            """[{"type":"mandate","actions":["read","write"],"resources":["Table::\"invoices\""],"purpose":"monthly-close"}]"""));
        Assert.Equal("invalid_authorization_details", wider.Error!.Error);
        Assert.Contains("action `write` is not granted", wider.Error.Description, StringComparison.Ordinal);
        Assert.True(wider.Error.IsEscalation);

        var malformed = await _world.ExchangeAsync("tool", narrowed, await _world.TokenOfAsync("tool"), ("authorization_details", "{"));
        Assert.Equal("invalid_authorization_details", malformed.Error!.Error);
    }

    [Fact]
    public async Task AuthorizationDetails_OnClientCredentials_AreStrict()
    {
        var result = await _world.RequestAsync(_world.FormOf("alice", "client_credentials", ("authorization_details", """[{"type":"mandate","actions":["read"],"extra":1}]""")));

        Assert.Equal("invalid_authorization_details", result.Error!.Error);
        Assert.Equal(["refused invalid_authorization_details"], _world.Outcomes);
    }

    [Fact]
    public async Task Audience_OnlyNarrows()
    {
        var root = await _world.TokenOfAsync("alice", ("resource", "https://api.one/"), ("resource", "https://api.two/"));

        var narrowed = await DelegateAsync("agent", root, ("resource", "https://api.two/"));
        var wider = await _world.ExchangeAsync("agent", root, await _world.TokenOfAsync("agent"), ("audience", "https://api.three/"));

        Assert.Equal("https://api.two/", TokenWorld.Claims(narrowed).GetProperty("aud").GetString());
        Assert.Equal("invalid_target", wider.Error!.Error);
        Assert.Equal(2, TokenWorld.Claims(await DelegateAsync("agent", root)).GetProperty("aud").GetArrayLength());
    }

    [Fact]
    public async Task Lifetime_NeverPassesTheParents()
    {
        var root = await _world.TokenOfAsync("alice");
        _world.Clock.Now = _world.Clock.Now.AddMinutes(4);

        var result = await _world.ExchangeAsync("agent", root, await _world.TokenOfAsync("agent"));

        Assert.Equal(TokenWorld.Claims(root).GetProperty("exp").GetInt64(), TokenWorld.Claims(result.Token!.AccessToken).GetProperty("exp").GetInt64());
        Assert.Equal(60, result.ExpiresIn);
    }

    [Fact]
    public async Task ChainDepth_IsBounded()
    {
        var token = await _world.TokenOfAsync("alice");
        var actors = new[] { "a1", "a2", "a3", "a4", "a5", "a6" };
        foreach (var actor in actors)
        {
            _world.AddClient(actor);
        }

        for (var i = 0; i < _world.Options.MaxDelegationDepth; i++)
        {
            token = await DelegateAsync(actors[i], token);
        }

        var refused = await _world.ExchangeAsync("a6", token, await _world.TokenOfAsync("a6"));

        Assert.Equal("invalid_request", refused.Error!.Error);
        Assert.Contains("at most 5", refused.Error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutActorToken_TheHolderNarrows_AndAnyoneElseImpersonatesOnlyIfPolicyAllows()
    {
        var root = await _world.TokenOfAsync("alice", ("scope", "a b"));
        var narrowed = await _world.ExchangeAsync("alice", root, null, ("scope", "a"));
        Assert.Equal("narrowing", narrowed.Token!.Grant);
        Assert.False(TokenWorld.Claims(narrowed.Token.AccessToken).TryGetProperty("act", out _));

        _world.Policy = q => new DelegationVerdict(q.Action != DelegationAction.Impersonate, "no policy permits impersonation");
        var refused = await _world.ExchangeAsync("agent", root, null);
        Assert.Equal("unauthorized_client", refused.Error!.Error);
        Assert.Contains("impersonation needs a policy", refused.Error.Description, StringComparison.Ordinal);

        _world.Policy = _ => new DelegationVerdict(true, "allowed");
        var impersonation = await _world.ExchangeAsync("agent", root, null);
        var claims = TokenWorld.Claims(impersonation.Token!.AccessToken);
        Assert.Equal(("alice", "agent"), (claims.GetProperty("sub").GetString(), claims.GetProperty("client_id").GetString()));
        Assert.False(claims.TryGetProperty("act", out _));
        Assert.Equal(DelegationKind.Impersonation, _world.Revocations.Find(claims.GetProperty("jti").GetString()!)!.Kind);
    }

    [Fact]
    public async Task ActorToken_MustBeTheClientsOwn()
    {
        var root = await _world.TokenOfAsync("alice");

        var someoneElses = await _world.ExchangeAsync("agent", root, await _world.TokenOfAsync("sub"));
        var holdersOwn = await _world.ExchangeAsync("alice", root, await _world.TokenOfAsync("alice"));

        Assert.Equal("invalid_request", someoneElses.Error!.Error);
        Assert.Contains("access token of the authenticated client `agent`", someoneElses.Error.Description, StringComparison.Ordinal);
        Assert.Equal("invalid_request", holdersOwn.Error!.Error);
    }

    public static TheoryData<string, (string, string)[], string> BadExchanges => new()
    {
        { "no subject token", [], "invalid_request" },
        { "no subject token type", [("subject_token", "x")], "invalid_request" },
        { "saml subject", [("subject_token", "x"), ("subject_token_type", "urn:ietf:params:oauth:token-type:saml2")], "invalid_request" },
        { "garbage subject", [("subject_token", "x"), ("subject_token_type", IssuedToken.AccessTokenTypeUri)], "invalid_request" },
        { "actor type alone", [("actor_token_type", IssuedToken.AccessTokenTypeUri)], "invalid_request" },
        { "refresh token wanted", [("requested_token_type", "urn:ietf:params:oauth:token-type:refresh_token")], "invalid_request" },
        { "bad scope", [("scope", "a\"b")], "invalid_scope" },
        { "bad resource", [("resource", "/relative")], "invalid_target" },
    };

    [Theory]
    [MemberData(nameof(BadExchanges))]
    public async Task MalformedExchanges_GetTheRightOAuthError(string name, (string, string)[] parameters, string error)
    {
        var root = await _world.TokenOfAsync("alice");
        var form = _world.FormOf("agent", TokenExchangeGrant.GrantType, parameters);
        if (!parameters.Any(p => p.Item1 == "subject_token") && name != "no subject token")
        {
            form["subject_token"] = [root];
            form["subject_token_type"] = [IssuedToken.AccessTokenTypeUri];
        }

        var result = await _world.RequestAsync(form);

        Assert.True(result.Error?.Error == error, $"{name}: {result.Error?.Error} {result.Error?.Description}");
    }

    [Fact]
    public async Task StoreFailure_IssuesNothing()
    {
        var root = await _world.TokenOfAsync("alice");
        var actor = await _world.TokenOfAsync("agent");
        _world.Store.Fail = true;

        var result = await _world.ExchangeAsync("agent", root, actor);

        Assert.Equal(("temporarily_unavailable", 503), (result.Error!.Error, result.Error.Status));
        Assert.Null(_world.Revocations.Find(TokenWorld.Claims(root).GetProperty("jti").GetString()!));
    }

    [Fact]
    public async Task ConcurrentExchanges_AllSucceed_AndRecordTheirCommonRootOnce()
    {
        var root = await _world.TokenOfAsync("alice");
        var actor = await _world.TokenOfAsync("agent");
        var forms = Enumerable.Range(0, 200).Select(_ => _world.FormOf("agent", TokenExchangeGrant.GrantType,
            ("subject_token", root), ("subject_token_type", IssuedToken.AccessTokenTypeUri),
            ("actor_token", actor), ("actor_token_type", IssuedToken.AccessTokenTypeUri))).ToList();

        var results = await Task.WhenAll(forms.Select(f => Task.Run(() => _world.RequestAsync(f))));

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(201, _world.Revocations.NodeCount);
        Assert.Equal(200, (await _world.Store.ListChildrenAsync(TokenWorld.Claims(root).GetProperty("jti").GetString()!, new())).Items.Count);
    }
}
