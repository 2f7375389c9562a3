using Mandate.Authorization;
using Mandate.Authorization.ControlPlane;
using Mandate.Cedar.Values;
using Mandate.Core.Administration;
using Mandate.Core.Errors;
using Mandate.Core.Groups;
using Mandate.Core.Storage;
using Mandate.Server.Admin.Contracts;
using Mandate.Server.Hosting;
using Mandate.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Admin;

/// <summary><c>/v1/groups</c>: groups, roles and their members.</summary>
internal static class GroupEndpoints
{
    public static void MapGroupEndpoints(this RouteGroupBuilder v1)
    {
        var groups = v1.MapGroup("/groups").WithTags("Groups");
        groups.MapPost("/", CreateAsync).WithName("CreateGroup");
        groups.MapGet("/", ListAsync).WithName("ListGroups");
        groups.MapGet("/{id}", GetAsync).WithName("GetGroup");
        groups.MapPatch("/{id}", UpdateAsync).WithName("UpdateGroup");
        groups.MapDelete("/{id}", DeleteAsync).WithName("DeleteGroup");
        groups.MapGet("/{id}/members", ListMembersAsync).WithName("ListGroupMembers");
        groups.MapPut("/{id}/members/{memberId}", AddMemberAsync).WithName("AddGroupMember").WithMetadata(ControlPlaneEndpoint.Governed);
        groups.MapDelete("/{id}/members/{memberId}", RemoveMemberAsync).WithName("RemoveGroupMember");
    }

    private static async Task<IResult> CreateAsync(CreateGroupRequest body, GroupDirectory directory, HttpContext http, CancellationToken ct)
    {
        var group = await directory.CreateAsync(body.Id, body.Kind, body.DisplayName, body.Description, body.Owner, http.Audit(), ct);
        return TypedResults.Created($"/v1/groups/{Uri.EscapeDataString(group.Id)}", group);
    }

    private static async Task<IResult> ListAsync(IMandateStore store, string? kind, int? limit, string? cursor, CancellationToken ct)
    {
        var page = await store.Groups.ListAsync(WireEnum.Parse<GroupKind>(kind, "kind"), Paging.From(limit, cursor), ct);
        return TypedResults.Ok(new PageResponse<Group>(page.Items, page.NextCursor));
    }

    private static async Task<IResult> GetAsync(string id, IMandateStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.Groups.GetAsync(id, ct) ?? throw MandateException.NotFound("group", id));

    private static async Task<IResult> UpdateAsync(string id, UpdateGroupRequest body, GroupDirectory directory, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await directory.UpdateAsync(id, body.DisplayName, body.Description, body.Version, http.Audit(), ct));

    private static async Task<IResult> DeleteAsync(string id, GroupDirectory directory, HttpContext http, CancellationToken ct)
    {
        await directory.DeleteAsync(id, http.Audit(), ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ListMembersAsync(string id, IMandateStore store, int? limit, string? cursor, CancellationToken ct)
    {
        if (await store.Groups.GetAsync(id, ct) is null)
        {
            throw MandateException.NotFound("group", id);
        }

        var page = await store.Groups.ListMembersAsync(id, Paging.From(limit, cursor), ct);
        return TypedResults.Ok(new PageResponse<Membership>(page.Items, page.NextCursor));
    }

    /// <summary>Idempotent: 201 when the edge is new, 200 when it already existed. <c>?group=true</c> nests a group.</summary>
    private static async Task<IResult> AddMemberAsync(
        string id, string memberId, bool? group, GroupDirectory directory, IMandateStore store, ControlPlaneGuard guard, HttpContext http, CancellationToken ct)
    {
        if (ControlPlaneGuard.IsIdentityCaller(http))
        {
            var target = await store.Groups.GetAsync(id, ct) ?? throw MandateException.NotFound("group", id);
            var member = group == true
                ? EntityUid.Of(EntityGraph.TypeOf((await store.Groups.GetAsync(memberId, ct) ?? throw MandateException.NotFound("group", memberId)).Kind), memberId)
                : guard.Identity(memberId);
            guard.Require(http, ControlPlaneActions.Grant, EntityUid.Of(EntityGraph.TypeOf(target.Kind), target.Id),
                new Dictionary<string, CedarValue> { ["member"] = member });
        }

        var added = await directory.AddMemberAsync(id, memberId, group ?? false, http.Audit(), ct);
        return added ? TypedResults.Created($"/v1/groups/{Uri.EscapeDataString(id)}/members/{Uri.EscapeDataString(memberId)}") : TypedResults.Ok();
    }

    private static async Task<IResult> RemoveMemberAsync(string id, string memberId, GroupDirectory directory, HttpContext http, CancellationToken ct)
    {
        await directory.RemoveMemberAsync(id, memberId, http.Audit(), ct);
        return TypedResults.NoContent();
    }
}
