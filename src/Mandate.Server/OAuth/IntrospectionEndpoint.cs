using Mandate.Authorization;
using Mandate.Tokens;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.OAuth;

/// <summary>
/// RFC 7662 token introspection for authenticated callers: the admin token or a Mandate access token (as
/// <c>Bearer</c> or <c>DPoP</c>), or client authentication in the form as at the token endpoint (what OAuth client
/// libraries send). A token is active only while it validates and its identity is active, so the kill switch shows
/// here at once. Any doubt answers <c>{"active": false}</c>.
/// </summary>
internal static class IntrospectionEndpoint
{
    public static void MapIntrospectionEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPost("/oauth2/introspect", IntrospectAsync)
            .AllowAnonymous()
            .WithTags("OAuth")
            .DisableAntiforgery();

    private static async Task<IResult> IntrospectAsync(
        HttpContext http, AccessTokenValidator validator, ClientAuthenticator clients, SnapshotSource snapshots, TimeProvider time, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        var (form, formError) = await OAuthEndpoints.ReadFormAsync(http, "introspection", ct);
        if (formError is not null)
        {
            return OAuthEndpoints.Error(formError);
        }

        if (http.User.Identity?.IsAuthenticated != true)
        {
            var refusal = await AuthenticateClientAsync(http, form, clients, ct);
            if (refusal is not null)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer realm=\"mandate\"";
                return OAuthEndpoints.Error(refusal);
            }
        }

        if (!form.TryGetValue("token", out var tokens) || tokens is not [{ Length: > 0 } token])
        {
            return OAuthEndpoints.Error(OAuthError.InvalidRequest("`token` is required, once"));
        }

        var result = validator.ValidateAnyAudience(token);
        if (result.Token is not { } valid
            || !snapshots.Current.Identities.TryGetValue(valid.Subject, out var identity)
            || !identity.IsEffective(time.GetUtcNow()))
        {
            return TypedResults.Json(new Dictionary<string, object> { ["active"] = false });
        }

        var response = new Dictionary<string, object>
        {
            ["active"] = true,
            ["token_type"] = valid.KeyThumbprint is null ? "Bearer" : "DPoP",
            ["sub"] = valid.Subject,
            ["client_id"] = valid.ClientId,
            ["jti"] = valid.TokenId,
            ["exp"] = valid.ExpiresAt.ToUnixTimeSeconds(),
            ["iat"] = valid.IssuedAt.ToUnixTimeSeconds(),
            ["aud"] = valid.Audiences.Count == 1 ? valid.Audiences[0] : valid.Audiences,
        };
        if (valid.KeyThumbprint is { } jkt)
        {
            response["cnf"] = new Dictionary<string, string> { ["jkt"] = jkt };
        }

        if (valid.Scopes.Count > 0)
        {
            response["scope"] = string.Join(' ', valid.Scopes);
        }

        return TypedResults.Json(response);
    }

    /// <summary>Null when the caller authenticated as a client; otherwise why not.</summary>
    private static async Task<OAuthError?> AuthenticateClientAsync(HttpContext http, Dictionary<string, string[]> form, ClientAuthenticator clients, CancellationToken ct)
    {
        if (!OAuthEndpoints.TryReadBasic(http, out var basic))
        {
            return OAuthError.InvalidClient("the Basic credentials are malformed");
        }

        if (!ClientAuthenticator.HasCredentials(form, basic))
        {
            return OAuthError.InvalidClient("authenticate: `Authorization: Bearer` with an admin or access token, or client authentication as at the token endpoint");
        }

        var authentication = await clients.AuthenticateAsync(form, basic, ct);
        return authentication.Error;
    }
}
