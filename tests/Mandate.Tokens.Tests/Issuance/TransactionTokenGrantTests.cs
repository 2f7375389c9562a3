using System.Text.Json;
using Mandate.Cedar.Values;
using Mandate.Tokens.Delegation;
using Mandate.Tokens.Issuance;

namespace Mandate.Tokens.Tests.Issuance;

public sealed class TransactionTokenGrantTests : IDisposable
{
    private readonly TokenWorld _world = new();

    public TransactionTokenGrantTests()
    {
        _world.AddClient("alice", "Human");
        _world.AddClient("agent");
        _world.AddClient("gateway", "Workload");
    }

    public void Dispose() => _world.Dispose();

    private Task<TokenResult> RequestAsync(string client, string subjectToken, params (string Name, string Value)[] extra)
    {
        List<(string, string)> parameters =
        [
            ("subject_token", subjectToken), ("subject_token_type", IssuedToken.AccessTokenTypeUri),
            ("requested_token_type", TransactionTokenGrant.TokenTypeUri), ("audience", _world.Options.TrustDomain), ("scope", "invoices:read"),
        ];
        foreach (var (name, value) in extra)
        {
            parameters.RemoveAll(p => p.Item1 == name);
            if (value.Length > 0)
            {
                parameters.Add((name, value));
            }
        }

        return _world.RequestAsync(_world.FormOf(client, TokenExchangeGrant.GrantType, [.. parameters]));
    }

    private async Task<string> DelegatedTokenAsync()
    {
        var root = await _world.TokenOfAsync("alice", ("scope", "invoices:read invoices:write"));
        return (await _world.ExchangeAsync("agent", root, await _world.TokenOfAsync("agent"))).Token!.AccessToken;
    }

    [Fact]
    public async Task Issues_ATxnTokenCarryingTheTransactionTheInitiatorAndTheContext()
    {
        var access = await DelegatedTokenAsync();

        var result = await RequestAsync("agent", access,
            ("request_context", """{"req_ip":"192.0.2.7","authn":"hwk"}"""), ("request_details", """{"action":"close","period":"2026-11"}"""));

        Assert.True(result.Error is null, result.Error?.Description);
        Assert.Equal(("N_A", TransactionTokenGrant.TokenTypeUri, 60), (result.Token!.TokenType, result.Token.IssuedTokenType, result.ExpiresIn));
        var header = JsonDocument.Parse(TokenWorld.Part(result.Token.AccessToken, 0)).RootElement;
        Assert.Equal("txntoken+jwt", header.GetProperty("typ").GetString());
        var claims = TokenWorld.Claims(result.Token.AccessToken);
        Assert.Equal(_world.Options.TrustDomain, claims.GetProperty("aud").GetString());
        Assert.True(Guid.TryParse(claims.GetProperty("txn").GetString(), out _));
        Assert.Equal(("alice", "agent", "invoices:read", "invoices:read"),
            (claims.GetProperty("sub").GetString(), claims.GetProperty("req_wl").GetString(), claims.GetProperty("scope").GetString(), claims.GetProperty("purp").GetString()));
        Assert.Equal("""{"sub":"agent"}""", claims.GetProperty("act").GetRawText());
        Assert.Equal("192.0.2.7", claims.GetProperty("rctx").GetProperty("req_ip").GetString());
        Assert.Equal("close", claims.GetProperty("tctx").GetProperty("action").GetString());
        Assert.Equal(TokenWorld.Claims(access).GetProperty("jti").GetString(), claims.GetProperty("parent_jti").GetString());
        Assert.DoesNotContain(access, result.Token.AccessToken, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validator_AcceptsIt_AndGivesDecisionsTheInitiator()
    {
        var txn = (await RequestAsync("agent", await DelegatedTokenAsync(), ("request_details", """{"period":"2026-11","count":3}"""))).Token!.AccessToken;

        var valid = _world.Transactions.Validate(txn);

        Assert.True(valid.Token is not null, valid.Error);
        var context = valid.Token.ToDecisionContext();
        Assert.Equal(EntityUid.Of("Human", "alice"), context["initiator"]);
        var transaction = (RecordValue)context["transaction"];
        Assert.Equal(new StringValue("agent"), transaction.Fields["requester"]);
        Assert.Equal(new StringValue("invoices:read"), transaction.Fields["purpose"]);
        Assert.Equal(new LongValue(3), ((RecordValue)transaction.Fields["tctx"]).Fields["count"]);
    }

    [Fact]
    public async Task TxnToken_IsNotAnAccessToken_AndAnAccessTokenIsNotATxnToken()
    {
        var access = await DelegatedTokenAsync();
        var txn = (await RequestAsync("agent", access)).Token!.AccessToken;

        Assert.Equal("a `txntoken+jwt` token is not an access token", _world.Validator.Validate(txn).Error);
        Assert.Equal("a `txntoken+jwt` token is not an access token", _world.Validator.ValidateAnyAudience(txn).Error);
        Assert.Equal("a `at+jwt` token is not a transaction token", _world.Transactions.Validate(access).Error);
        Assert.Equal(false, _world.Introspector.Introspect(txn)["active"]);
        var exchanged = await _world.ExchangeAsync("agent", txn, null);
        Assert.Equal("invalid_request", exchanged.Error!.Error);
    }

    [Fact]
    public async Task RevokingTheTxnTokenById_StopsIt_AndNotItsSiblings()
    {
        var root = await _world.TokenOfAsync("alice", ("scope", "invoices:read"));
        var txn = (await RequestAsync("alice", root)).Token!;
        var sibling = (await RequestAsync("alice", root)).Token!.AccessToken;

        await _world.Revoker.RevokeByIdAsync(txn.TokenId, "admin", "leaked", new TokenRequestContext(null, null, null), CancellationToken.None);

        Assert.Equal("the token was revoked", _world.Transactions.Validate(txn.AccessToken).Error);
        Assert.Null(_world.Transactions.Validate(sibling).Error);
    }

    [Fact]
    public async Task Rfc7009Revocation_OfATxnToken_IsUnsupportedTokenType_NotASilentSuccess()
    {
        var root = await _world.TokenOfAsync("alice", ("scope", "invoices:read"));
        var txn = (await RequestAsync("alice", root)).Token!.AccessToken;

        var refused = await _world.Revoker.RevokeAsync(txn, "alice", isAdmin: true, new TokenRequestContext(null, null, null), CancellationToken.None);

        Assert.Equal("unsupported_token_type", refused?.Error);
        Assert.Contains("/v1/delegations/{jti}/revoke", refused!.Description, StringComparison.Ordinal);
        Assert.Null(await _world.Revoker.RevokeAsync("not-a-token", "alice", isAdmin: true, new TokenRequestContext(null, null, null), CancellationToken.None));
    }

    [Fact]
    public async Task RevokingTheAccessTokenUpstream_StopsTheTxnToken()
    {
        var root = await _world.TokenOfAsync("alice", ("scope", "invoices:read"));
        var txn = (await RequestAsync("alice", root)).Token!.AccessToken;
        Assert.Null(_world.Transactions.Validate(txn).Error);

        await _world.Revoker.RevokeAsync(root, "alice", isAdmin: false, new TokenRequestContext(null, null, null), CancellationToken.None);

        Assert.Equal("the token it was issued from was revoked", _world.Transactions.Validate(txn).Error);
    }

    [Fact]
    public async Task Lifetime_IsShortAndNeverPassesTheAccessToken()
    {
        var root = await _world.TokenOfAsync("alice", ("scope", "invoices:read"));
        _world.Clock.Now = _world.Clock.Now.AddSeconds(270);

        var result = await RequestAsync("alice", root);

        Assert.Equal(30, result.ExpiresIn);
        _world.Clock.Now = _world.Clock.Now.AddSeconds(61);
        Assert.Equal("the token has expired", _world.Transactions.Validate(result.Token!.AccessToken).Error);
    }

    [Fact]
    public async Task ForAnotherHoldersToken_ThePolicyDecides()
    {
        var access = await DelegatedTokenAsync();
        _world.Policy = q => new DelegationVerdict(q.ClientIsHolder, "only the holder");

        var refused = await RequestAsync("gateway", access);

        Assert.Equal("unauthorized_client", refused.Error!.Error);
        Assert.Equal(new DelegationQuestion(DelegationAction.IssueTransactionToken, "gateway", "alice", false, false, 1, "invoices:read"), _world.Questions[^1]);
    }

    public static TheoryData<string, (string, string)[], string> BadRequests => new()
    {
        { "no audience", [("audience", "")], "invalid_target" },
        { "other audience", [("audience", "https://elsewhere")], "invalid_target" },
        { "resource too", [("resource", "https://api.example/")], "invalid_target" },
        { "no scope", [("scope", "")], "invalid_scope" },
        { "wider scope", [("scope", "payroll:read")], "invalid_scope" },
        { "context not an object", [("request_context", "[1,2]")], "invalid_request" },
        { "context not json", [("request_context", "{")], "invalid_request" },
        { "details with a float", [("request_details", """{"amount":1.5}""")], "invalid_request" },
        { "actor token", [("actor_token", "x"), ("actor_token_type", IssuedToken.AccessTokenTypeUri)], "invalid_request" },
        { "replacement", [("subject_token_type", TransactionTokenGrant.TokenTypeUri)], "invalid_request" },
        { "self signed", [("subject_token_type", "urn:ietf:params:oauth:token-type:self_signed")], "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task MalformedRequests_GetTheRightOAuthError(string name, (string, string)[] parameters, string error)
    {
        var result = await RequestAsync("agent", await DelegatedTokenAsync(), parameters);

        Assert.True(result.Error?.Error == error, $"{name}: {result.Error?.Error} {result.Error?.Description}");
    }

    [Fact]
    public async Task SubjectTokenWithoutScope_IsRefused()
    {
        var result = await RequestAsync("alice", await _world.TokenOfAsync("alice"));

        Assert.Equal("invalid_scope", result.Error!.Error);
        Assert.Contains("carries no scope", result.Error.Description, StringComparison.Ordinal);
    }
}
