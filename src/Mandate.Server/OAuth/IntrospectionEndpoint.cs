using Mandate.Tokens;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.OAuth;

/// <summary>
/// RFC 7662 token introspection for authenticated callers (the admin token, a Mandate access token of a resource
/// server as <c>Bearer</c> or <c>DPoP</c>, or a client by client authentication, which OAuth client libraries send).
/// The answer comes from <see cref="TokenIntrospector"/>: a token is active only while it validates and stands in the
/// revocation set, so revocation and the kill switch show at once.
/// </summary>
internal static class IntrospectionEndpoint
{
    public static void MapIntrospectionEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPost("/oauth2/introspect", IntrospectAsync)
            .AllowAnonymous()
            .WithTags("OAuth")
            .DisableAntiforgery();

    private static async Task<IResult> IntrospectAsync(HttpContext http, TokenIntrospector introspector, ClientAuthenticator clients, CancellationToken ct)
    {
        var (read, formError) = await OAuthRequests.ReadFormAsync(http, "introspection", ct);
        if (formError is not null)
        {
            return OAuthRequests.Error(formError);
        }

        var form = read!;

        var (_, callerError) = await CallerAuthentication.AuthenticateAsync(http, form, clients, ct);
        if (callerError is not null)
        {
            return OAuthRequests.Error(http, callerError, OAuthRequests.BearerScheme);
        }

        return form.TryGetValue("token", out var values) && values is [{ Length: > 0 } token]
            ? TypedResults.Json(introspector.Introspect(token))
            : OAuthRequests.Error(OAuthError.InvalidRequest("`token` is required, once"));
    }
}
