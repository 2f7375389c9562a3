using System.Security.Cryptography;
using System.Text.Json;

namespace Mandate.Server.Tests.Cli;

public sealed class CliTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private readonly string _workDirectory = Directory.CreateTempSubdirectory("mandate-cli-").FullName;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        TestServer.DeleteDirectory(_workDirectory);
    }

    [Fact]
    public async Task QuickStart_RegisterAgentAddPolicyCheckAndSeeEvents()
    {
        var pem = Path.Combine(_workDirectory, "agent.pem");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(pem, key.ExportECPrivateKeyPem());
        }

        await Ok("identity", "create", "--kind", "human", "--id", "alice", "--name", "Alice Ng");
        var agent = await Ok("identity", "create", "--kind", "agent", "--id", "invoice-bot", "--name", "Invoice bot", "--owner", "alice",
            "--purpose", "monthly close", "--env", "production", "--label", "team=finance", "--public-key", pem);
        Assert.Contains("created agent invoice-bot", agent.Output, StringComparison.Ordinal);
        Assert.Contains("public-key", agent.Output, StringComparison.Ordinal);

        var policyFile = Path.Combine(_workDirectory, "read.cedar");
        await File.WriteAllTextAsync(policyFile, """
            permit (principal == Agent::"invoice-bot", action == Action::"read", resource is Table)
            when { context.purpose == "monthly-close" };
            """);
        await Ok("policy", "add", "read-invoices", policyFile, "--description", "monthly close reads");
        Assert.Contains("read-invoices", (await Ok("policy", "list")).Output, StringComparison.Ordinal);

        var allow = await CliRun.InvokeAsync(_server, "check", "--principal", "Agent::\"invoice-bot\"", "--action", "read",
            "--resource", "Table::\"invoices\"", "--context", """{"purpose":"monthly-close"}""");
        Assert.True(allow.ExitCode == 0, allow.ToString());
        Assert.Contains("ALLOW", allow.Output, StringComparison.Ordinal);
        Assert.Contains("read-invoices", allow.Output, StringComparison.Ordinal);

        var deny = await CliRun.InvokeAsync(_server, "check", "--principal", "Agent::\"invoice-bot\"", "--action", "read", "--resource", "Table::\"invoices\"");
        Assert.True(deny.ExitCode == 3, deny.ToString());
        Assert.Contains("DENY", deny.Output, StringComparison.Ordinal);

        var list = await Ok("identity", "list", "--kind", "agent", "--json");
        var page = JsonDocument.Parse(list.Output).RootElement;
        Assert.Equal("invoice-bot", page.GetProperty("items")[0].GetProperty("id").GetString());

        var show = await Ok("identity", "show", "invoice-bot");
        Assert.Contains("owner:       alice", show.Output, StringComparison.Ordinal);
        Assert.Contains("team=finance", show.Output, StringComparison.Ordinal);

        var events = await WaitForEventsAsync("decision", 2);
        Assert.Contains("decision.evaluated", events.Output, StringComparison.Ordinal);
        Assert.Contains("invoice-bot", events.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialCommands_IssueListAndRevokeAnApiKey()
    {
        await Ok("identity", "create", "--kind", "human", "--id", "bob", "--name", "Bob");
        await Ok("identity", "create", "--kind", "service-account", "--id", "etl", "--name", "ETL", "--owner", "bob");

        var added = await Ok("credential", "add", "etl", "--api-key", "--description", "nightly job", "--json");
        var response = JsonDocument.Parse(added.Output).RootElement;
        Assert.StartsWith("mnd_", response.GetProperty("secret").GetString(), StringComparison.Ordinal);
        var credentialId = response.GetProperty("credential").GetProperty("id").GetString()!;

        Assert.Contains(credentialId, (await Ok("credential", "list", "--identity", "etl")).Output, StringComparison.Ordinal);
        var shown = (await Ok("credential", "show", credentialId)).Output;
        Assert.Contains($"{credentialId}  (api-key, weak, active)", shown, StringComparison.Ordinal);
        Assert.Contains("prefix:      mnd_", shown, StringComparison.Ordinal);
        Assert.Contains("description: nightly job", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(response.GetProperty("secret").GetString()!, shown, StringComparison.Ordinal);
        Assert.Contains("is revoked", (await Ok("credential", "revoke", credentialId, "--reason", "rotated")).Output, StringComparison.Ordinal);
        Assert.Contains("revoked:     ", (await Ok("credential", "show", credentialId)).Output, StringComparison.Ordinal);
        var listed = JsonDocument.Parse((await Ok("credential", "list", "--identity", "etl", "--json")).Output).RootElement;
        Assert.Equal("revoked", listed.GetProperty("items")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task PolicyTest_EvaluatesACandidateFileWithoutStoringIt()
    {
        await Ok("identity", "create", "--kind", "human", "--id", "carol", "--name", "Carol");
        var candidate = Path.Combine(_workDirectory, "candidate.cedar");
        await File.WriteAllTextAsync(candidate, "permit (principal == Human::\"carol\", action, resource);");

        var run = await CliRun.InvokeAsync(_server, "policy", "test", "--file", candidate, "--principal", "Human::\"carol\"", "--action", "read", "--resource", "Doc::\"x\"");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("candidate", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("candidate", (await Ok("policy", "list")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyCommands_ShowDisableEnableAndRemoveAStoredPolicy()
    {
        const string Text = "// reads for the close\npermit (principal == Agent::\"bot\", action == Action::\"read\", resource);\n";
        var file = Path.Combine(_workDirectory, "close.cedar");
        await File.WriteAllTextAsync(file, Text);
        await Ok("policy", "add", "close", file);

        var shown = await Ok("policy", "show", "close");
        var disabled = await Ok("policy", "disable", "close");
        var whileDisabled = await Ok("policy", "list", "--json");
        var enabled = await Ok("policy", "enable", "close");
        var record = JsonDocument.Parse((await Ok("policy", "show", "close", "--json")).Output).RootElement;
        var removed = await Ok("policy", "remove", "close");
        var again = await CliRun.InvokeAsync(_server, "policy", "remove", "close");
        var missing = await CliRun.InvokeAsync(_server, "policy", "show", "close");

        Assert.Equal(Text, shown.Output.ReplaceLineEndings("\n"));
        Assert.Contains("disabled policy close (version 2)", disabled.Output, StringComparison.Ordinal);
        Assert.False(JsonDocument.Parse(whileDisabled.Output).RootElement.GetProperty("items")[0].GetProperty("enabled").GetBoolean());
        Assert.Contains("enabled policy close (version 3)", enabled.Output, StringComparison.Ordinal);
        Assert.Equal(Text, record.GetProperty("text").GetString());
        Assert.True(record.GetProperty("enabled").GetBoolean());
        Assert.Contains("removed policy close", removed.Output, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("policy `close` does not exist [404]", again.Error, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.DoesNotContain("close", (await Ok("policy", "list")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_FindsSubjectsResourcesAndActions_PageByPageOrAll()
    {
        var bundle = Path.Combine(_workDirectory, "search-bundle");
        Directory.CreateDirectory(bundle);
        await File.WriteAllTextAsync(Path.Combine(bundle, "p.cedar"), """
            permit (principal is User, action == Action::"view", resource is Doc) when { resource.owner == principal || principal.manager };
            permit (principal is User, action == Action::"edit", resource is Doc) when { resource.owner == principal };
            """);
        await File.WriteAllTextAsync(Path.Combine(bundle, "entities.json"), """
            [{"uid":{"type":"User","id":"ann"},"attrs":{"manager":true},"parents":[]},
             {"uid":{"type":"User","id":"ben"},"attrs":{"manager":false},"parents":[]},
             {"uid":{"type":"Doc","id":"d1"},"attrs":{"owner":{"__entity":{"type":"User","id":"ben"}}},"parents":[]},
             {"uid":{"type":"Doc","id":"d \"2\""},"attrs":{"owner":{"__entity":{"type":"User","id":"ben"}}},"parents":[]},
             {"uid":{"type":"Doc","id":"d3"},"attrs":{"owner":{"__entity":{"type":"User","id":"ann"}}},"parents":[]}]
            """);
        await Ok("bundle", "push", bundle);

        var subjects = await Ok("search", "subjects", "--type", "User", "--action", "view", "--resource", "Doc::\"d1\"");
        var first = await Ok("search", "resources", "--principal", "User::\"ben\"", "--action", "view", "--type", "Doc", "--limit", "1");
        var token = first.Output.Split("--page-token ")[1].Trim();
        var second = await Ok("search", "resources", "--principal", "User::\"ben\"", "--action", "view", "--type", "Doc", "--limit", "1", "--page-token", token);
        var all = await Ok("search", "resources", "--principal", "User::\"ben\"", "--action", "view", "--type", "Doc", "--limit", "1", "--all");
        var actions = JsonDocument.Parse((await Ok("search", "actions", "--principal", "User::\"ben\"", "--resource", "Doc::\"d1\"", "--json")).Output).RootElement;
        var badType = await CliRun.InvokeAsync(_server, "search", "resources", "--principal", "User::\"ben\"", "--action", "view", "--type", "no type");

        Assert.Equal("User::\"ann\"\nUser::\"ben\"\n", subjects.Output.ReplaceLineEndings("\n"));
        Assert.StartsWith("Doc::\"d \\\"2\\\"\"\nmore: --page-token ", first.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal("Doc::\"d1\"\n", second.Output.ReplaceLineEndings("\n"));
        Assert.Equal("Doc::\"d \\\"2\\\"\"\nDoc::\"d1\"\n", all.Output.ReplaceLineEndings("\n"));
        Assert.Equal(["edit", "view"], actions.GetProperty("results").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Equal(string.Empty, actions.GetProperty("page").GetProperty("next_token").GetString());
        Assert.Equal(1, badType.ExitCode);
        Assert.Contains("is not a Cedar entity type name", badType.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GroupCommands_ManageGroupsRolesAndMembers_ThatDecisionsSee()
    {
        await Ok("identity", "create", "--kind", "human", "--id", "alice", "--name", "Alice Ng");
        var policy = Path.Combine(_workDirectory, "finance.cedar");
        await File.WriteAllTextAsync(policy, "permit (principal in Group::\"finance\", action == Action::\"read\", resource);");
        await Ok("policy", "add", "finance-reads", policy);
        string[] check = ["check", "--principal", "Human::\"alice\"", "--action", "read", "--resource", "Table::\"ledger\""];

        var created = await Ok("group", "create", "finance", "--name", "Finance", "--owner", "alice");
        await Ok("group", "create", "auditors", "--name", "Auditors", "--role");
        var added = await Ok("group", "add-member", "finance", "alice");
        var repeated = await Ok("group", "add-member", "finance", "alice");
        var nested = await Ok("group", "add-member", "finance", "auditors", "--group");
        var allowed = await CliRun.InvokeAsync(_server, check);
        var roles = await Ok("group", "list", "--kind", "role");
        var shown = await Ok("group", "show", "finance");
        var removed = await Ok("group", "remove-member", "finance", "alice");
        var denied = await CliRun.InvokeAsync(_server, check);
        var deleted = await Ok("group", "delete", "auditors");
        var missing = await CliRun.InvokeAsync(_server, "group", "show", "auditors");
        var badKind = await CliRun.InvokeAsync(_server, "group", "list", "--kind", "team");

        Assert.Contains("created group finance", created.Output, StringComparison.Ordinal);
        Assert.Contains("added alice to finance", added.Output, StringComparison.Ordinal);
        Assert.Contains("alice was already in finance", repeated.Output, StringComparison.Ordinal);
        Assert.Contains("added auditors to finance", nested.Output, StringComparison.Ordinal);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Contains("auditors", roles.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("finance", roles.Output, StringComparison.Ordinal);
        Assert.Contains("owner:       alice", shown.Output, StringComparison.Ordinal);
        Assert.Contains("    alice", shown.Output, StringComparison.Ordinal);
        Assert.Contains("    auditors  (group)", shown.Output, StringComparison.Ordinal);
        Assert.Contains("removed alice from finance", removed.Output, StringComparison.Ordinal);
        Assert.True(denied.ExitCode == 3, denied.ToString());
        Assert.Contains("deleted auditors", deleted.Output, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal(2, badKind.ExitCode);
    }

    [Fact]
    public async Task Token_IsIssuedToAnIdentityHoldingItsKey_AndShowsItsClaims()
    {
        var pem = Path.Combine(_workDirectory, "bot.pem");
        var stranger = Path.Combine(_workDirectory, "stranger.pem");
        var publicOnly = Path.Combine(_workDirectory, "bot.pub");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(pem, key.ExportECPrivateKeyPem());
            await File.WriteAllTextAsync(publicOnly, key.ExportSubjectPublicKeyInfoPem());
            await File.WriteAllTextAsync(stranger, other.ExportECPrivateKeyPem());
        }

        await Ok("identity", "create", "--kind", "human", "--id", "alice", "--name", "Alice Ng");
        await Ok("identity", "create", "--kind", "agent", "--id", "bot", "--name", "Bot", "--owner", "alice", "--public-key", pem);

        var token = await Ok("token", "--client", "bot", "--key", pem);
        var claims = JsonDocument.Parse((await Ok("token", "--client", "bot", "--key", pem, "--claims")).Output).RootElement;
        var alice = Path.Combine(_workDirectory, "alice.pem");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(alice, key.ExportECPrivateKeyPem());
        }

        await Ok("credential", "add", "alice", "--public-key", alice);
        var aliceToken = (await Ok("token", "--client", "alice", "--key", alice)).Output.Trim();
        var delegated = JsonDocument.Parse((await Ok("token", "--client", "bot", "--key", pem, "--on-behalf-of", aliceToken, "--claims")).Output).RootElement;
        Assert.Equal("alice", delegated.GetProperty("sub").GetString());
        Assert.Equal("bot", delegated.GetProperty("act").GetProperty("sub").GetString());
        var wrongKey = await CliRun.InvokeAsync(_server, "token", "--client", "bot", "--key", stranger);
        var noPrivateKey = await CliRun.InvokeAsync(_server, "token", "--client", "bot", "--key", publicOnly);

        Assert.Equal(3, token.Output.Trim().Split('.').Length);
        Assert.Equal("bot", claims.GetProperty("sub").GetString());
        Assert.Equal("bot", claims.GetProperty("client_id").GetString());
        using var client = _server.CreateClient(token.Output.Trim());
        using var evaluation = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(client, "/access/v1/evaluation", new
        {
            subject = new { type = "Agent", id = "bot" }, action = new { name = "read" }, resource = new { type = "Table", id = "t" },
        });
        Assert.Equal(System.Net.HttpStatusCode.OK, evaluation.StatusCode);
        Assert.Equal(1, wrongKey.ExitCode);
        Assert.Contains("the token endpoint refused the request: invalid_client", wrongKey.Error, StringComparison.Ordinal);
        Assert.Equal(2, noPrivateKey.ExitCode);
        Assert.Contains("holds no PEM EC private key", noPrivateKey.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdentityUpdate_HandsOverOwnership_AndSetsAnExpiry()
    {
        await Ok("identity", "create", "--kind", "human", "--id", "alice", "--name", "Alice Ng");
        await Ok("identity", "create", "--kind", "human", "--id", "bob", "--name", "Bob Li");
        var created = await Ok("identity", "create", "--kind", "agent", "--id", "bot", "--name", "Bot", "--owner", "alice", "--expires", "30d", "--json");
        var createdExpiry = JsonDocument.Parse(created.Output).RootElement.GetProperty("identity").GetProperty("expires_at").GetDateTimeOffset();

        var updated = await Ok("identity", "update", "bot", "--owner", "bob", "--label", "team=payments", "--expires", "2030-01-31T00:00:00Z");
        var shown = await Ok("identity", "show", "bot");
        var nothing = await CliRun.InvokeAsync(_server, "identity", "update", "bot");
        var badTime = await CliRun.InvokeAsync(_server, "identity", "update", "bot", "--expires", "next week");
        var unknownOwner = await CliRun.InvokeAsync(_server, "identity", "update", "bot", "--owner", "nobody");

        Assert.InRange(createdExpiry, DateTimeOffset.UtcNow.AddDays(29), DateTimeOffset.UtcNow.AddDays(31));
        Assert.Contains("updated bot (version 2)", updated.Output, StringComparison.Ordinal);
        Assert.Contains("owner:       bob", shown.Output, StringComparison.Ordinal);
        Assert.Contains("team=payments", shown.Output, StringComparison.Ordinal);
        Assert.Contains("expires:     2030-01-31 00:00:00Z", shown.Output, StringComparison.Ordinal);
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("nothing to change", nothing.Error, StringComparison.Ordinal);
        Assert.Equal(2, badTime.ExitCode);
        Assert.Contains("is neither a span", badTime.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("is not a span", badTime.Error, StringComparison.Ordinal);
        Assert.Equal(1, unknownOwner.ExitCode);
    }

    [Fact]
    public async Task Failures_AreOneLineErrorsWithNonZeroExitCodes()
    {
        var missing = await CliRun.InvokeAsync(_server, "identity", "show", "nobody");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("identity `nobody` does not exist", missing.Error, StringComparison.Ordinal);

        var refused = await CliRun.InvokeAsync(null, "identity", "list", "--server", _server.BaseAddress.ToString(), "--token", "not-the-admin-token-at-all-0000");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("401", refused.Error, StringComparison.Ordinal);

        var usage = await CliRun.InvokeAsync(_server, "identity", "create", "--name", "x");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("--kind", usage.Error, StringComparison.Ordinal);

        var unreachable = await CliRun.InvokeAsync(null, "identity", "list", "--server", "http://127.0.0.1:1", "--token", "x");
        Assert.Equal(1, unreachable.ExitCode);
        Assert.Contains("cannot reach", unreachable.Error, StringComparison.Ordinal);

        // A file argument that names a directory or nothing is a usage error naming it.
        var keyDirectory = await CliRun.InvokeAsync(_server, "identity", "create", "--kind", "agent", "--name", "x", "--owner", "alice", "--public-key", _workDirectory);
        Assert.Equal(2, keyDirectory.ExitCode);
        Assert.Contains($"the key file `{_workDirectory}` is a directory", keyDirectory.Error, StringComparison.Ordinal);
        var policyMissing = await CliRun.InvokeAsync(_server, "policy", "add", "p1", Path.Combine(_workDirectory, "none.cedar"));
        Assert.Equal(2, policyMissing.ExitCode);
        Assert.Contains("cannot read the policy file", policyMissing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CedarTest_RunsConformanceFilesAndEndsWithSummary()
    {
        var folder = Conformance.CedarFolder("tests", "decimal");

        var run = await CliRun.InvokeAsync(null, "cedar", "test", folder);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"\d+ passed, 0 failed\s*$", run.Output);
    }

    [Fact]
    public async Task CedarAuthorize_DecidesOffline_AndReportsErrorsWithPositions()
    {
        var policies = Path.Combine(_workDirectory, "p.cedar");
        await File.WriteAllTextAsync(policies, """
            permit (principal == User::"a", action, resource);
            forbid (principal, action, resource) when { context.x + 9223372036854775807 > 0 };
            """);
        const string Request = """{"principal":{"type":"User","id":"a"},"action":{"type":"Action","id":"r"},"resource":{"type":"D","id":"1"},"context":{"x":1}}""";

        var run = await CliRun.InvokeAsync(null, "cedar", "authorize", "--policies", policies, "--request", Request);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("determined by: policy0", run.Output, StringComparison.Ordinal);
        Assert.Contains("error in policy1: integer overflow", run.Output, StringComparison.Ordinal);

        await File.WriteAllTextAsync(policies, "permit (principal ==");
        var bad = await CliRun.InvokeAsync(null, "cedar", "authorize", "--policies", policies, "--request", Request);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("p.cedar:1:", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CedarTools_NameTheInputTheyCannotUse()
    {
        var policies = Path.Combine(_workDirectory, "ok.cedar");
        await File.WriteAllTextAsync(policies, "permit (principal, action, resource);");
        var entities = Path.Combine(_workDirectory, "entities.json");
        await File.WriteAllTextAsync(entities, "[{\"uid\":");
        var schema = Path.Combine(_workDirectory, "s.cedarschema");
        await File.WriteAllTextAsync(schema, "entity User;");
        const string Request = """{"principal":{"type":"User","id":"a"},"action":{"type":"Action","id":"r"},"resource":{"type":"D","id":"1"}}""";

        async Task Refused(string expected, params string[] args)
        {
            var run = await CliRun.InvokeAsync(null, ["cedar", .. args]);
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains(expected, run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled", run.Error, StringComparison.Ordinal);
        }

        await Refused($"the policy file `{_workDirectory}` is a directory", "authorize", "--policies", _workDirectory, "--request", Request);
        await Refused("cannot read the policy file `missing.cedar`", "authorize", "--policies", "missing.cedar", "--request", Request);
        await Refused("--request `missing.json` is neither a file nor a request's JSON", "authorize", "--policies", policies, "--request", "missing.json");
        await Refused("the request is not valid JSON", "authorize", "--policies", policies, "--request", "{\"principal\":");
        await Refused("request: expected an entity uid", "authorize", "--policies", policies, "--request", """{"principal":5}""");
        await Refused($"{entities}: invalid JSON", "authorize", "--policies", policies, "--entities", entities, "--request", Request);
        await Refused($"the schema file `{_workDirectory}` is a directory", "validate", "--schema", _workDirectory, "--policies", policies);
        await Refused($"{entities}: invalid JSON", "validate", "--schema", schema, "--policies", policies, "--entities", entities);
        await Refused($"the policy file `{_workDirectory}` is a directory", "fmt", _workDirectory);
    }

    [Fact]
    public async Task CedarFmt_Write_RewritesOnlyFilesThatDiffer_AndKeepsTheirComments()
    {
        var messy = Path.Combine(_workDirectory, "messy.cedar");
        await File.WriteAllTextAsync(messy, "// who may read\npermit(principal==User::\"a\",action,resource) // no limits\n;");
        var canonical = Path.Combine(_workDirectory, "canonical.cedar");
        await File.WriteAllTextAsync(canonical, "forbid (\n  principal,\n  action,\n  resource\n);\n");
        var broken = Path.Combine(_workDirectory, "broken.cedar");
        await File.WriteAllTextAsync(broken, "permit(principal,");

        var refused = await CliRun.InvokeAsync(null, "cedar", "fmt", "--write", messy, broken);
        var both = await CliRun.InvokeAsync(null, "cedar", "fmt", "--write", "--check", messy);
        var untouched = await File.ReadAllTextAsync(messy);
        var target = Path.Combine(_workDirectory, "linked-target.cedar");
        await File.WriteAllTextAsync(target, "permit(principal,action,resource);");
        var link = Path.Combine(_workDirectory, "linked.cedar");
        File.CreateSymbolicLink(link, target);
        var written = await CliRun.InvokeAsync(null, "cedar", "fmt", "-w", messy, canonical, link);
        var again = await CliRun.InvokeAsync(null, "cedar", "fmt", "--check", messy, canonical);

        // A file that does not parse leaves every file as it was.
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("broken.cedar:1:18", refused.Error, StringComparison.Ordinal);
        Assert.StartsWith("// who may read\npermit(", untouched, StringComparison.Ordinal);
        Assert.Equal(2, both.ExitCode);
        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.Equal(messy + "\n" + link + "\n", written.Output.ReplaceLineEndings("\n"));
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("permit (\n  principal,\n  action,\n  resource\n);\n", await File.ReadAllTextAsync(target));
        Assert.Equal("// who may read\npermit (\n  principal == User::\"a\",\n  action,\n  resource\n); // no limits\n", await File.ReadAllTextAsync(messy));
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Empty(Directory.GetFiles(_workDirectory, "*.tmp"));
    }

    [Fact]
    public async Task CedarFmt_PrintsCanonicalForm_AndCheckFindsUnformattedFiles()
    {
        var file = Path.Combine(_workDirectory, "messy.cedar");
        await File.WriteAllTextAsync(file, "permit(principal==User::\"a\",action,resource)when{context.x>1};");

        var printed = await CliRun.InvokeAsync(null, "cedar", "fmt", file);
        var check = await CliRun.InvokeAsync(null, "cedar", "fmt", "--check", file);
        var canonical = Path.Combine(_workDirectory, "canonical.cedar");
        await File.WriteAllTextAsync(canonical, printed.Output);
        var clean = await CliRun.InvokeAsync(null, "cedar", "fmt", "--check", canonical);

        Assert.Equal(0, printed.ExitCode);
        Assert.Contains("principal == User::\"a\"", printed.Output, StringComparison.Ordinal);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("messy.cedar", check.Output, StringComparison.Ordinal);
        Assert.True(clean.ExitCode == 0, clean.ToString());
    }

    [Fact]
    public async Task CedarValidate_ReportsTypeErrorsWithPositions_AndChecksData()
    {
        var schema = Path.Combine(_workDirectory, "app.cedarschema");
        await File.WriteAllTextAsync(schema, """
            entity User { level: Long, manager?: User };
            entity Doc;
            action read appliesTo { principal: [User], resource: [Doc], context: { purpose: String } };
            """);
        var good = Path.Combine(_workDirectory, "good.cedar");
        await File.WriteAllTextAsync(good, """permit (principal, action == Action::"read", resource) when { principal has manager && principal.manager.level > 2 };""");
        var bad = Path.Combine(_workDirectory, "bad.cedar");
        await File.WriteAllTextAsync(bad, """
            permit (principal, action == Action::"read", resource)
            when { principal.manager.level > 2 };
            """);

        var valid = await CliRun.InvokeAsync(null, "cedar", "validate", "--schema", schema, "--policies", good,
            "--request", """{"principal":{"type":"User","id":"a"},"action":{"type":"Action","id":"read"},"resource":{"type":"Doc","id":"d"},"context":{"purpose":"audit"}}""");
        var invalid = await CliRun.InvokeAsync(null, "cedar", "validate", "--schema", schema, "--policies", bad);
        var badRequest = await CliRun.InvokeAsync(null, "cedar", "validate", "--schema", schema, "--policies", good,
            "--request", """{"principal":{"type":"Doc","id":"a"},"action":{"type":"Action","id":"read"},"resource":{"type":"Doc","id":"d"},"context":{}}""");

        Assert.True(valid.ExitCode == 0, valid.ToString());
        Assert.Contains("valid: 1 policies", valid.Output, StringComparison.Ordinal);
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("bad.cedar:2:8: policy0: attribute `manager` of User is optional", invalid.Output, StringComparison.Ordinal);
        Assert.Equal(1, badRequest.ExitCode);
        Assert.Contains("principal type Doc is not allowed", badRequest.Output, StringComparison.Ordinal);
        Assert.Contains("required attribute `purpose` is missing", badRequest.Output, StringComparison.Ordinal);
    }

    private async Task<CliRun> Ok(params string[] args)
    {
        var run = await CliRun.InvokeAsync(_server, args);
        Assert.True(run.ExitCode == 0, $"mandate {string.Join(' ', args)}: {run}");
        return run;
    }

    private async Task<CliRun> WaitForEventsAsync(string type, int count)
    {
        var pipeline = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Telemetry.EventPipeline>(_server.Server.Services);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var appended = pipeline.NextAppend;
            var run = await Ok("events", "list", "--type", type, "--json");
            if (JsonDocument.Parse(run.Output).RootElement.GetProperty("items").GetArrayLength() >= count)
            {
                return await Ok("events", "list", "--type", type);
            }

            await appended.WaitAsync(timeout.Token);
        }
    }
}
