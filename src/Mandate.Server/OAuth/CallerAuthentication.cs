using Mandate.Server.Security;
using Mandate.Tokens;
using Mandate.Tokens.Clients;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.OAuth;

/// <summary>
/// Who calls the revocation and introspection endpoints: an admin or an identity by bearer token (already
/// authenticated by the bearer handler), or a client by the token endpoint's client authentication methods.
/// </summary>
internal static class CallerAuthentication
{
    public static async Task<(Caller? Caller, OAuthError? Error)> AuthenticateAsync(
        HttpContext http, IReadOnlyDictionary<string, string[]> form, ClientAuthenticator clients, CancellationToken ct)
    {
        if (!OAuthRequests.TryReadBasic(http, out var basic))
        {
            return (null, OAuthError.InvalidClient("the Basic credentials are malformed"));
        }

        if (ClientAuthenticator.HasCredentials(form, basic))
        {
            var authentication = await clients.AuthenticateAsync(form, basic, ct);
            return authentication.Error is { } error ? (null, error) : (new Caller(authentication.Client!.ClientId, IsAdmin: false), null);
        }

        var user = http.User;
        if (user.Identity?.IsAuthenticated == true && user.FindFirst(MandateClaims.Subject)?.Value is { } subject)
        {
            return user.IsInRole(MandateClaims.AdminRole)
                ? (new Caller(MandateClaims.AdminActorId, IsAdmin: true), null)
                : (new Caller(user.FindFirst(MandateClaims.ClientId)?.Value ?? subject, IsAdmin: false), null);
        }

        return (null, OAuthError.InvalidClient(
            "authenticate with client authentication (`client_assertion`, `client_secret` or HTTP Basic) or `Authorization: Bearer` with an admin or access token"));
    }
}

/// <summary>An authenticated caller of an OAuth endpoint.</summary>
/// <param name="Id">The client id, or <c>admin</c>.</param>
/// <param name="IsAdmin">Whether the caller used the admin token.</param>
internal sealed record Caller(string Id, bool IsAdmin);
