using System.Text.Json;
using Mandate.Core.Events;
using static Mandate.Telemetry.Import.RecordText;

namespace Mandate.Telemetry.Import;

/// <summary>
/// AWS CloudTrail records (the members of a log file's <c>Records</c> array). The actor is the IAM principal
/// behind the call: for an assumed-role session the role (its ARN from <c>sessionContext.sessionIssuer</c>), for
/// an IAM user, federated user or the root its ARN, for an AWS service the service; a role session's
/// <c>sourceIdentity</c> is who it acted for. Principals are claimed by identities with the label <c>aws.arn</c>
/// (<c>aws.source_identity</c> for source identities).
/// </summary>
internal sealed class CloudTrailFormat : ImportFormat
{
    public const string ArnLabel = "aws.arn";
    public const string SourceIdentityLabel = "aws.source_identity";

    private static readonly string[] IamWrites = ["Create", "Delete", "Update", "Attach", "Detach", "Put", "Add", "Remove", "Tag", "Untag", "Enable", "Deactivate", "Upload", "Change", "Set", "Reset"];

    public override string Name => "cloudtrail";

    public override string Source => "aws.cloudtrail";

    public override NormalizeResult Normalize(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            return NormalizeResult.Refused("a CloudTrail record must be a JSON object");
        }

        var eventId = Text(record, "eventID");
        var eventName = Text(record, "eventName");
        var eventSource = Text(record, "eventSource");
        var time = Time(Text(record, "eventTime"));
        var identity = Member(record, "userIdentity");
        if (eventId is null || eventName is null || eventSource is null || time is null)
        {
            return NormalizeResult.Refused("a CloudTrail record needs `eventID`, `eventName`, `eventSource` and an `eventTime` date");
        }

        if (Principal(identity, record) is not { } actor)
        {
            return NormalizeResult.Refused("the record's `userIdentity` names no principal (`type` with an `arn`, `invokedBy` or `accountId`)");
        }

        var service = eventSource.EndsWith(".amazonaws.com", StringComparison.Ordinal) ? eventSource[..^".amazonaws.com".Length] : eventSource;
        var errorCode = Text(record, "errorCode");
        var failed = errorCode is not null || Text(record, "responseElements", "ConsoleLogin") == "Failure";
        var (resourceType, resourceId) = Resource(record, eventSource);
        var sourceIdentity = Text(identity, "sessionContext", "sourceIdentity");
        var evt = new MandateEvent
        {
            Id = "cloudtrail:" + eventId,
            Time = time.Value,
            Category = Category(record, service, eventName),
            Type = $"aws.{Word(service)}.{Word(eventName)}",
            Outcome = failed ? EventOutcome.Failure : EventOutcome.Success,
            ActorId = actor.ExternalId,
            ActorKind = actor.Kind,
            Action = $"{service}:{eventName}",
            ResourceType = resourceType,
            ResourceId = resourceId,
            TokenId = Text(identity, "accessKeyId"),
            SourceIp = Address(Text(record, "sourceIPAddress")),
            UserAgent = Text(record, "userAgent"),
            RequestId = Text(record, "requestID"),
            Message = failed
                ? $"{errorCode ?? "Failure"}: {Text(record, "errorMessage") ?? $"{eventName} failed"}"
                : $"{eventName} by {actor.DisplayName}" + (Text(record, "awsRegion") is { } region ? $" in {region}" : string.Empty),
            Source = Source,
        };
        var delegator = sourceIdentity is null ? null : new ExternalPrincipal(Source, sourceIdentity, "human", sourceIdentity, SourceIdentityLabel);
        return new NormalizeResult(new NormalizedRecord(evt, actor, delegator), null);
    }

    private ExternalPrincipal? Principal(JsonElement identity, JsonElement record)
    {
        var type = Text(identity, "type");
        var arn = Text(identity, "arn");
        switch (type)
        {
            case "AssumedRole":
                var role = Text(identity, "sessionContext", "sessionIssuer", "arn") ?? arn;
                return role is null ? null : new(Source, role, "service_account", Text(identity, "sessionContext", "sessionIssuer", "userName") ?? LastSegment(role), ArnLabel);
            case "IAMUser":
                var human = Text(record, "eventType") == "AwsConsoleSignIn" || Text(identity, "sessionContext", "attributes", "mfaAuthenticated") == "true";
                return arn is null ? null : new(Source, arn, human ? "human" : "service_account", Text(identity, "userName") ?? LastSegment(arn), ArnLabel);
            case "Root":
                return arn is null ? null : new(Source, arn, "human", $"root of account {Text(identity, "accountId")}", ArnLabel);
            case "FederatedUser":
                return arn is null ? null : new(Source, arn, "human", LastSegment(arn), ArnLabel);
            case "AWSService":
                var invokedBy = Text(identity, "invokedBy") ?? Text(record, "sourceIPAddress");
                return invokedBy is null ? null : new(Source, invokedBy, "workload", invokedBy, ArnLabel);
            case "AWSAccount":
                var account = Text(identity, "accountId") ?? Text(identity, "principalId");
                return account is null ? null : new(Source, $"arn:aws:iam::{account}:root", "service_account", $"account {account}", ArnLabel);
            case "WebIdentityUser" or "SAMLUser":
                var user = Text(identity, "userName") ?? Text(identity, "principalId");
                return user is null ? null : new(Source, $"{Text(identity, "identityProvider")}:{user}", "human", user, ArnLabel);
            default:
                return arn is null ? null : new(Source, arn, "service_account", LastSegment(arn), ArnLabel);
        }
    }

    private static EventCategory Category(JsonElement record, string service, string eventName)
    {
        if (Text(record, "eventType") == "AwsConsoleSignIn" || eventName == "ConsoleLogin"
            || (service == "sts" && (eventName.StartsWith("AssumeRole", StringComparison.Ordinal) || eventName is "GetSessionToken" or "GetFederationToken")))
        {
            return EventCategory.Authentication;
        }

        return service == "iam" && IamWrites.Any(w => eventName.StartsWith(w, StringComparison.Ordinal)) ? EventCategory.AccountChange : EventCategory.ApiActivity;
    }

    private static (string Type, string? Id) Resource(JsonElement record, string eventSource)
    {
        var resources = Member(record, "resources");
        if (resources.ValueKind == JsonValueKind.Array && resources.GetArrayLength() > 0)
        {
            var first = resources[0];
            return (Text(first, "type") ?? eventSource, Text(first, "ARN") ?? Text(first, "arn"));
        }

        var request = Member(record, "requestParameters");
        return Text(request, "roleArn") is { } roleArn ? ("AWS::IAM::Role", roleArn)
            : Text(request, "bucketName") is { } bucket ? ("AWS::S3::Bucket", bucket)
            : Text(request, "roleName") is { } roleName ? ("AWS::IAM::Role", roleName)
            : Text(request, "userName") is { } userName ? ("AWS::IAM::User", userName)
            : Text(request, "secretId") is { } secret ? ("AWS::SecretsManager::Secret", secret)
            : (eventSource, null);
    }

    private static string LastSegment(string arn) => arn[(arn.LastIndexOfAny([':', '/']) + 1)..];
}
