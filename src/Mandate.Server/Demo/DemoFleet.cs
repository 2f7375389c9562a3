using Mandate.Core.Groups;
using Mandate.Core.Identities;

namespace Mandate.Server.Demo;

/// <summary>A small, believable fleet: a finance team, its agents and services, and the policies that govern them.</summary>
internal static class DemoFleet
{
    public static readonly DemoIdentity[] Humans =
    [
        new("alice", IdentityKind.Human, "Alice Ng", null, "Head of finance operations", "production"),
        new("bob", IdentityKind.Human, "Bob Okafor", null, "Platform engineer", "production"),
        new("carol", IdentityKind.Human, "Carol Diaz", null, "Security lead", "production"),
    ];

    public static readonly DemoIdentity[] Machines =
    [
        new("invoice-bot", IdentityKind.Agent, "Invoice reconciliation agent", "alice", "Match invoices to payments for the monthly close", "production"),
        new("expense-auditor", IdentityKind.Agent, "Expense audit agent", "alice", "Flag out-of-policy expense claims", "production"),
        new("forecast-agent", IdentityKind.Agent, "Cash forecast agent", "alice", "Weekly cash-flow forecast", "production"),
        new("report-writer", IdentityKind.Agent, "Report drafting sub-agent", "alice", "Draft the close summary for the forecast agent", "production", Parent: "forecast-agent"),
        new("support-triage", IdentityKind.Agent, "Support triage agent", "bob", "Route incoming support tickets", "production"),
        new("code-reviewer", IdentityKind.Agent, "Code review agent", "bob", "Review pull requests on the payments service", "staging"),
        new("incident-scribe", IdentityKind.Agent, "Incident scribe agent", "carol", "Summarise incident timelines", "production"),
        new("access-reviewer", IdentityKind.Agent, "Access review agent", "carol", "Prepare quarterly access reviews", "production"),
        new("billing-service", IdentityKind.ServiceAccount, "Billing service", "bob", "Posts invoices to the ledger", "production"),
        new("etl-nightly", IdentityKind.ServiceAccount, "Nightly ETL", "bob", "Copies ledger snapshots to the warehouse", "production"),
        new("ci-deployer", IdentityKind.Workload, "CI deploy job", "bob", "Deploys the payments service", "production"),
        new("ledger-api", IdentityKind.Workload, "Ledger API pods", "bob", "Serves the general ledger", "production"),
    ];

    public static readonly (string Id, GroupKind Kind, string Name, string[] Members)[] Groups =
    [
        ("finance-agents", GroupKind.Group, "Finance agents", ["invoice-bot", "expense-auditor", "forecast-agent", "report-writer"]),
        ("ledger-readers", GroupKind.Role, "Ledger readers", ["invoice-bot", "forecast-agent", "etl-nightly", "alice"]),
        ("ledger-writers", GroupKind.Role, "Ledger writers", ["billing-service"]),
        ("security-team", GroupKind.Group, "Security team", ["carol", "incident-scribe", "access-reviewer"]),
    ];

    public static readonly (string Id, string Description, string Text)[] Policies =
    [
        ("ledger-read", "Ledger readers may read ledger tables",
            """
            permit (principal in Role::"ledger-readers", action == Action::"read", resource == Table::"ledger");
            """),
        ("ledger-write", "Only ledger writers may post entries, and only from production",
            """
            permit (principal in Role::"ledger-writers", action == Action::"write", resource == Table::"ledger")
            when { principal has environment && principal.environment == "production" };
            """),
        ("monthly-close", "Finance agents may export invoices only for the monthly close",
            """
            permit (principal in Group::"finance-agents", action == Action::"export", resource == Table::"invoices")
            when { context has purpose && context.purpose == "monthly-close" };
            """),
        ("no-suspended", "Nothing acts while suspended",
            """
            forbid (principal, action, resource)
            when { principal has status && principal.status != "active" };
            """),
    ];

    /// <summary>Requests the simulator sends: a mix that mostly allows, with some denials to look at.</summary>
    public static readonly (string Principal, string Action, string Resource, string? Purpose)[] Traffic =
    [
        ("invoice-bot", "read", "ledger", null),
        ("invoice-bot", "export", "invoices", "monthly-close"),
        ("invoice-bot", "export", "invoices", "marketing"),
        ("forecast-agent", "read", "ledger", null),
        ("report-writer", "read", "ledger", null),
        ("etl-nightly", "read", "ledger", null),
        ("billing-service", "write", "ledger", null),
        ("support-triage", "read", "ledger", null),
        ("expense-auditor", "export", "invoices", "monthly-close"),
        ("code-reviewer", "write", "ledger", null),
    ];
}

/// <summary>One identity of the demo fleet.</summary>
internal sealed record DemoIdentity(string Id, IdentityKind Kind, string Name, string? Owner, string Purpose, string Environment, string? Parent = null);
