using Mandate.Core.Events;

namespace Mandate.Telemetry.Ocsf;

/// <summary>
/// The OCSF activity of an event, from its class and the last word of its dotted type (<c>identity.suspended</c>
/// -> Disable). A type no activity of the class describes is <c>99</c> Other, named by the type itself.
/// </summary>
public static class OcsfActivity
{
    /// <summary>OCSF's id for an activity the class does not list.</summary>
    public const int Other = 99;

    /// <summary>The activity id and caption of <paramref name="e"/> within <paramref name="cls"/>.</summary>
    public static (int Id, string Name) Of(OcsfClass cls, MandateEvent e)
    {
        ArgumentNullException.ThrowIfNull(cls);
        ArgumentNullException.ThrowIfNull(e);
        var verb = e.Type[(e.Type.LastIndexOf('.') + 1)..];
        (int, string)? known = cls.Uid switch
        {
            3002 => verb switch
            {
                "issued" or "refused" or "exchanged" or "logon" or "succeeded" or "failed" or "authenticated" => (1, "Logon"),
                "revoked" or "logoff" or "expired" => (2, "Logoff"),
                _ => null,
            },
            3003 => e.Type.StartsWith("decision", StringComparison.Ordinal) || verb is "evaluated" or "granted" or "denied" ? (1, "Assign Privileges") : null,
            3001 => verb switch
            {
                "created" or "registered" => (1, "Create"),
                "resumed" or "enabled" or "activated" => (2, "Enable"),
                "suspended" or "deactivated" or "disabled" => (5, "Disable"),
                "deleted" => (6, "Delete"),
                "policy_attached" => (7, "Attach Policy"),
                "policy_detached" => (8, "Detach Policy"),
                "locked" => (9, "Lock"),
                _ => null,
            },
            3004 or 6003 => verb switch
            {
                "created" or "added" or "imported" => (1, "Create"),
                "read" or "listed" or "viewed" or "exported" => (2, "Read"),
                "updated" or "changed" or "member_added" or "member_removed" or "rotated" or "reloaded" => (3, "Update"),
                "deleted" or "removed" or "revoked" or "pruned" => (4, "Delete"),
                _ => null,
            },
            2004 => verb switch
            {
                "updated" => (2, "Update"),
                "closed" or "resolved" => (3, "Close"),
                _ => (1, "Create"),
            },
            _ => null,
        };
        return known ?? (Other, e.Type);
    }
}
