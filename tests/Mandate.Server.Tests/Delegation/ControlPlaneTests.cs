using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mandate.Server.Hosting;

namespace Mandate.Server.Tests.Delegation;

/// <summary>
/// No self-escalation: identities may use the admin API's governed endpoints with their own access tokens, and
/// every such call is a Cedar decision of the control plane. Refusals are 403 problems and security findings.
/// </summary>
public sealed class ControlPlaneTests : FleetTests
{

    protected override async Task SeedAsync()
    {
        await Fleet.AddAsync("alice", "human");
        await Fleet.AddAsync("bob", "human");
        await Fleet.AddAsync("orchestrator", "agent", owner: "alice");
        await Fleet.AddAsync("bobs-agent", "agent", owner: "bob");
        await Server.PostJsonAsync("/v1/groups", new { id = "ledger-readers", kind = "role", display_name = "Ledger readers" });
        await Server.PostJsonAsync("/v1/groups", new { id = "admins", kind = "role", display_name = "Admins" });
        using (await Server.Admin.PutAsync("/v1/groups/ledger-readers/members/orchestrator", null))
        {
        }
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> AsAsync(string id, HttpMethod method, string path, object? body = null, string? token = null)
    {
        using var client = Server.CreateClient(token ?? await Fleet.TokenAsync(id));
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, options: ApiJson.Options) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task AssertRefusedAsync((HttpStatusCode Status, JsonElement Body) result, string because)
    {
        Assert.True(result.Status == HttpStatusCode.Forbidden, result.Body.ToString());
        Assert.Equal("forbidden", result.Body.GetProperty("code").GetString());
        Assert.Contains(because, result.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Server.WaitForEventsAsync("escalation.refused", 1, e => e.GetProperty("message").GetString()!.Contains(because, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAgent_CreatesASubAgentItOwns_WithParentAndOwnerDefaulted()
    {
        using var key = new AgentKey();

        var (status, body) = await AsAsync("orchestrator", HttpMethod.Post, "/v1/identities", new
        {
            kind = "agent", id = "worker-1", display_name = "Worker", credentials = new[] { new { kind = "public_key", jwk = key.PublicJwkJson } },
        });

        Assert.True(status == HttpStatusCode.Created, body.ToString());
        var identity = body.GetProperty("identity");
        Assert.Equal(("orchestrator", "alice"), (identity.GetProperty("parent").GetString(), identity.GetProperty("owner").GetString()));
        var created = await Server.WaitForEventsAsync("identity.created", 1, e => e.GetProperty("resource_id").GetString() == "worker-1");
        Assert.Equal("orchestrator", created[0].GetProperty("actor_id").GetString());
    }

    [Fact]
    public async Task AnAgent_CannotCreateAnIdentityUnderSomeoneElse() =>
        await AssertRefusedAsync(
            await AsAsync("orchestrator", HttpMethod.Post, "/v1/identities", new { kind = "agent", id = "sneaky", display_name = "Sneaky", owner = "bob", parent = "bobs-agent" }),
            "no policy permits `Agent::\"orchestrator\"` to `create_identity`");

    [Fact]
    public async Task AnAgent_AddsCredentialsOnlyToItselfOrItsSubAgents()
    {
        using var key = new AgentKey();
        await AsAsync("orchestrator", HttpMethod.Post, "/v1/identities", new { kind = "agent", id = "worker-2", display_name = "Worker" });

        var own = await AsAsync("orchestrator", HttpMethod.Post, "/v1/identities/orchestrator/credentials", new { kind = "public_key", jwk = key.PublicJwkJson });
        var child = await AsAsync("orchestrator", HttpMethod.Post, "/v1/identities/worker-2/credentials", new { kind = "api_key" });
        var other = await AsAsync("orchestrator", HttpMethod.Post, "/v1/identities/bobs-agent/credentials", new { kind = "api_key" });

        Assert.Equal(HttpStatusCode.Created, own.Status);
        Assert.Equal(HttpStatusCode.Created, child.Status);
        Assert.StartsWith("mnd_", child.Body.GetProperty("secret").GetString(), StringComparison.Ordinal);
        await AssertRefusedAsync(other, "`add_credential`");
    }

    [Fact]
    public async Task AHuman_AddsCredentialsToIdentitiesTheyOwn_NotToOthers()
    {
        Assert.Equal(HttpStatusCode.Created, (await AsAsync("alice", HttpMethod.Post, "/v1/identities/orchestrator/credentials", new { kind = "api_key" })).Status);
        await AssertRefusedAsync(await AsAsync("alice", HttpMethod.Post, "/v1/identities/bobs-agent/credentials", new { kind = "api_key" }), "`add_credential`");
    }

    [Fact]
    public async Task AnAgent_GrantsOnlyRolesItHolds_AndOnlyToItsSubAgents()
    {
        await AsAsync("orchestrator", HttpMethod.Post, "/v1/identities", new { kind = "agent", id = "worker-3", display_name = "Worker" });

        var held = await AsAsync("orchestrator", HttpMethod.Put, "/v1/groups/ledger-readers/members/worker-3");
        Assert.Equal(HttpStatusCode.Created, held.Status);

        await AssertRefusedAsync(await AsAsync("orchestrator", HttpMethod.Put, "/v1/groups/admins/members/orchestrator"), "`grant`");
        await AssertRefusedAsync(await AsAsync("orchestrator", HttpMethod.Put, "/v1/groups/ledger-readers/members/bobs-agent"), "`grant`");
    }

    [Fact]
    public async Task OtherAdminEndpoints_StayAdminOnly()
    {
        var (status, body) = await AsAsync("alice", HttpMethod.Post, "/v1/policies", new { id = "mine", text = "permit (principal, action, resource);" });
        var (suspend, _) = await AsAsync("alice", HttpMethod.Post, "/v1/identities/bob/suspend", new { });
        var (list, _) = await AsAsync("alice", HttpMethod.Get, "/v1/identities");

        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), (status, body.GetProperty("code").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, suspend);
        Assert.Equal(HttpStatusCode.Forbidden, list);
    }

    [Fact]
    public async Task ADelegatedToken_NeedsEveryHopToBeAllowed()
    {
        var delegated = await Fleet.DelegateAsync("orchestrator", await Fleet.TokenAsync("alice"));

        // alice may add credentials to orchestrator (she owns it) and orchestrator may add to itself: both hops agree.
        var both = await AsAsync("orchestrator", HttpMethod.Post, "/v1/identities/orchestrator/credentials", new { kind = "api_key" }, delegated);
        // Neither hop may add credentials to bob's agent: refused at the first hop that is not allowed.
        var neither = await AsAsync("orchestrator", HttpMethod.Post, "/v1/identities/bobs-agent/credentials", new { kind = "api_key" }, delegated);

        Assert.Equal(HttpStatusCode.Created, both.Status);
        await AssertRefusedAsync(neither, "may not `add_credential`");
    }

    [Fact]
    public async Task ATokenNarrowedByDetails_CannotUseTheControlPlaneUnlessTheyListIt()
    {
        var narrowed = await Fleet.TokenAsync("orchestrator", ("authorization_details", """[{"type":"mandate","actions":["read"]}]"""));
        var allowed = await Fleet.TokenAsync("orchestrator", ("authorization_details", """[{"type":"mandate","actions":["Mandate::Action::\"add_credential\""]}]"""));

        await AssertRefusedAsync(await AsAsync("orchestrator", HttpMethod.Post, "/v1/identities/orchestrator/credentials", new { kind = "api_key" }, narrowed),
            "authorization details do not grant");
        Assert.Equal(HttpStatusCode.Created, (await AsAsync("orchestrator", HttpMethod.Post, "/v1/identities/orchestrator/credentials", new { kind = "api_key" }, allowed)).Status);
    }

    [Fact]
    public async Task AnOperatorForbid_OverridesTheDefaults()
    {
        await Server.PostJsonAsync("/v1/policies", new
        {
            id = "no-api-keys-for-agents",
            text = """forbid (principal is Agent, action == Mandate::Action::"add_credential", resource) when { context.kind == "api_key" };""",
        });

        await AssertRefusedAsync(await AsAsync("orchestrator", HttpMethod.Post, "/v1/identities/orchestrator/credentials", new { kind = "api_key" }),
            "forbidden by no-api-keys-for-agents");
    }

    [Fact]
    public async Task InlineCredentials_OnCreate_AreDecidedAsAddCredential()
    {
        await Server.PostJsonAsync("/v1/policies", new
        {
            id = "no-inline-api-keys",
            text = """forbid (principal is Agent, action == Mandate::Action::"add_credential", resource) when { context.kind == "api_key" };""",
        });

        await AssertRefusedAsync(
            await AsAsync("orchestrator", HttpMethod.Post, "/v1/identities", new { kind = "agent", id = "w-inline", display_name = "W", credentials = new[] { new { kind = "api_key" } } }),
            "forbidden by no-inline-api-keys");
        using var gone = await Server.Admin.GetAsync("/v1/identities/w-inline");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task InlineCredentials_OnCreate_NeedAddCredentialInTheTokensDetails()
    {
        var createOnly = await Fleet.TokenAsync("orchestrator", ("authorization_details", """[{"type":"mandate","actions":["Mandate::Action::\"create_identity\""]}]"""));

        await AssertRefusedAsync(
            await AsAsync("orchestrator", HttpMethod.Post, "/v1/identities", new { kind = "agent", id = "w-narrow", display_name = "W", credentials = new[] { new { kind = "api_key" } } }, createOnly),
            "authorization details do not grant `Mandate::Action::\"add_credential\"`");
        using var gone = await Server.Admin.GetAsync("/v1/identities/w-narrow");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

        // The same token still creates the identity when it brings no credential along.
        var bare = await AsAsync("orchestrator", HttpMethod.Post, "/v1/identities", new { kind = "agent", id = "w-bare", display_name = "W" }, createOnly);
        Assert.True(bare.Status == HttpStatusCode.Created, bare.Body.ToString());
    }
}
