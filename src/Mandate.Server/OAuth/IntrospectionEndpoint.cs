using Mandate.Authorization;
using Mandate.Server.Security;
using Mandate.Tokens.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.OAuth;

/// <summary>
/// RFC 7662 token introspection for authenticated callers (the admin token, or a Mandate access token of a
/// resource server). A token is active only while it validates and its identity is active, so the kill
/// switch shows here at once. Any doubt answers <c>{"active": false}</c>.
/// </summary>
internal static class IntrospectionEndpoint
{
    public static void MapIntrospectionEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPost("/oauth2/introspect", IntrospectAsync)
            .RequireAuthorization(MandateClaims.CallerPolicy)
            .WithTags("OAuth")
            .DisableAntiforgery();

    private static async Task<IResult> IntrospectAsync(HttpContext http, AccessTokenValidator validator, SnapshotSource snapshots, TimeProvider time)
    {
        http.Response.Headers.CacheControl = "no-store";
        if (!http.Request.HasFormContentType)
        {
            return OAuthEndpoints.Error(Tokens.OAuthError.InvalidRequest("send the introspection request as `application/x-www-form-urlencoded`"));
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (form["token"] is not [{ Length: > 0 } token])
        {
            return OAuthEndpoints.Error(Tokens.OAuthError.InvalidRequest("`token` is required, once"));
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
}
