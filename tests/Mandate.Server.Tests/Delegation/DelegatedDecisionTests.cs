using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mandate.Server.Hosting;

namespace Mandate.Server.Tests.Delegation;

/// <summary>
/// AuthZEN decisions for a delegated token (subject type <c>access_token</c>): the intersection over the chain
/// alice -> agent -> sub -> tool, the token's authorization details, its standing, and a transaction token's
/// initiator in the context.
/// </summary>
public sealed class DelegatedDecisionTests : FleetTests
{
    protected override async Task SeedAsync()
    {
        await Fleet.AddAsync("alice", "human");
        await Fleet.AddAsync("agent", "agent", owner: "alice");
        await Fleet.AddAsync("sub", "agent", owner: "alice", parent: "agent");
        await Fleet.AddAsync("tool", "agent", owner: "alice");
        await Fleet.AddAsync("other", "agent", owner: "alice");
        await Server.PostJsonAsync("/v1/policies", new
        {
            id = "tables",
            text = """
                permit (principal, action in [Action::"read", Action::"export"], resource is Table);
                forbid (principal == Human::"alice", action == Action::"export", resource);
                permit (principal, action == Action::"close", resource == Table::"ledger")
                when { context has purpose && context.purpose == "monthly-close" && context.delegation.depth == 3 };
                permit (principal, action == Action::"pay", resource == Table::"ledger")
                when { context has initiator && context.initiator == Human::"alice" && context.transaction.purpose == "payments" };
                """,
        });
    }

    private async Task<string> ChainAsync(params (string Name, string Value)[] rootFields)
    {
        var root = await Fleet.TokenAsync("alice", rootFields);
        var hop1 = await Fleet.DelegateAsync("agent", root);
        var hop2 = await Fleet.DelegateAsync("sub", hop1, ("may_act", "tool"));
        return await Fleet.DelegateAsync("tool", hop2);
    }

    private async Task<JsonElement> DecideAsync(string token, string action, string table, object? context = null, string? transaction = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/access/v1/evaluation")
        {
            Content = JsonContent.Create(new
            {
                subject = new { type = "access_token", id = token },
                action = new { name = action },
                resource = new { type = "Table", id = table },
                context,
                options = new { explain = true },
            }, options: ApiJson.Options),
        };
        if (transaction is not null)
        {
            request.Headers.Add("Txn-Token", transaction);
        }

        using var response = await Server.Admin.SendAsync(request);
        var body = await TestServer.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body;
    }

    private static bool Decision(JsonElement answer) => answer.GetProperty("decision").GetBoolean();

    private static string? Hop(JsonElement answer) =>
        answer.TryGetProperty("context", out var context) && context.TryGetProperty("hop", out var hop) ? hop.GetString() : null;

    [Fact]
    public async Task EveryHopAllowed_Allows_AndTheEventCarriesTheChainAndTheToken()
    {
        var token = await ChainAsync();

        var answer = await DecideAsync(token, "read", "invoices");

        Assert.True(Decision(answer), answer.ToString());
        var decided = await Server.WaitForEventsAsync("decision.evaluated", 1);
        Assert.Equal("tool", decided[0].GetProperty("actor_id").GetString());
        Assert.Equal(["sub", "agent", "alice"], decided[0].GetProperty("chain").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(Fleet.Claims(token).GetProperty("jti").GetString(), decided[0].GetProperty("token_id").GetString());
    }

    [Fact]
    public async Task AHopAboveTheActorRefused_Denies_NamingThatHop()
    {
        var token = await ChainAsync();

        var answer = await DecideAsync(token, "export", "invoices");

        Assert.False(Decision(answer));
        Assert.Equal("Human::\"alice\"", Hop(answer));
        var direct = await DecideAsync(await Fleet.TokenAsync("tool"), "export", "invoices");
        Assert.True(Decision(direct), "the tool alone may export: only the delegating human may not");
    }

    [Fact]
    public async Task ContextCarriesTheChainAndThePurposeBoundByTheGrant()
    {
        var token = await ChainAsync(("authorization_details", """[{"type":"mandate","actions":["close","read"],"resources":["Table"],"purpose":"monthly-close"}]"""));

        Assert.True(Decision(await DecideAsync(token, "close", "ledger")), "the grant's purpose reaches policies as context.purpose");
        Assert.True(Decision(await DecideAsync(token, "close", "ledger", new { purpose = "monthly-close" })));
        var otherPurpose = await DecideAsync(token, "close", "ledger", new { purpose = "audit" });
        Assert.False(Decision(otherPurpose));
        Assert.Equal("Agent::\"tool\"", Hop(otherPurpose));
        Assert.False(Decision(await DecideAsync(token, "export", "invoices")), "export lies outside the grant's actions");
    }

    [Fact]
    public async Task ARevokedHop_Denies_AndTheRefusalIsRecorded()
    {
        var root = await Fleet.TokenAsync("alice");
        var hop1 = await Fleet.DelegateAsync("agent", root);
        var hop2 = await Fleet.DelegateAsync("sub", hop1);
        Assert.True(Decision(await DecideAsync(hop2, "read", "invoices")));

        using var revoke = await Server.Admin.PostAsync("/oauth2/revoke", new FormUrlEncodedContent([new("token", hop1)]));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var answer = await DecideAsync(hop2, "read", "invoices");

        Assert.False(Decision(answer));
        Assert.Contains("not valid", answer.GetProperty("context").GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        var decided = await Server.WaitForEventsAsync("decision.evaluated", 2);
        Assert.Contains(decided, e => e.GetProperty("outcome").GetString() == "failure" && e.GetProperty("actor_id").GetString() == "sub");
    }

    [Fact]
    public async Task TheHolderIsTheSubject_AndAForgedTokenIsADeny()
    {
        var token = await ChainAsync();
        var forged = token[..^4] + (token[^4] == 'A' ? "BBBB" : "AAAA");

        var answer = await DecideAsync(forged, "read", "invoices");

        Assert.False(Decision(answer));
        using var request = await Server.Admin.PostAsJsonAsync("/access/v1/evaluation", new
        {
            subject = new { type = "access_token", id = string.Empty },
            action = new { name = "read" },
            resource = new { type = "Table", id = "invoices" },
        }, ApiJson.Options);
        Assert.Equal(HttpStatusCode.BadRequest, request.StatusCode);
    }

    [Fact]
    public async Task ATransactionTokenSuppliesTheInitiator_AndAForgedOneDenies()
    {
        var token = await ChainAsync(("scope", "payments"));
        var (status, body) = await Fleet.PostAsync("/oauth2/token", "tool",
            ("grant_type", Fleet.TokenExchange), ("requested_token_type", Fleet.TxnTokenType), ("audience", Fleet.Issuer),
            ("scope", "payments"), ("subject_token", token), ("subject_token_type", Fleet.AccessTokenType));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var transaction = body.GetProperty("access_token").GetString()!;

        Assert.False(Decision(await DecideAsync(token, "pay", "ledger")), "without a transaction token there is no initiator");
        Assert.False(Decision(await DecideAsync(token, "pay", "ledger", new { initiator = new { __entity = new { type = "Human", id = "alice" } } })),
            "an initiator the caller merely states comes without the signed transaction");
        Assert.True(Decision(await DecideAsync(token, "pay", "ledger", transaction: transaction)));
        Assert.False(Decision(await DecideAsync(token, "pay", "ledger", transaction: transaction[..^3] + "AAA")));
    }
}
