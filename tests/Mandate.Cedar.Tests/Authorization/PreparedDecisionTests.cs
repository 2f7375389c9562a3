using System.Text.Json;
using Mandate.Cedar.Authorization;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Json;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Tests.Authorization;

public sealed class PreparedDecisionTests
{
    private static readonly Ast.PolicySet Policies = CedarParser.ParsePolicySet("""
        permit (principal in Team::"billing", action == Action::"read", resource in Folder::"finance")
        when {
          context.purpose == "monthly-close" &&
          context.now >= datetime("2026-11-01T00:00:00Z") && context.now < datetime("2026-12-01T00:00:00Z") &&
          context.ip.isInRange(ip("10.0.0.0/8")) &&
          context.initiator in Process::"billing-run" &&
          principal.clearance >= resource.level
        };
        permit (principal == Agent::"bot", action in [Action::"read", Action::"list"], resource)
        when { context.tags.contains("audit") && context.budget.lessThan(decimal("10.0")) };
        forbid (principal, action, resource) when { principal has suspended && principal.suspended };
        """ + string.Concat(Enumerable.Range(0, 600).Select(i => $"permit (principal == Agent::\"other-{i}\", action, resource);\n")));

    private static readonly Entities.EntityStore Entities = CedarJson.ParseEntities("""
        [
          {"uid": {"type": "Agent", "id": "bot"}, "attrs": {"clearance": 3}, "parents": [{"type": "Team", "id": "billing"}]},
          {"uid": {"type": "Team", "id": "billing"}, "attrs": {}, "parents": [{"type": "Org", "id": "acme"}]},
          {"uid": {"type": "Table", "id": "invoices"}, "attrs": {"level": 2}, "parents": [{"type": "Folder", "id": "finance"}]},
          {"uid": {"type": "Folder", "id": "finance"}, "attrs": {}, "parents": []},
          {"uid": {"type": "Process", "id": "run-42"}, "attrs": {}, "parents": [{"type": "Process", "id": "billing-run"}]}
        ]
        """);

    private static Request Request(string purpose) => new(
        EntityUid.Of("Agent", "bot"),
        EntityUid.Of("Action", "read"),
        EntityUid.Of("Table", "invoices"),
        CedarJson.ParseContext("""{"purpose": """ + JsonSerializer.Serialize(purpose) + """
            , "now": {"__extn": {"fn": "datetime", "arg": "2026-11-23T10:00:00Z"}},
             "ip": {"__extn": {"fn": "ip", "arg": "10.1.2.3"}}, "initiator": {"__entity": {"type": "Process", "id": "run-42"}},
             "tags": ["audit", "q4"], "budget": {"__extn": {"fn": "decimal", "arg": "2.5"}}}
            """));

    [Theory]
    [InlineData("monthly-close")]
    [InlineData("curiosity")]
    public void Decide_AgreesWithIsAuthorized(string purpose)
    {
        var request = new PreparedRequest(Request(purpose), Entities);
        Span<int> reasons = stackalloc int[8];

        var decision = Authorizer.Decide(request, Policies, reasons, out var count);
        var full = Authorizer.IsAuthorized(request, Policies);

        Assert.Equal(full.Decision, decision);
        Assert.Equal(full.Reasons.Order(), reasons[..count].ToArray().Select(i => Policies.Policies[i].Id).Order());
    }

    [Theory]
    [InlineData(3, 0, 3)] // a few permits: all are reasons
    [InlineData(300, 0, 8)] // more candidates than fit on the stack, and more reasons than the span holds
    [InlineData(300, 250, 8)] // a forbid among them replaces every permit as the reasons
    public void Decide_ManyCandidates_GivesWhatIsAuthorizedGives(int permits, int forbidAt, int room)
    {
        var text = string.Concat(Enumerable.Range(0, permits).Select(i =>
            i == forbidAt && forbidAt > 0 ? "forbid (principal, action, resource);\n" : $"permit (principal, action, resource) when {{ {i} >= 0 }};\n"));
        var policies = CedarParser.ParsePolicySet(text);
        var request = new PreparedRequest(Request("monthly-close"), Entities);
        var reasons = new int[room];

        var decision = Authorizer.Decide(request, policies, reasons, out var count);
        var full = Authorizer.IsAuthorized(request, policies);

        // The first determining policies that fit, in policy order.
        var written = reasons[..Math.Min(room, count)];
        Assert.Equal(full.Decision, decision);
        Assert.Equal(full.Reasons.Count, count);
        Assert.Subset(full.Reasons.ToHashSet(), written.Select(i => policies.Policies[i].Id).ToHashSet());
        Assert.Equal(written.Order(), written);
        Assert.Equal(written.Length, written.Distinct().Count());
    }

    [Fact]
    public void Decide_PreparedRequest_AllocatesNothing()
    {
        var request = new PreparedRequest(Request("monthly-close"), Entities);
        var reasons = new int[8];

        // Warm up past tiered compilation and the buffer pools' first fills, which allocate once per thread.
        for (var i = 0; i < 30_000; i++)
        {
            Authorizer.Decide(request, Policies, reasons, out _);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var allowed = 0;
        for (var i = 0; i < 30_000; i++)
        {
            allowed += Authorizer.Decide(request, Policies, reasons, out _) == Decision.Allow ? 1 : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(30_000, allowed);
        Assert.Equal(0, allocated);
    }
}
