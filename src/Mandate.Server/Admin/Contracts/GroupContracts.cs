using Mandate.Core.Groups;

namespace Mandate.Server.Admin.Contracts;

/// <summary>Body of <c>POST /v1/groups</c>.</summary>
public sealed record CreateGroupRequest(string Id, string DisplayName, GroupKind Kind = GroupKind.Group, string? Description = null, string? Owner = null);

/// <summary>Body of <c>PATCH /v1/groups/{id}</c>.</summary>
public sealed record UpdateGroupRequest(string? DisplayName = null, string? Description = null, long? Version = null);
