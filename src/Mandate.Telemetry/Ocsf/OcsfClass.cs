using Mandate.Core.Events;

namespace Mandate.Telemetry.Ocsf;

/// <summary>An OCSF event class Mandate's events map to, with its category.</summary>
/// <param name="Uid">The class id (<c>class_uid</c>).</param>
/// <param name="Name">The class caption.</param>
/// <param name="CategoryUid">The category id (<c>category_uid</c>).</param>
/// <param name="CategoryName">The category caption.</param>
public sealed record OcsfClass(int Uid, string Name, int CategoryUid, string CategoryName)
{
    /// <summary>The OCSF schema version the export follows.</summary>
    public const string SchemaVersion = "1.3.0";

    /// <summary>Authentication (3002), in Identity &amp; Access Management.</summary>
    public static readonly OcsfClass Authentication = new(3002, "Authentication", 3, "Identity & Access Management");

    /// <summary>Authorize Session (3003), in Identity &amp; Access Management.</summary>
    public static readonly OcsfClass AuthorizeSession = new(3003, "Authorize Session", 3, "Identity & Access Management");

    /// <summary>Account Change (3001), in Identity &amp; Access Management.</summary>
    public static readonly OcsfClass AccountChange = new(3001, "Account Change", 3, "Identity & Access Management");

    /// <summary>Entity Management (3004), in Identity &amp; Access Management.</summary>
    public static readonly OcsfClass EntityManagement = new(3004, "Entity Management", 3, "Identity & Access Management");

    /// <summary>API Activity (6003), in Application Activity.</summary>
    public static readonly OcsfClass ApiActivity = new(6003, "API Activity", 6, "Application Activity");

    /// <summary>Detection Finding (2004), in Findings.</summary>
    public static readonly OcsfClass DetectionFinding = new(2004, "Detection Finding", 2, "Findings");

    /// <summary>The class an event category maps to.</summary>
    public static OcsfClass Of(EventCategory category) => category switch
    {
        EventCategory.Authentication => Authentication,
        EventCategory.Authorization => AuthorizeSession,
        EventCategory.AccountChange => AccountChange,
        EventCategory.EntityManagement => EntityManagement,
        EventCategory.ApiActivity => ApiActivity,
        EventCategory.DetectionFinding => DetectionFinding,
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "unknown event category"),
    };
}
