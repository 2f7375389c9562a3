using System.Text.Json;
using Mandate.Core.Events;
using static Mandate.Telemetry.Import.RecordText;

namespace Mandate.Telemetry.Import;

/// <summary>
/// Kubernetes audit events (<c>audit.k8s.io/v1</c> <c>Event</c>, one per line of an audit log). Only a request's
/// final stage (<c>ResponseComplete</c>, or <c>Panic</c>) is imported, so each request is one event. The actor is
/// the user name (an impersonated user acts for the impersonator, who becomes the delegation chain); principals are
/// claimed by identities with the label <c>k8s.user</c> set to the user name, such as
/// <c>system:serviceaccount:billing:invoice-agent</c>.
/// </summary>
internal sealed class KubernetesAuditFormat : ImportFormat
{
    public const string UserLabel = "k8s.user";

    public override string Name => "k8s-audit";

    public override string Source => "kubernetes.audit";

    public override NormalizeResult Normalize(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object || Text(record, "kind") != "Event" || Text(record, "apiVersion")?.StartsWith("audit.k8s.io/", StringComparison.Ordinal) != true)
        {
            return NormalizeResult.Refused("not a Kubernetes audit event (`kind` Event, `apiVersion` audit.k8s.io/v1)");
        }

        if (Text(record, "stage") is not ("ResponseComplete" or "Panic"))
        {
            return NormalizeResult.Skipped;
        }

        var auditId = Text(record, "auditID");
        var verb = Text(record, "verb");
        var user = Text(record, "user", "username");
        var time = Time(Text(record, "stageTimestamp") ?? Text(record, "requestReceivedTimestamp"));
        if (auditId is null || verb is null || user is null || time is null)
        {
            return NormalizeResult.Refused("a Kubernetes audit event needs `auditID`, `verb`, `user.username` and a timestamp");
        }

        var impersonated = Text(record, "impersonatedUser", "username");
        var actor = Principal(impersonated ?? user);
        var delegator = impersonated is null ? null : Principal(user);
        var target = Member(record, "objectRef");
        var resource = Text(target, "resource");
        var subresource = Text(target, "subresource");
        var apiGroup = Text(target, "apiGroup");
        var name = Text(target, "name");
        var ns = Text(target, "namespace");
        var code = Member(Member(record, "responseStatus"), "code") is { ValueKind: JsonValueKind.Number } c ? c.GetInt32() : 200;
        var reason = Text(record, "annotations", "authorization.k8s.io/reason");
        var failed = code >= 400 || record.GetProperty("stage").GetString() == "Panic";
        var sources = Member(record, "sourceIPs");
        var resourceType = resource is null ? "nonResourceURL" : subresource is null ? resource : $"{resource}/{subresource}";
        var evt = new MandateEvent
        {
            Id = "k8s:" + auditId,
            Time = time.Value,
            Category = Category(resource, subresource, apiGroup, verb),
            Type = resource is null ? $"k8s.nonresource.{Word(verb)}" : $"k8s.{Word(resourceType)}.{Word(verb)}",
            Outcome = failed ? EventOutcome.Failure : EventOutcome.Success,
            ActorId = actor.ExternalId,
            ActorKind = actor.Kind,
            Action = verb,
            ResourceType = resourceType,
            ResourceId = name is null ? (resource is null ? Text(record, "requestURI") : ns) : ns is null ? name : $"{ns}/{name}",
            SourceIp = sources.ValueKind == JsonValueKind.Array && sources.GetArrayLength() > 0 ? Address(sources[0].GetString()) : null,
            UserAgent = Text(record, "userAgent"),
            RequestId = auditId,
            Message = failed
                ? $"{code} {Text(record, "responseStatus", "reason") ?? "Failure"}: {Text(record, "responseStatus", "message") ?? reason ?? "refused"}"
                : reason ?? $"{verb} {resourceType} by {actor.DisplayName}",
            Source = Source,
        };
        return new NormalizeResult(new NormalizedRecord(evt, actor, delegator), null);
    }

    private ExternalPrincipal Principal(string username)
    {
        const string ServiceAccount = "system:serviceaccount:";
        if (username.StartsWith(ServiceAccount, StringComparison.Ordinal))
        {
            return new(Source, username, "service_account", username[ServiceAccount.Length..].Replace(':', '/'), UserLabel);
        }

        return username.StartsWith("system:", StringComparison.Ordinal)
            ? new(Source, username, "workload", username, UserLabel)
            : new(Source, username, "human", username, UserLabel);
    }

    private static EventCategory Category(string? resource, string? subresource, string? apiGroup, string verb) =>
        resource is "tokenreviews" or "subjectaccessreviews" || subresource == "token" ? EventCategory.Authentication
        : resource == "serviceaccounts" && verb is "create" or "delete" ? EventCategory.AccountChange
        : apiGroup == "rbac.authorization.k8s.io" && verb is "create" or "update" or "patch" or "delete" ? EventCategory.EntityManagement
        : EventCategory.ApiActivity;
}
