using Mandate.Tokens;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Revocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.OAuth;

/// <summary>
/// RFC 7009 token revocation at <c>/oauth2/revoke</c>. The caller is the token's own client or an admin. Revoking a
/// token revokes everything exchanged from it at once. A token that is unknown, expired or already inactive
/// answers 200 like a revoked one (RFC 7009 section 2.2); a token of another client is refused.
/// </summary>
internal static class RevocationEndpoint
{
    public static void MapRevocationEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPost("/oauth2/revoke", RevokeAsync).AllowAnonymous().WithTags("OAuth").DisableAntiforgery();

    private static async Task<IResult> RevokeAsync(HttpContext http, TokenRevoker revoker, ClientAuthenticator clients, CancellationToken ct)
    {
        var (read, formError) = await OAuthRequests.ReadFormAsync(http, "revocation", ct);
        if (formError is not null)
        {
            return OAuthRequests.Error(formError);
        }

        var form = read!;

        if (form.Any(f => f.Value.Length > 1))
        {
            return OAuthRequests.Error(OAuthError.InvalidRequest($"parameter `{form.First(f => f.Value.Length > 1).Key}` is repeated"));
        }

        // Authenticate before looking at the token, so an unauthenticated caller learns nothing about it.
        var (caller, callerError) = await CallerAuthentication.AuthenticateAsync(http, form, clients, ct);
        if (callerError is not null)
        {
            return OAuthRequests.Error(http, callerError, OAuthRequests.BearerScheme);
        }

        if (OAuthForm.Single(form, "token") is not { } token)
        {
            return OAuthRequests.Error(OAuthError.InvalidRequest("`token` is required"));
        }

        // token_type_hint is only a hint (RFC 7009 section 2.1): access tokens are the only kind there is to find.
        var refusal = await revoker.RevokeAsync(token, caller!.Id, caller.IsAdmin, OAuthRequests.Context(http, null), ct);
        return refusal is null ? TypedResults.Ok() : OAuthRequests.Error(refusal);
    }
}
