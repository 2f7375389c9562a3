using Mandate.Core.Groups;

namespace Mandate.Core.Storage;

/// <summary>Stored groups, roles and membership edges.</summary>
public interface IGroupStore
{
    /// <summary>Creates a group or role.</summary>
    /// <exception cref="Errors.MandateException"><c>conflict</c> when the id exists.</exception>
    Task<Group> CreateAsync(Group group, CancellationToken cancellationToken = default);

    /// <summary>Reads one group, or null.</summary>
    Task<Group?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists groups, optionally of one kind, in id order.</summary>
    Task<Page<Group>> ListAsync(GroupKind? kind, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Replaces a group whose stored version equals <c>group.Version</c>.</summary>
    /// <exception cref="Errors.MandateException"><c>not_found</c> or <c>version_conflict</c>.</exception>
    Task<Group> UpdateAsync(Group group, CancellationToken cancellationToken = default);

    /// <summary>Deletes a group and every edge to or from it; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Adds a membership edge; false when it already existed.</summary>
    /// <exception cref="Errors.MandateException"><c>not_found</c> when the group or member does not exist; <c>conflict</c> when the edge would make a cycle.</exception>
    Task<bool> AddMemberAsync(Membership membership, CancellationToken cancellationToken = default);

    /// <summary>Removes a membership edge; false when it did not exist.</summary>
    Task<bool> RemoveMemberAsync(string groupId, string memberId, CancellationToken cancellationToken = default);

    /// <summary>Lists the direct members of a group in member id order.</summary>
    Task<Page<Membership>> ListMembersAsync(string groupId, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>The groups a member (identity or group) directly belongs to.</summary>
    Task<IReadOnlyList<Membership>> ListMembershipsAsync(string memberId, CancellationToken cancellationToken = default);

    /// <summary>Streams every group, for building snapshots.</summary>
    IAsyncEnumerable<Group> ScanAsync(CancellationToken cancellationToken = default);

    /// <summary>Streams every membership edge, for building snapshots.</summary>
    IAsyncEnumerable<Membership> ScanMembershipsAsync(CancellationToken cancellationToken = default);
}
