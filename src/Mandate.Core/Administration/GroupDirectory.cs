using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Core.Groups;
using Mandate.Core.Storage;

namespace Mandate.Core.Administration;

/// <summary>Creates groups and roles and manages membership edges, recording each change as an event.</summary>
public sealed class GroupDirectory(IMandateStore store, IEventSink events, TimeProvider time)
{
    /// <summary>Creates a group or role.</summary>
    public async Task<Group> CreateAsync(string id, GroupKind kind, string displayName, string? description, string? owner, AuditContext audit, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (owner is not null && await store.Identities.GetAsync(InputRules.RequireId(owner, "owner"), cancellationToken) is null)
        {
            throw MandateException.Invalid("owner", $"owner `{owner}` does not exist");
        }

        var group = await store.Groups.CreateAsync(new Group
        {
            Id = InputRules.RequireId(id, "id"),
            Kind = kind,
            DisplayName = InputRules.RequireText(displayName, "display_name", InputRules.MaxDisplayName),
            Description = InputRules.OptionalText(description, "description", InputRules.MaxDescription),
            Owner = owner,
            CreatedAt = now,
            UpdatedAt = now,
        }, cancellationToken);
        events.Emit(audit.ToEvent(now, EventCategory.EntityManagement, "group.created", EventOutcome.Success, kind.ToString(), group.Id));
        return group;
    }

    /// <summary>Changes a group's descriptive fields; null members are left as they are.</summary>
    public async Task<Group> UpdateAsync(string id, string? displayName, string? description, long? version, AuditContext audit, CancellationToken cancellationToken = default)
    {
        var current = await store.Groups.GetAsync(id, cancellationToken) ?? throw MandateException.NotFound("group", id);
        if (version is { } expected && expected != current.Version)
        {
            throw new MandateException(ErrorCode.VersionConflict, $"group `{id}` is at version {current.Version}, not {expected}; read it again and retry");
        }

        var now = time.GetUtcNow();
        var stored = await store.Groups.UpdateAsync(current with
        {
            DisplayName = displayName is null ? current.DisplayName : InputRules.RequireText(displayName, "display_name", InputRules.MaxDisplayName),
            Description = description is null ? current.Description : InputRules.OptionalText(description, "description", InputRules.MaxDescription),
            UpdatedAt = now,
        }, cancellationToken);
        events.Emit(audit.ToEvent(now, EventCategory.EntityManagement, "group.updated", EventOutcome.Success, stored.Kind.ToString(), stored.Id));
        return stored;
    }

    /// <summary>Deletes a group and its edges.</summary>
    public async Task DeleteAsync(string id, AuditContext audit, CancellationToken cancellationToken = default)
    {
        if (!await store.Groups.DeleteAsync(id, cancellationToken))
        {
            throw MandateException.NotFound("group", id);
        }

        events.Emit(audit.ToEvent(time.GetUtcNow(), EventCategory.EntityManagement, "group.deleted", EventOutcome.Success, "Group", id));
    }

    /// <summary>Adds an identity, or a nested group, to a group; true when the edge is new.</summary>
    public async Task<bool> AddMemberAsync(string groupId, string memberId, bool memberIsGroup, AuditContext audit, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var added = await store.Groups.AddMemberAsync(
            new Membership(groupId, InputRules.RequireId(memberId, "member"), memberIsGroup, now), cancellationToken);
        if (added)
        {
            events.Emit(audit.ToEvent(now, EventCategory.EntityManagement, "group.member_added", EventOutcome.Success, "Group", groupId,
                $"`{memberId}` added to `{groupId}`"));
        }

        return added;
    }

    /// <summary>Removes a member from a group.</summary>
    public async Task RemoveMemberAsync(string groupId, string memberId, AuditContext audit, CancellationToken cancellationToken = default)
    {
        if (!await store.Groups.RemoveMemberAsync(groupId, memberId, cancellationToken))
        {
            throw new MandateException(ErrorCode.NotFound, $"`{memberId}` is not a member of group `{groupId}`");
        }

        events.Emit(audit.ToEvent(time.GetUtcNow(), EventCategory.EntityManagement, "group.member_removed", EventOutcome.Success, "Group", groupId,
            $"`{memberId}` removed from `{groupId}`"));
    }
}
