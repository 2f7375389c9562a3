using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mandate.Server.Hosting;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Tests.Delegation;

/// <summary>
/// Delegation over real HTTP: alice (a human with a workstation key) -> agent (owned by alice) -> sub (created by
/// agent) -> tool (named by sub in may_act). Revocation, the kill switch and credential revocation cascade down the
/// chain in introspection and in Mandate's own APIs.
/// </summary>
public sealed class DelegationChainTests : FleetTests
{

    protected override async Task SeedAsync()
    {
        await Fleet.AddAsync("alice", "human");
        await Fleet.AddAsync("agent", "agent", owner: "alice");
        await Fleet.AddAsync("sub", "agent", owner: "alice", parent: "agent");
        await Fleet.AddAsync("tool", "agent", owner: "alice");
        await Fleet.AddAsync("stranger", "agent", owner: "alice");
        await Server.PostJsonAsync("/v1/policies", new
        {
            id = "read-invoices",
            text = """permit (principal, action == Action::"read", resource == Table::"invoices");""",
        });
    }

    private async Task<(string Root, string Hop1, string Hop2, string Hop3)> ChainAsync()
    {
        var root = await Fleet.TokenAsync("alice", ("scope", "invoices:read invoices:write"));
        var hop1 = await Fleet.DelegateAsync("agent", root);
        var hop2 = await Fleet.DelegateAsync("sub", hop1, ("scope", "invoices:read"), ("may_act", "tool"));
        var hop3 = await Fleet.DelegateAsync("tool", hop2);
        return (root, hop1, hop2, hop3);
    }

    private async Task<HttpStatusCode> EvaluateWithAsync(string token)
    {
        using var client = Server.CreateClient(token);
        using var response = await client.PostAsJsonAsync("/access/v1/evaluation", new
        {
            subject = new { type = "Agent", id = "tool" },
            action = new { name = "read" },
            resource = new { type = "Table", id = "invoices" },
        }, ApiJson.Options);
        return response.StatusCode;
    }

    [Fact]
    public async Task ThreeHopChain_CarriesNestedAct_IsIntrospectable_AndEveryExchangeIsAnEventWithItsChain()
    {
        var (_, _, _, hop3) = await ChainAsync();

        var claims = Fleet.Claims(hop3);
        Assert.Equal("""{"sub":"tool","act":{"sub":"sub","act":{"sub":"agent"}}}""", claims.GetProperty("act").GetRawText());
        Assert.Equal(("alice", "tool", "invoices:read"), (claims.GetProperty("sub").GetString(), claims.GetProperty("client_id").GetString(), claims.GetProperty("scope").GetString()));

        var introspection = await Fleet.IntrospectAsync(hop3);
        Assert.True(introspection.GetProperty("active").GetBoolean());
        Assert.Equal(claims.GetProperty("act").GetRawText(), introspection.GetProperty("act").GetRawText());
        Assert.Equal(HttpStatusCode.OK, await EvaluateWithAsync(hop3));

        var exchanged = await Server.WaitForEventsAsync("token.exchanged", 3);
        var last = exchanged.Single(e => e.GetProperty("actor_id").GetString() == "tool");
        Assert.Equal(["sub", "agent", "alice"], last.GetProperty("chain").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(claims.GetProperty("jti").GetString(), last.GetProperty("token_id").GetString());
    }

    [Fact]
    public async Task RevokingTheRootByItsClient_MakesTheWholeChainInactive_InIntrospectionAndInMandatesApis()
    {
        var (root, hop1, hop2, hop3) = await ChainAsync();

        var (status, _) = await Fleet.PostAsync("/oauth2/revoke", "alice", ("token", root), ("token_type_hint", "access_token"));

        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var token in new[] { root, hop1, hop2, hop3 })
        {
            Assert.Equal("""{"active":false}""", (await Fleet.IntrospectAsync(token)).GetRawText());
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await EvaluateWithAsync(hop3));
        var revoked = await Server.WaitForEventsAsync("token.revoked", 1);
        Assert.Equal(Fleet.Claims(root).GetProperty("jti").GetString(), revoked[0].GetProperty("resource_id").GetString());
        var (refusedStatus, refused) = await Fleet.ExchangeAsync("tool", hop3, withActorToken: false);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (refusedStatus, refused.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Revocation_IsOnlyForTheTokensClientOrAnAdmin()
    {
        var (_, hop1, hop2, _) = await ChainAsync();

        var (otherStatus, other) = await Fleet.PostAsync("/oauth2/revoke", "tool", ("token", hop1));
        var (anonymousStatus, anonymous) = await Fleet.PostAsync("/oauth2/revoke", null, ("token", hop1));
        using var admin = await Server.Admin.PostAsync("/oauth2/revoke", new FormUrlEncodedContent([new("token", hop2)]));

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (otherStatus, other.GetProperty("error").GetString()));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (anonymousStatus, anonymous.GetProperty("error").GetString()));
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.True(await Fleet.IsActiveAsync(hop1));
        Assert.False(await Fleet.IsActiveAsync(hop2));
    }

    [Fact]
    public async Task SuspendingAMiddleActor_CutsEverythingBelowIt_AndResumingRestoresIt()
    {
        var (root, hop1, hop2, hop3) = await ChainAsync();

        await Server.PostJsonAsync("/v1/identities/sub/suspend", new { reason = "kill switch" }, 200);

        Assert.True(await Fleet.IsActiveAsync(root));
        Assert.True(await Fleet.IsActiveAsync(hop1));
        Assert.False(await Fleet.IsActiveAsync(hop2));
        Assert.False(await Fleet.IsActiveAsync(hop3));

        await Server.PostJsonAsync("/v1/identities/sub/resume", new { }, 200);
        Assert.True(await Fleet.IsActiveAsync(hop3));
    }

    [Fact]
    public async Task RevokingTheCredentialAnActorUsed_CutsTheTokensItObtained()
    {
        var (root, hop1, hop2, hop3) = await ChainAsync();
        var credential = (await Server.GetJsonAsync("/v1/identities/agent/credentials")).GetProperty("items")[0].GetProperty("id").GetString()!;

        await Server.PostJsonAsync($"/v1/credentials/{credential}/revoke", new { reason = "leaked" }, 200);

        Assert.True(await Fleet.IsActiveAsync(root));
        Assert.False(await Fleet.IsActiveAsync(hop1));
        Assert.False(await Fleet.IsActiveAsync(hop3));
        Assert.False(await Fleet.IsActiveAsync(hop2));
    }

    [Fact]
    public async Task DelegatingToSomeoneThePolicyDoesNotAllow_IsRefused_AndRecordedAsASecurityFinding()
    {
        var hop1 = await Fleet.DelegateAsync("agent", await Fleet.TokenAsync("alice"));

        var (status, body) = await Fleet.ExchangeAsync("stranger", hop1, withActorToken: true);

        Assert.Equal((HttpStatusCode.BadRequest, "unauthorized_client"), (status, body.GetProperty("error").GetString()));
        Assert.Contains("`agent` may not delegate to `stranger`", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        var finding = await Server.WaitForEventsAsync("escalation.refused", 1);
        Assert.Equal("detection_finding", finding[0].GetProperty("category").GetString());
        Assert.Equal("stranger", finding[0].GetProperty("actor_id").GetString());
        Assert.Equal(["agent", "alice"], finding[0].GetProperty("chain").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task WideningTheScope_IsInvalidScope_AndAFinding()
    {
        var root = await Fleet.TokenAsync("alice", ("scope", "invoices:read"));

        var (status, body) = await Fleet.ExchangeAsync("agent", root, withActorToken: true, ("scope", "invoices:read payroll:read"));

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_scope"), (status, body.GetProperty("error").GetString()));
        await Server.WaitForEventsAsync("escalation.refused", 1);
    }

    [Fact]
    public async Task Impersonation_IsOffUntilAnOperatorPolicyAllowsIt()
    {
        var root = await Fleet.TokenAsync("alice");

        var (refusedStatus, refused) = await Fleet.ExchangeAsync("stranger", root, withActorToken: false);
        Assert.Equal((HttpStatusCode.BadRequest, "unauthorized_client"), (refusedStatus, refused.GetProperty("error").GetString()));

        await Server.PostJsonAsync("/v1/policies", new
        {
            id = "support-impersonates-alice",
            text = """permit (principal == Agent::"stranger", action == Mandate::Action::"impersonate", resource == Human::"alice");""",
        });
        var (status, body) = await Fleet.ExchangeAsync("stranger", root, withActorToken: false);

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var claims = Fleet.Claims(body.GetProperty("access_token").GetString()!);
        Assert.Equal(("alice", "stranger"), (claims.GetProperty("sub").GetString(), claims.GetProperty("client_id").GetString()));
        Assert.False(claims.TryGetProperty("act", out _));
    }

    [Fact]
    public async Task ADataPlanePermitAll_DoesNotOpenTheControlPlane()
    {
        await Server.PostJsonAsync("/v1/policies", new { id = "everything", text = "permit (principal, action, resource);" });

        var (status, _) = await Fleet.ExchangeAsync("stranger", await Fleet.TokenAsync("alice"), withActorToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task TransactionToken_IsIssued_ButIsNeverAnAccessToken()
    {
        var (_, _, _, hop3) = await ChainAsync();

        var (status, body) = await Fleet.PostAsync("/oauth2/token", "tool",
            ("grant_type", Fleet.TokenExchange), ("requested_token_type", Fleet.TxnTokenType), ("audience", Fleet.Issuer),
            ("scope", "invoices:read"), ("subject_token", hop3), ("subject_token_type", Fleet.AccessTokenType),
            ("request_details", """{"invoice":"2026-11-001"}"""));

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(("N_A", Fleet.TxnTokenType), (body.GetProperty("token_type").GetString(), body.GetProperty("issued_token_type").GetString()));
        var txn = body.GetProperty("access_token").GetString()!;
        Assert.Equal("tool", Fleet.Claims(txn).GetProperty("req_wl").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, await EvaluateWithAsync(txn));
        Assert.False(await Fleet.IsActiveAsync(txn));
        await Server.WaitForEventsAsync("txn_token.issued", 1);
    }

    [Fact]
    public async Task DelegationsAdminApi_ReadsTheGraph_AndRevokesASubtreeById()
    {
        var (root, hop1, hop2, hop3) = await ChainAsync();
        var rootId = Fleet.Claims(root).GetProperty("jti").GetString()!;
        var hop1Id = Fleet.Claims(hop1).GetProperty("jti").GetString()!;

        var node = await Server.GetJsonAsync($"/v1/delegations/{hop1Id}");
        Assert.Equal(("delegation", rootId, "agent"), (node.GetProperty("node").GetProperty("kind").GetString(),
            node.GetProperty("node").GetProperty("parent_token_id").GetString(), node.GetProperty("node").GetProperty("client_id").GetString()));
        Assert.Equal(JsonValueKind.Null, node.TryGetProperty("standing", out var standing) ? standing.ValueKind : JsonValueKind.Null);
        var children = await Server.GetJsonAsync($"/v1/delegations/{rootId}/children");
        Assert.Equal(hop1Id, children.GetProperty("items").EnumerateArray().Single().GetProperty("token_id").GetString());

        var revoked = await Server.PostJsonAsync($"/v1/delegations/{hop1Id}/revoke", new { reason = "agent compromised" }, 200);
        Assert.True(revoked.GetProperty("revoked").GetBoolean());
        Assert.True(await Fleet.IsActiveAsync(root));
        Assert.False(await Fleet.IsActiveAsync(hop2));
        Assert.False(await Fleet.IsActiveAsync(hop3));
        Assert.Contains("revoked", (await Server.GetJsonAsync($"/v1/delegations/{Fleet.Claims(hop3).GetProperty("jti").GetString()}")).GetProperty("standing").GetString(), StringComparison.Ordinal);
        await Server.GetJsonAsync("/v1/delegations/unknown", 404);
    }

    [Fact]
    public async Task DelegationCli_ShowsTheChain_ListsChildren_AndCutsASubtree()
    {
        var (root, hop1, hop2, hop3) = await ChainAsync();
        var (rootId, hop1Id, hop2Id) = (Jti(root), Jti(hop1), Jti(hop2));

        var shown = await Cli.CliRun.InvokeAsync(Server, "delegation", "show", hop2Id);
        var byToken = await Cli.CliRun.InvokeAsync(Server, "delegation", "show", hop2);
        var children = await Cli.CliRun.InvokeAsync(Server, "delegation", "children", rootId);
        var revoked = await Cli.CliRun.InvokeAsync(Server, "delegation", "revoke", hop1Id, "--reason", "agent compromised");
        var again = await Cli.CliRun.InvokeAsync(Server, "delegation", "revoke", hop1Id);
        var below = await Cli.CliRun.InvokeAsync(Server, "delegation", "show", Jti(hop3), "--json");
        var unknown = await Cli.CliRun.InvokeAsync(Server, "delegation", "show", "unknown");

        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains($"{hop2Id}  (delegation, standing)", shown.Output, StringComparison.Ordinal);
        Assert.Contains("chain:       sub > agent > alice", shown.Output, StringComparison.Ordinal);
        Assert.Contains($"parent:      {hop1Id}", shown.Output, StringComparison.Ordinal);
        Assert.Contains("scope:       invoices:read", shown.Output, StringComparison.Ordinal);
        Assert.Equal(shown.Output, byToken.Output);
        Assert.True(children.ExitCode == 0, children.ToString());
        Assert.Contains(hop1Id, children.Output, StringComparison.Ordinal);
        Assert.Contains("agent > alice", children.Output, StringComparison.Ordinal);
        Assert.Equal($"revoked {hop1Id} and every token below it", revoked.Output.Trim());
        Assert.Equal($"{hop1Id} was already revoked", again.Output.Trim());
        Assert.Contains("revoked", JsonDocument.Parse(below.Output).RootElement.GetProperty("standing").GetString(), StringComparison.Ordinal);
        Assert.False(await Fleet.IsActiveAsync(hop3));
        Assert.True(await Fleet.IsActiveAsync(root));
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("[404]", unknown.Error, StringComparison.Ordinal);

        static string Jti(string token) => Fleet.Claims(token).GetProperty("jti").GetString()!;
    }

    [Fact]
    public async Task CheckWithAPrincipalToken_DecidesOverTheChain_UntilAHopIsRevoked()
    {
        var (_, hop1, _, hop3) = await ChainAsync();
        string[] read = ["--action", "read", "--resource", "Table::\"invoices\""];

        var allowed = await Cli.CliRun.InvokeAsync(Server, ["check", "--principal-token", hop3, .. read]);
        var writes = await Cli.CliRun.InvokeAsync(Server, ["check", "--principal-token", hop3, "--action", "write", "--resource", "Table::\"invoices\""]);
        await Server.PostJsonAsync($"/v1/delegations/{Fleet.Claims(hop1).GetProperty("jti").GetString()}/revoke", new { reason = "compromised" }, 200);
        var afterRevocation = await Cli.CliRun.InvokeAsync(Server, ["check", "--principal-token", hop3, .. read]);
        var both = await Cli.CliRun.InvokeAsync(Server, ["check", "--principal", "Agent::\"tool\"", "--principal-token", hop3, .. read]);
        var neither = await Cli.CliRun.InvokeAsync(Server, ["check", .. read]);

        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Contains("determined by: read-invoices", allowed.Output, StringComparison.Ordinal);
        Assert.True(writes.ExitCode == 3, writes.ToString());
        Assert.Contains("refused for", writes.Output, StringComparison.Ordinal);
        Assert.True(afterRevocation.ExitCode == 3, afterRevocation.ToString());
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("give either --principal or --principal-token", both.Error, StringComparison.Ordinal);
        Assert.Equal(2, neither.ExitCode);
    }

    [Fact]
    public async Task AForgedActChain_IsRefusedByMandatesApisAsAnInvalidToken()
    {
        var (_, _, _, hop3) = await ChainAsync();
        var keys = Server.Server.Services.GetRequiredService<SigningKeyRing>();
        var claims = JsonNode.Parse(Fleet.Claims(hop3).GetRawText())!.AsObject();
        claims["act"] = JsonNode.Parse("""{"sub":"tool","act":{"sub":"stranger"}}""");
        var forged = CompactJws.Sign(Encoding.UTF8.GetBytes(claims.ToJsonString()), keys.Current, "at+jwt");

        using var client = Server.CreateClient(forged);
        using var response = await client.PostAsJsonAsync("/access/v1/evaluation", new
        {
            subject = new { type = "Agent", id = "tool" }, action = new { name = "read" }, resource = new { type = "Table", id = "invoices" },
        }, ApiJson.Options);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        Assert.Contains("does not match its recorded delegation", challenge, StringComparison.Ordinal);
        Assert.False(await Fleet.IsActiveAsync(forged));
    }

    [Fact]
    public async Task Metadata_AdvertisesExchangeRevocationAndDetails()
    {
        var metadata = await Server.GetJsonAsync("/.well-known/oauth-authorization-server");

        Assert.Contains(Fleet.TokenExchange, metadata.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(Fleet.Issuer + "/oauth2/revoke", metadata.GetProperty("revocation_endpoint").GetString());
        Assert.Equal(["mandate"], metadata.GetProperty("authorization_details_types_supported").EnumerateArray().Select(t => t.GetString()));
    }
}
