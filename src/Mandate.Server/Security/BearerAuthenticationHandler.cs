using System.Security.Claims;
using System.Text.Encodings.Web;
using Mandate.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Mandate.Server.Security;

/// <summary>
/// Authenticates <c>Authorization: Bearer</c> callers: the bootstrap admin token, or a Mandate access token.
/// Challenges and refusals answer with problem details and an RFC 6750 <c>WWW-Authenticate</c> header.
/// </summary>
internal sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AdminCredential admin,
    AccessTokenAuthenticator accessTokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string ErrorItem = "mandate.auth_error";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return Fail("the Authorization header must be `Bearer <token>`");
        }

        var token = header[7..].Trim();

        // Agents present the same access token call after call: answer those from the validator's memory before
        // hashing the token for the admin check (an admin token never verifies as an access token).
        var result = accessTokens.Authenticate(token, rememberedOnly: true);
        if (result.Claims is { } known)
        {
            return Authenticated(result, known);
        }

        if (admin.Matches(token))
        {
            return Success(new Claim(MandateClaims.Subject, MandateClaims.AdminActorId), new Claim(MandateClaims.Role, MandateClaims.AdminRole));
        }

        result = accessTokens.Authenticate(token);
        return result.Claims is { } claims ? Authenticated(result, claims) : Fail(result.Error!);
    }

    // The validated token travels with the request, for callers that need its chain or details (delegation, decisions).
    private Task<AuthenticateResult> Authenticated(AuthenticationOutcome outcome, IReadOnlyList<Claim> claims)
    {
        Context.Items[MandateClaims.AccessTokenItem] = outcome.Token;
        return Success([.. claims, new Claim(MandateClaims.Role, MandateClaims.IdentityRole)]);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var reason = Context.Items[ErrorItem] as string;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers[HeaderNames.WWWAuthenticate] = reason is null
            ? "Bearer realm=\"mandate\""
            : $"Bearer realm=\"mandate\", error=\"invalid_token\", error_description=\"{reason.Replace('"', '\'')}\"";
        await Results.Problem(Problems.Create(401, "unauthenticated",
            reason ?? "send `Authorization: Bearer <token>` with an admin token or a Mandate access token")).ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Results.Problem(Problems.Create(403, "forbidden", "this credential may not use this endpoint")).ExecuteAsync(Context);
    }

    private Task<AuthenticateResult> Success(params Claim[] claims)
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, MandateClaims.Scheme, MandateClaims.Subject, MandateClaims.Role));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, MandateClaims.Scheme)));
    }

    private Task<AuthenticateResult> Fail(string reason)
    {
        Context.Items[ErrorItem] = reason;
        return Task.FromResult(AuthenticateResult.Fail(reason));
    }
}
