using System.Text.Json;

namespace Mandate.Telemetry.Import;

/// <summary>An external log format Mandate imports.</summary>
public abstract class ImportFormat
{
    /// <summary>AWS CloudTrail log records.</summary>
    public static ImportFormat CloudTrail { get; } = new CloudTrailFormat();

    /// <summary>Kubernetes audit events (<c>audit.k8s.io/v1</c>).</summary>
    public static ImportFormat KubernetesAudit { get; } = new KubernetesAuditFormat();

    /// <summary>The name used in the API and the CLI (<c>cloudtrail</c>, <c>k8s-audit</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The <c>source</c> the normalized events carry.</summary>
    public abstract string Source { get; }

    /// <summary>The format named <paramref name="name"/>, or null.</summary>
    public static ImportFormat? Find(string name) =>
        name == CloudTrail.Name ? CloudTrail : name == KubernetesAudit.Name ? KubernetesAudit : null;

    /// <summary>Normalizes one raw record.</summary>
    public abstract NormalizeResult Normalize(JsonElement record);
}
