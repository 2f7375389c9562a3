namespace Mandate.Core.Events;

/// <summary>Event class, named after the OCSF class it maps to.</summary>
public enum EventCategory
{
    /// <summary>OCSF Authentication (3002): tokens issued or refused, credentials used.</summary>
    Authentication,

    /// <summary>OCSF Authorize Session (3003): access decisions.</summary>
    Authorization,

    /// <summary>OCSF Account Change (3001): identity lifecycle and credential changes.</summary>
    AccountChange,

    /// <summary>OCSF Entity Management (3004): groups, memberships, policies and settings.</summary>
    EntityManagement,

    /// <summary>OCSF API Activity (6003): other control-plane calls.</summary>
    ApiActivity,

    /// <summary>OCSF Detection Finding (2004): security findings, such as refused escalation.</summary>
    DetectionFinding,
}
