namespace Mandate.Server.Tests;

public sealed class RestartTests
{
    [Fact]
    public async Task Restart_OnSameDataDirectory_KeepsIdentitiesCredentialsGroupsAndPolicies()
    {
        var directory = Path.Combine(Path.GetTempPath(), "mandate-test-" + Guid.NewGuid().ToString("N"));
        using var key = new AgentKey();
        try
        {
            string jwks;
            await using (var first = await TestServer.StartAsync(directory, ownsDirectory: false))
            {
                await first.PostJsonAsync("/v1/identities", new { kind = "human", id = "alice", display_name = "Alice", labels = new Dictionary<string, string> { ["team"] = "finance" } });
                await first.PostJsonAsync("/v1/identities", new
                {
                    kind = "service_account",
                    id = "billing",
                    display_name = "Billing",
                    owner = "alice",
                    credentials = new object[] { new { kind = "public_key", jwk = key.PublicJwkJson }, new { kind = "api_key" } },
                });
                await first.PostJsonAsync("/v1/groups", new { id = "finance", display_name = "Finance" });
                using (await first.Admin.PutAsync("/v1/groups/finance/members/billing", null))
                {
                }

                await first.PostJsonAsync("/v1/policies", new { id = "p1", text = "permit (principal in Group::\"finance\", action, resource);" });
                jwks = (await first.GetJsonAsync("/oauth2/jwks")).ToString();
            }

            await using var second = await TestServer.StartAsync(directory, ownsDirectory: false);
            var alice = await second.GetJsonAsync("/v1/identities/alice");
            Assert.Equal("finance", alice.GetProperty("labels").GetProperty("team").GetString());
            var billing = await second.GetJsonAsync("/v1/identities/billing");
            Assert.Equal("alice", billing.GetProperty("owner").GetString());
            var credentials = await second.GetJsonAsync("/v1/identities/billing/credentials");
            Assert.Equal(new[] { "api_key", "public_key" }, credentials.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("kind").GetString()!).Order().ToArray());
            var members = await second.GetJsonAsync("/v1/groups/finance/members");
            Assert.Equal("billing", members.GetProperty("items")[0].GetProperty("member_id").GetString());
            var policy = await second.GetJsonAsync("/v1/policies/p1");
            Assert.Contains("Group::\"finance\"", policy.GetProperty("text").GetString(), StringComparison.Ordinal);
            Assert.Equal(jwks, (await second.GetJsonAsync("/oauth2/jwks")).ToString());
        }
        finally
        {
            TestServer.DeleteDirectory(directory);
        }
    }
}
