namespace Mandate.Telemetry.Import;

/// <summary>A principal as an external log names it, before it is attributed to a Mandate identity.</summary>
/// <param name="Source">The log it comes from, for example <c>aws.cloudtrail</c>.</param>
/// <param name="ExternalId">Its stable name there: an IAM role or user ARN, a Kubernetes user name.</param>
/// <param name="Kind">What it most likely is: <c>human</c>, <c>service_account</c>, <c>workload</c> or <c>agent</c>.</param>
/// <param name="DisplayName">A short readable name.</param>
/// <param name="ClaimLabel">The identity label whose value, set to <paramref name="ExternalId"/>, claims it (<c>aws.arn</c>, <c>k8s.user</c>).</param>
public sealed record ExternalPrincipal(string Source, string ExternalId, string Kind, string DisplayName, string ClaimLabel);

/// <summary>One normalized record: the event (actor and chain still external ids), who acted and for whom.</summary>
/// <param name="Event">The normalized event.</param>
/// <param name="Actor">The acting principal.</param>
/// <param name="Delegator">The principal it acted for (an AWS source identity, a Kubernetes impersonator), if any.</param>
public sealed record NormalizedRecord(Core.Events.MandateEvent Event, ExternalPrincipal Actor, ExternalPrincipal? Delegator);

/// <summary>What became of one raw record.</summary>
/// <param name="Record">The normalized record, or null when the record was skipped or refused.</param>
/// <param name="Error">Why the record was refused, or null.</param>
public readonly record struct NormalizeResult(NormalizedRecord? Record, string? Error)
{
    /// <summary>A record this importer deliberately leaves out (such as a Kubernetes request's intermediate stages).</summary>
    public static NormalizeResult Skipped => default;

    /// <summary>A refused record.</summary>
    public static NormalizeResult Refused(string error) => new(null, error);
}
