namespace Mandate.Core.Groups;

/// <summary>An edge: <paramref name="MemberId"/> (an identity or a group) belongs to group <paramref name="GroupId"/>.</summary>
/// <param name="GroupId">The containing group or role.</param>
/// <param name="MemberId">The member identity id, or a nested group id when <paramref name="MemberIsGroup"/>.</param>
/// <param name="MemberIsGroup">Whether the member is itself a group.</param>
/// <param name="CreatedAt">When the edge was added.</param>
public sealed record Membership(string GroupId, string MemberId, bool MemberIsGroup, DateTimeOffset CreatedAt);
