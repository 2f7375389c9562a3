namespace Mandate.Core.Identities;

/// <summary>
/// A principal seen acting in imported telemetry (a CloudTrail role, a Kubernetes service account) that no managed
/// identity claims: an unmanaged identity for the inventory, to be registered (and then claimed with a label) or
/// shut down. It is not a Cedar entity and takes no part in decisions.
/// </summary>
public sealed record DiscoveredIdentity
{
    /// <summary>The telemetry it was seen in, for example <c>aws.cloudtrail</c> or <c>kubernetes.audit</c>.</summary>
    public required string Source { get; init; }

    /// <summary>The principal as the source names it: an IAM role or user ARN, a Kubernetes user name.</summary>
    public required string ExternalId { get; init; }

    /// <summary>What it most likely is (<c>human</c>, <c>service_account</c>, <c>workload</c>, <c>agent</c>).</summary>
    public required string Kind { get; init; }

    /// <summary>A short readable name derived from the external id.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The label key a managed identity sets to this external id to claim it (for example <c>aws.arn</c>).</summary>
    public required string ClaimLabel { get; init; }

    /// <summary>When it was first seen acting.</summary>
    public required DateTimeOffset FirstSeen { get; init; }

    /// <summary>When it was last seen acting.</summary>
    public required DateTimeOffset LastSeen { get; init; }

    /// <summary>How many imported events it acted in.</summary>
    public long Events { get; init; }

    /// <summary>The last action it was seen taking.</summary>
    public string? LastAction { get; init; }
}
