using Mandate.Core.Errors;
using Mandate.Core.Identities;
using Mandate.Core.Registration;
using Mandate.Core.Storage;
using Mandate.Server.Admin.Contracts;
using Mandate.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Admin;

/// <summary><c>/v1/registration-tokens</c>: initial access tokens for RFC 7591 dynamic client registration.</summary>
internal static class RegistrationTokenEndpoints
{
    public static void MapRegistrationTokenEndpoints(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/registration-tokens").WithTags("Registration");
        group.MapPost("/", IssueAsync).WithName("IssueRegistrationToken");
        group.MapGet("/", async (IMandateStore store, int? limit, string? cursor, CancellationToken ct) =>
        {
            var page = await store.RegistrationTokens.ListAsync(Paging.From(limit, cursor), ct);
            return TypedResults.Ok(new PageResponse<RegistrationTokenResponse>([.. page.Items.Select(t => Describe(t, null))], page.NextCursor));
        }).WithName("ListRegistrationTokens");
        group.MapGet("/{id}", async (string id, RegistrationTokens tokens, CancellationToken ct) =>
            TypedResults.Ok(Describe(await tokens.GetAsync(id, ct), null))).WithName("GetRegistrationToken");
        group.MapPost("/{id}/revoke", async (string id, RegistrationTokens tokens, HttpContext http, CancellationToken ct) =>
            TypedResults.Ok(Describe(await tokens.RevokeAsync(id, http.Audit(), ct), null))).WithName("RevokeRegistrationToken");
    }

    private static async Task<IResult> IssueAsync(IssueRegistrationTokenRequest body, RegistrationTokens tokens, HttpContext http, CancellationToken ct)
    {
        var seconds = body.ExpiresIn ?? 86_400;
        if (seconds <= 0 || seconds > RegistrationTokens.MaxLifetime.TotalSeconds)
        {
            throw MandateException.Invalid("expires_in", $"expires_in must be 1 to {RegistrationTokens.MaxLifetime.TotalSeconds} seconds");
        }

        var (token, secret) = await tokens.IssueAsync(body.Owner, body.Kind ?? IdentityKind.Agent, body.MaxUses ?? 1,
            TimeSpan.FromSeconds(seconds), body.Description, http.Audit(), ct);
        return TypedResults.Created($"/v1/registration-tokens/{token.Id}", Describe(token, secret));
    }

    private static RegistrationTokenResponse Describe(RegistrationToken token, string? secret) => new(
        token.Id, token.Owner, token.Kind, token.MaxUses, token.Uses, token.CreatedAt, token.ExpiresAt, token.RevokedAt, token.Description, secret);
}

/// <summary>Body of <c>POST /v1/registration-tokens</c>.</summary>
/// <param name="Owner">The human who owns every identity registered with the token.</param>
/// <param name="Kind">The kind of identity registered: agent (default), service_account or workload.</param>
/// <param name="MaxUses">How many registrations it allows (default 1).</param>
/// <param name="ExpiresIn">Seconds until it expires (default 86,400).</param>
/// <param name="Description">Note.</param>
public sealed record IssueRegistrationTokenRequest(string Owner, IdentityKind? Kind = null, int? MaxUses = null, long? ExpiresIn = null, string? Description = null);

/// <summary>A registration token as shown to admins; <c>token</c> only once, when issued.</summary>
public sealed record RegistrationTokenResponse(
    string Id, string Owner, IdentityKind Kind, int MaxUses, int Uses, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt = null,
    string? Description = null, string? Token = null);
