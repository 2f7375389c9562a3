using Mandate.Tokens;
using Mandate.Tokens.Dpop;
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

    private static async Task<IResult> TokenAsync(
        HttpContext http, TokenEndpoint endpoint, TokenServiceOptions options, DpopNonces nonces, ITokenEvents events, CancellationToken ct)
    {
        var source = OAuthRequests.Context(http, null);

        // Requests refused before the engine sees them are refusals too, and recorded as such.
        IResult Refuse(OAuthError error)
        {
            events.Refused(error, null, source);
            return OAuthRequests.Error(http, error, OAuthRequests.BasicScheme);
        }

        var (form, formError) = await OAuthRequests.ReadFormAsync(http, "token", ct);
        if (formError is not null)
        {
            return Refuse(formError);
        }

        if (!OAuthRequests.TryReadBasic(http, out var basic))
        {
            return Refuse(OAuthError.InvalidClient("the Basic credentials are malformed"));
        }

        if (options.DpopNonceRequired)
        {
            http.Response.Headers[DpopHttp.NonceHeader] = nonces.Current();
        }

        var dpop = http.Request.Headers[DpopHttp.ProofHeader];
        if (dpop.Count > 1)
        {
            return Refuse(OAuthError.InvalidDpopProof("send at most one `DPoP` header"));
        }

        var result = await endpoint.HandleAsync(form!, source with
        {
            BasicCredentials = basic,
            DpopProof = dpop.Count == 1 ? dpop.ToString() : null,
            RequestUrl = DpopHeaders.RequestUrl(http),
        }, ct);
        if (result.Error is { } error)
        {
            return OAuthRequests.Error(http, error, OAuthRequests.BasicScheme);
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
