using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Core.Policies;
using Mandate.Core.Storage;

namespace Mandate.Core.Administration;

/// <summary>Stores Cedar policy documents after checking they parse, recording each change as an event.</summary>
public sealed class PolicyLibrary(IMandateStore store, IEventSink events, TimeProvider time)
{
    /// <summary>Largest policy document accepted, in characters.</summary>
    public const int MaxTextLength = 256 * 1024;

    /// <summary>Validates and creates a policy document.</summary>
    public async Task<PolicyDocument> CreateAsync(string id, string text, string? description, bool enabled, AuditContext audit, CancellationToken cancellationToken = default)
    {
        id = InputRules.RequireId(id, "id");
        Validate(id, text);
        var now = time.GetUtcNow();
        var created = await store.Policies.CreateAsync(new PolicyDocument
        {
            Id = id,
            Text = text,
            Description = InputRules.OptionalText(description, "description", InputRules.MaxDescription),
            Enabled = enabled,
            CreatedAt = now,
            UpdatedAt = now,
        }, cancellationToken);
        events.Emit(audit.ToEvent(now, EventCategory.EntityManagement, "policy.created", EventOutcome.Success, "Policy", id));
        return created;
    }

    /// <summary>Changes a policy's text, description or enabled flag; null members are left as they are.</summary>
    public async Task<PolicyDocument> UpdateAsync(string id, string? text, string? description, bool? enabled, long? version, AuditContext audit, CancellationToken cancellationToken = default)
    {
        var current = await store.Policies.GetAsync(id, cancellationToken) ?? throw MandateException.NotFound("policy", id);
        if (version is { } expected && expected != current.Version)
        {
            throw new MandateException(ErrorCode.VersionConflict, $"policy `{id}` is at version {current.Version}, not {expected}; read it again and retry");
        }

        if (text is not null)
        {
            Validate(id, text);
        }

        var now = time.GetUtcNow();
        var stored = await store.Policies.UpdateAsync(current with
        {
            Text = text ?? current.Text,
            Description = description is null ? current.Description : InputRules.OptionalText(description, "description", InputRules.MaxDescription),
            Enabled = enabled ?? current.Enabled,
            UpdatedAt = now,
        }, cancellationToken);
        events.Emit(audit.ToEvent(now, EventCategory.EntityManagement, "policy.updated", EventOutcome.Success, "Policy", id));
        return stored;
    }

    /// <summary>Deletes a policy document.</summary>
    public async Task DeleteAsync(string id, AuditContext audit, CancellationToken cancellationToken = default)
    {
        if (!await store.Policies.DeleteAsync(id, cancellationToken))
        {
            throw MandateException.NotFound("policy", id);
        }

        events.Emit(audit.ToEvent(time.GetUtcNow(), EventCategory.EntityManagement, "policy.deleted", EventOutcome.Success, "Policy", id));
    }

    private static void Validate(string id, string text)
    {
        if (text.Length > MaxTextLength)
        {
            throw MandateException.Invalid("text", $"policy text is longer than {MaxTextLength} characters");
        }

        StoredPolicies.Parse(id, text);
    }
}
