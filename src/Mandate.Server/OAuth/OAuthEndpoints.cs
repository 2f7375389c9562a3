using Mandate.Tokens;
using Mandate.Tokens.Issuance;
using Mandate.Tokens.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.OAuth;

/// <summary>The token service on the wire: RFC 8414 metadata, the JWKS, and the token endpoint (RFC 6749 errors).</summary>
internal static class OAuthEndpoints
{
    public static void MapOAuthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/oauth-authorization-server", (TokenServiceOptions options) =>
                TypedResults.Json(AuthorizationServerMetadata.Build(options)))
            .AllowAnonymous().WithTags("OAuth");
        app.MapGet("/oauth2/jwks", (SigningKeyRing keys, HttpContext http) =>
            {
                http.Response.Headers.CacheControl = "public, max-age=300";
                return TypedResults.Text(keys.JwksJson, "application/jwk-set+json");
            })
            .AllowAnonymous().WithTags("OAuth");
        app.MapPost("/oauth2/token", TokenAsync).AllowAnonymous().WithTags("OAuth").DisableAntiforgery();
    }

    private static async Task<IResult> TokenAsync(HttpContext http, TokenEndpoint endpoint, CancellationToken ct)
    {
        var (form, formError) = await OAuthRequests.ReadFormAsync(http, "token", ct);
        if (formError is not null)
        {
            return OAuthRequests.Error(formError);
        }

        if (!OAuthRequests.TryReadBasic(http, out var basic))
        {
            return OAuthRequests.Error(http, OAuthError.InvalidClient("the Basic credentials are malformed"));
        }

        var result = await endpoint.HandleAsync(form!, OAuthRequests.Context(http, basic), ct);
        if (result.Error is { } error)
        {
            return OAuthRequests.Error(http, error);
        }

        var token = result.Token!;
        var response = new Dictionary<string, object>
        {
            ["access_token"] = token.AccessToken,
            ["token_type"] = token.TokenType,
            ["expires_in"] = result.ExpiresIn,
        };
        if (token.Grant != "client_credentials")
        {
            response["issued_token_type"] = token.IssuedTokenType;
        }

        if (token.Scope is not null)
        {
            response["scope"] = token.Scope;
        }

        return TypedResults.Json(response);
    }
}
