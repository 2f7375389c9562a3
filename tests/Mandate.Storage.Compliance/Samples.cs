using Mandate.Core.Credentials;
using Mandate.Core.Events;
using Mandate.Core.Groups;
using Mandate.Core.Identities;
using Mandate.Core.Policies;

namespace Mandate.Storage.Compliance;

/// <summary>Fully populated sample records; times carry sub-millisecond ticks and non-UTC offsets to prove lossless storage.</summary>
public static class Samples
{
    public static readonly DateTimeOffset Time = new DateTimeOffset(2026, 3, 14, 15, 9, 26, 535, TimeSpan.FromHours(2)).AddTicks(8979);

    public static Identity Identity(string id, IdentityKind kind = IdentityKind.Agent, string? displayName = null) => new()
    {
        Id = id,
        Kind = kind,
        DisplayName = displayName ?? $"Display {id}",
        Owner = kind == IdentityKind.Human ? null : "alice",
        Purpose = "monthly close",
        Environment = "production",
        Labels = new Dictionary<string, string> { ["team"] = "finance", ["tier"] = "1", ["ünïcode"] = "✓" },
        Status = IdentityStatus.Active,
        Parent = kind == IdentityKind.Agent ? "orchestrator" : null,
        CreatedAt = Time,
        UpdatedAt = Time.AddMinutes(1),
        LastUsedAt = Time.AddMinutes(2),
        ExpiresAt = Time.AddDays(30),
    };

    public static Identity Human(string id) => Identity(id, IdentityKind.Human);

    public static Credential ApiKey(string id, string identityId, string prefix) => new()
    {
        Id = id,
        IdentityId = identityId,
        Material = new ApiKeyMaterial(prefix, "hash-" + prefix),
        Description = "ci key",
        CreatedAt = Time,
        ExpiresAt = Time.AddDays(90),
        LastUsedAt = Time.AddHours(1),
        RotatedAt = Time.AddMinutes(5),
    };

    public static Credential PublicKey(string id, string identityId) => new()
    {
        Id = id,
        IdentityId = identityId,
        Material = new PublicKeyMaterial("""{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}""", "kid-1", "thumb-1"),
        CreatedAt = Time,
    };

    public static Credential Federated(string id, string identityId) => new()
    {
        Id = id,
        IdentityId = identityId,
        Material = new FederatedTrustMaterial("https://token.actions.example", "repo:acme/*:ref:refs/heads/main", null),
        CreatedAt = Time,
        Status = CredentialStatus.Revoked,
        RevokedAt = Time.AddDays(1),
    };

    public static Credential Certificate(string id, string identityId) => new()
    {
        Id = id,
        IdentityId = identityId,
        Material = new CertificateThumbprintMaterial(new string('a', 64)),
        CreatedAt = Time,
    };

    public static Group Group(string id, GroupKind kind = GroupKind.Group) => new()
    {
        Id = id,
        Kind = kind,
        DisplayName = $"Group {id}",
        Description = "people who close the books",
        Owner = "alice",
        CreatedAt = Time,
        UpdatedAt = Time.AddSeconds(1),
    };

    public static PolicyDocument Policy(string id, bool enabled = true) => new()
    {
        Id = id,
        Text = """permit (principal in Group::"finance", action == Action::"read", resource) when { context.purpose == "monthly-close" };""",
        Description = "finance reads",
        Enabled = enabled,
        CreatedAt = Time,
        UpdatedAt = Time.AddSeconds(2),
    };

    public static MandateEvent Event(string type, DateTimeOffset time, string? actor = "agent-b", params string[] chain) => new()
    {
        Id = Guid.NewGuid().ToString("n"),
        Time = time,
        Category = EventCategory.Authentication,
        Type = type,
        Outcome = EventOutcome.Success,
        ActorId = actor,
        ActorKind = actor is null ? null : "agent",
        Chain = chain,
        Action = "read",
        ResourceType = "Table",
        ResourceId = "invoices",
        Policies = ["p1", "p2#1"],
        TokenId = "jti-1",
        SourceIp = "192.0.2.7",
        UserAgent = "mandate-client/1.0",
        RequestId = "req-1",
        Message = "token issued for `agent-b` ✓",
        Source = "compliance.test",
    };
}
