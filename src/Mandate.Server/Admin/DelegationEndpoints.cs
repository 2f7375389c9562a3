using Mandate.Core.Errors;
using Mandate.Core.Storage;
using Mandate.Server.Admin.Contracts;
using Mandate.Server.Hosting;
using Mandate.Server.OAuth;
using Mandate.Tokens.Revocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Admin;

/// <summary>
/// <c>/v1/delegations</c>: read the delegation graph by token id and revoke a delegation (its token and everything
/// exchanged from it) without holding the token.
/// </summary>
internal static class DelegationEndpoints
{
    private const int MaxReason = 2000;

    public static void MapDelegationEndpoints(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/delegations").WithTags("Delegations");
        group.MapGet("/{tokenId}", GetAsync).WithName("GetDelegation");
        group.MapGet("/{tokenId}/children", ListChildrenAsync).WithName("ListDelegationChildren");
        group.MapPost("/{tokenId}/revoke", RevokeAsync).WithName("RevokeDelegation");
    }

    private static async Task<IResult> GetAsync(string tokenId, IMandateStore store, RevocationSet revocations, CancellationToken ct)
    {
        var node = await store.Delegations.GetAsync(tokenId, ct) ?? throw MandateException.NotFound("delegation", tokenId);
        var revoked = revocations.IsRevoked(tokenId);
        var standing = revocations.Check(new TokenLineage(node.TokenId, node.SubjectId, node.ClientId, node.Actors, null));
        return TypedResults.Ok(new DelegationResponse(node, revoked, standing));
    }

    private static async Task<IResult> ListChildrenAsync(string tokenId, IMandateStore store, int? limit, string? cursor, CancellationToken ct)
    {
        if (await store.Delegations.GetAsync(tokenId, ct) is null)
        {
            throw MandateException.NotFound("delegation", tokenId);
        }

        var page = await store.Delegations.ListChildrenAsync(tokenId, Paging.From(limit, cursor), ct);
        return TypedResults.Ok(new PageResponse<Core.Delegations.DelegationNode>(page.Items, page.NextCursor));
    }

    private static async Task<IResult> RevokeAsync(string tokenId, StatusChangeRequest? body, TokenRevoker revoker, HttpContext http, CancellationToken ct)
    {
        if (tokenId.Length > 128 || tokenId.Any(char.IsControl))
        {
            throw MandateException.Invalid("token_id", "the token id must be a token's `jti`: at most 128 characters without control characters");
        }

        if (body?.Reason is { } reason && (reason.Length > MaxReason || reason.Any(char.IsControl)))
        {
            throw MandateException.Invalid("reason", $"reason must be at most {MaxReason} characters without control characters");
        }

        var revoked = await revoker.RevokeByIdAsync(tokenId, http.Audit().ActorId, body?.Reason, OAuthRequests.Context(http, null), ct);
        return TypedResults.Ok(new TokenRevocationResponse(tokenId, revoked));
    }
}
