using System.Text.Json;
using Mandate.Server.Hosting;
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
    private const int MaxFormBytes = 64 * 1024;

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
        HttpContext http, TokenEndpoint endpoint, TokenServiceOptions options, Tokens.Dpop.DpopNonces nonces, ITokenEvents events, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        var source = new TokenRequestContext(
            http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null, http.RequestId());

        // Requests refused before the engine sees them are refusals too, and recorded as such.
        IResult Refuse(OAuthError error)
        {
            events.Refused(error, null, source);
            if (error.Status == StatusCodes.Status401Unauthorized)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer realm=\"mandate\"";
            }

            return Error(error);
        }

        var (form, formError) = await ReadFormAsync(http, "token", ct);
        if (formError is not null)
        {
            return Refuse(formError);
        }

        if (!TryReadBasic(http, out var basic))
        {
            return Refuse(OAuthError.InvalidClient("the Basic credentials are malformed"));
        }

        if (options.DpopNonceRequired)
        {
            http.Response.Headers[DpopHeaders.Nonce] = nonces.Current();
        }

        var dpop = http.Request.Headers[DpopHeaders.Proof];
        if (dpop.Count > 1)
        {
            return Refuse(OAuthError.InvalidDpopProof("send at most one `DPoP` header"));
        }

        var result = await endpoint.HandleAsync(form, source with
        {
            BasicCredentials = basic,
            DpopProof = dpop.Count == 1 ? dpop.ToString() : null,
            RequestUrl = DpopHeaders.RequestUrl(http),
        }, ct);
        if (result.Error is { } error)
        {
            if (error.Status == StatusCodes.Status401Unauthorized)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer realm=\"mandate\"";
            }

            return Error(error);
        }

        var token = result.Token!;
        var response = new Dictionary<string, object>
        {
            ["access_token"] = token.AccessToken,
            ["token_type"] = token.TokenType,
            ["expires_in"] = result.ExpiresIn,
        };
        if (token.Scope is not null)
        {
            response["scope"] = token.Scope;
        }

        return TypedResults.Json(response);
    }

    /// <summary>
    /// Reads an <c>application/x-www-form-urlencoded</c> body within limits, as every OAuth endpoint takes it (RFC 6749
    /// section 3.2); anything else is an <c>invalid_request</c>, never an exception.
    /// </summary>
    internal static async Task<(Dictionary<string, string[]> Form, OAuthError? Error)> ReadFormAsync(HttpContext http, string what, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType || http.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
        {
            return ([], OAuthError.InvalidRequest($"send the {what} request as `application/x-www-form-urlencoded`"));
        }

        if (http.Request.ContentLength is > MaxFormBytes)
        {
            return ([], OAuthError.InvalidRequest($"the {what} request is too large"));
        }

        try
        {
            var read = await http.Request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { ValueLengthLimit = MaxFormBytes, ValueCountLimit = 64 }, ct);
            return (read.ToDictionary(f => f.Key, f => f.Value.Select(v => v ?? string.Empty).ToArray(), StringComparer.Ordinal), null);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return ([], OAuthError.InvalidRequest($"the {what} request body is not a valid form"));
        }
    }

    /// <summary>RFC 6749 section 2.3.1: <c>base64(urlencode(id) ":" urlencode(secret))</c>; false when present but malformed.</summary>
    internal static bool TryReadBasic(HttpContext http, out BasicCredentials? credentials)
    {
        credentials = null;
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        try
        {
            var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return false;
            }

            credentials = new BasicCredentials(Uri.UnescapeDataString(decoded[..colon].Replace('+', ' ')), Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' ')));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    internal static IResult Error(OAuthError error) =>
        TypedResults.Json(new Dictionary<string, string> { ["error"] = error.Error, ["error_description"] = error.Description }, (JsonSerializerOptions?)null, statusCode: error.Status);
}
