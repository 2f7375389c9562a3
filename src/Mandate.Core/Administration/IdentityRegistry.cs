using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Core.Identities;
using Mandate.Core.Storage;

namespace Mandate.Core.Administration;

/// <summary>
/// Registers identities and moves them through their lifecycle, enforcing the ownership rules and
/// recording every change as an event.
/// </summary>
public sealed class IdentityRegistry(IMandateStore store, IEventSink events, TimeProvider time)
{
    /// <summary>Validates and registers an identity with its first credentials, atomically.</summary>
    public async Task<Identity> CreateAsync(NewIdentity request, AuditContext audit, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var id = request.Id is null ? MandateId.New(IdPrefix(request.Kind)) : InputRules.RequireId(request.Id, "id");
        var owner = await ValidateOwnerAsync(request.Kind, request.Owner, cancellationToken);
        var parent = await ValidateParentAsync(request.Kind, request.Parent, cancellationToken);
        if (request.ExpiresAt is { } expires && expires <= now)
        {
            throw MandateException.Invalid("expires_at", "expires_at must be in the future");
        }

        var identity = new Identity
        {
            Id = id,
            Kind = request.Kind,
            DisplayName = InputRules.RequireText(request.DisplayName, "display_name", InputRules.MaxDisplayName),
            Owner = owner,
            Purpose = InputRules.OptionalText(request.Purpose, "purpose", InputRules.MaxDescription),
            Environment = request.Environment is null ? null : InputRules.RequireId(request.Environment, "environment"),
            Labels = InputRules.Labels(request.Labels),
            Parent = parent,
            ExpiresAt = request.ExpiresAt,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var credentials = request.Credentials
            .Select(c => CredentialRegistry.Build(identity.Id, c, now))
            .ToList();

        var created = await store.Identities.CreateAsync(identity, credentials, cancellationToken);
        events.Emit(audit.ToEvent(now, EventCategory.AccountChange, "identity.created", EventOutcome.Success,
            created.Kind.ToString(), created.Id, $"{created.Kind} `{created.Id}` registered"));
        foreach (var credential in credentials)
        {
            events.Emit(CredentialRegistry.AddedEvent(audit, now, credential));
        }

        return created;
    }

    /// <summary>Applies descriptive changes (not status) to an identity.</summary>
    public async Task<Identity> UpdateAsync(string id, IdentityChanges changes, AuditContext audit, CancellationToken cancellationToken = default)
    {
        var current = await GetRequiredAsync(id, cancellationToken);
        if (changes.Version is { } version && version != current.Version)
        {
            throw new MandateException(ErrorCode.VersionConflict,
                $"identity `{id}` is at version {current.Version}, not {version}; read it again and retry");
        }

        var now = time.GetUtcNow();
        if (changes.ExpiresAt is { } expires && expires <= now)
        {
            throw MandateException.Invalid("expires_at", "expires_at must be in the future");
        }

        var updated = current with
        {
            DisplayName = changes.DisplayName is null ? current.DisplayName : InputRules.RequireText(changes.DisplayName, "display_name", InputRules.MaxDisplayName),
            Owner = changes.Owner is null ? current.Owner : await ValidateOwnerAsync(current.Kind, changes.Owner, cancellationToken),
            Purpose = changes.Purpose is null ? current.Purpose : InputRules.OptionalText(changes.Purpose, "purpose", InputRules.MaxDescription),
            Environment = changes.Environment is null ? current.Environment : InputRules.RequireId(changes.Environment, "environment"),
            Labels = changes.Labels is null ? current.Labels : InputRules.Labels(changes.Labels),
            ExpiresAt = changes.ExpiresAt ?? current.ExpiresAt,
            UpdatedAt = now,
        };
        var stored = await store.Identities.UpdateAsync(updated, cancellationToken);
        events.Emit(audit.ToEvent(now, EventCategory.AccountChange, "identity.updated", EventOutcome.Success,
            stored.Kind.ToString(), stored.Id));
        return stored;
    }

    /// <summary>
    /// Suspends (kill switch), resumes or deactivates an identity. Deactivation is final; a suspended
    /// identity can be resumed.
    /// </summary>
    public async Task<Identity> SetStatusAsync(string id, IdentityStatus status, string? reason, AuditContext audit, CancellationToken cancellationToken = default)
    {
        // Checked before anything is stored: a reason refused after the change would leave it made but unrecorded.
        var why = InputRules.OptionalText(reason, "reason", InputRules.MaxDescription);
        var current = await GetRequiredAsync(id, cancellationToken);
        if (current.Status == status)
        {
            return current;
        }

        if (current.Status == IdentityStatus.Deactivated)
        {
            throw new MandateException(ErrorCode.Conflict, $"identity `{id}` is deactivated and cannot change status again");
        }

        var now = time.GetUtcNow();
        var stored = await store.Identities.UpdateAsync(current with { Status = status, UpdatedAt = now }, cancellationToken);
        var type = status switch
        {
            IdentityStatus.Suspended => "identity.suspended",
            IdentityStatus.Deactivated => "identity.deactivated",
            _ => "identity.resumed",
        };
        events.Emit(audit.ToEvent(now, EventCategory.AccountChange, type, EventOutcome.Success,
            stored.Kind.ToString(), stored.Id, why));
        return stored;
    }

    /// <summary>Reads an identity or refuses with <c>not_found</c>.</summary>
    public async Task<Identity> GetRequiredAsync(string id, CancellationToken cancellationToken = default) =>
        await store.Identities.GetAsync(id, cancellationToken) ?? throw MandateException.NotFound("identity", id);

    private async Task<string?> ValidateOwnerAsync(IdentityKind kind, string? owner, CancellationToken cancellationToken)
    {
        if (owner is null)
        {
            return kind == IdentityKind.Human
                ? null
                : throw MandateException.Invalid("owner", $"{Article(kind)} {KindWord(kind)} needs an accountable human owner: set `owner` to a human identity id");
        }

        var found = await store.Identities.GetAsync(InputRules.RequireId(owner, "owner"), cancellationToken)
            ?? throw MandateException.Invalid("owner", $"owner `{owner}` does not exist");
        if (found.Kind != IdentityKind.Human)
        {
            throw MandateException.Invalid("owner", $"owner `{owner}` is {Article(found.Kind)} {KindWord(found.Kind)}; owners must be humans");
        }

        if (found.Status == IdentityStatus.Deactivated)
        {
            throw MandateException.Invalid("owner", $"owner `{owner}` is deactivated");
        }

        return found.Id;
    }

    private async Task<string?> ValidateParentAsync(IdentityKind kind, string? parent, CancellationToken cancellationToken)
    {
        if (parent is null)
        {
            return null;
        }

        if (kind == IdentityKind.Human)
        {
            throw MandateException.Invalid("parent", "only non-human identities have a creating parent");
        }

        var found = await store.Identities.GetAsync(InputRules.RequireId(parent, "parent"), cancellationToken)
            ?? throw MandateException.Invalid("parent", $"parent `{parent}` does not exist");
        return found.Status == IdentityStatus.Deactivated
            ? throw MandateException.Invalid("parent", $"parent `{parent}` is deactivated")
            : found.Id;
    }

    private static string IdPrefix(IdentityKind kind) => kind switch
    {
        IdentityKind.Human => "usr",
        IdentityKind.Agent => "agt",
        IdentityKind.ServiceAccount => "svc",
        _ => "wkl",
    };

    private static string Article(IdentityKind kind) => kind == IdentityKind.Agent ? "an" : "a";

    internal static string KindWord(IdentityKind kind) => kind switch
    {
        IdentityKind.ServiceAccount => "service account",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
