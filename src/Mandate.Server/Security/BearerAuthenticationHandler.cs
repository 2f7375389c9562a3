using System.Security.Claims;
using System.Text.Encodings.Web;
using Mandate.Server.Hosting;
using Mandate.Server.OAuth;
using Mandate.Tokens;
using Mandate.Tokens.Jose;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Mandate.Server.Security;

/// <summary>
/// Authenticates callers by <c>Authorization: Bearer</c> (the bootstrap admin token, or a Mandate access token) or
/// <c>Authorization: DPoP</c> (a DPoP-bound access token with its proof). Challenges and refusals answer with
/// problem details and an RFC 6750 / RFC 9449 <c>WWW-Authenticate</c> header.
/// </summary>
internal sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AdminCredential admin,
    AccessTokenAuthenticator accessTokens,
    TokenServiceOptions tokenOptions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string ErrorItem = "mandate.auth_error";
    private const string ErrorCodeItem = "mandate.auth_error_code";
    private static readonly string DpopAlgorithms = string.Join(' ', JwsAlgorithms.External);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var isDpop = header.StartsWith(DpopHeaders.Scheme + " ", StringComparison.OrdinalIgnoreCase);
        if ((!isDpop && !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) || header.Length <= 7)
        {
            return Fail("the Authorization header must be `Bearer <token>` or `DPoP <token>`", "invalid_request");
        }

        var token = header[(isDpop ? 5 : 7)..].Trim();
        if (!isDpop)
        {
            // Agents present the same access token call after call: answer those from the validator's memory before
            // hashing the token for the admin check (an admin token never verifies as an access token).
            var known = accessTokens.Authenticate(token, null, rememberedOnly: true);
            if (known.Claims is { } claimsKnown)
            {
                return Authenticated(known, claimsKnown);
            }
        }

        if (!isDpop && admin.Matches(token))
        {
            return Success(new Claim(MandateClaims.Subject, MandateClaims.AdminActorId), new Claim(MandateClaims.Role, MandateClaims.AdminRole));
        }

        DpopPresentation? presentation = null;
        if (isDpop)
        {
            var proof = Request.Headers[DpopHeaders.Proof];
            if (proof.Count != 1 || string.IsNullOrEmpty(proof[0]))
            {
                return Fail("send exactly one `DPoP` proof header with `Authorization: DPoP`", "invalid_dpop_proof");
            }

            presentation = new DpopPresentation(proof[0]!, Request.Method,
                [DpopHeaders.IssuerUrl(tokenOptions.Issuer, Context), DpopHeaders.RequestUrl(Context)]);
        }

        var result = accessTokens.Authenticate(token, presentation);
        return result.Claims is { } claims ? Authenticated(result, claims) : Fail(result.Error!, result.ErrorCode!);
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
        var code = Context.Items[ErrorCodeItem] as string ?? "invalid_token";
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        var error = reason is null ? string.Empty : $", error=\"{code}\", error_description=\"{reason.Replace('"', '\'')}\"";
        // Both schemes are offered; the error goes with the scheme it concerns.
        Response.Headers[HeaderNames.WWWAuthenticate] = code is "invalid_dpop_proof" or "use_dpop_nonce"
            ? new[] { $"DPoP algs=\"{DpopAlgorithms}\"{error}", "Bearer realm=\"mandate\"" }
            : new[] { $"Bearer realm=\"mandate\"{error}", $"DPoP algs=\"{DpopAlgorithms}\"" };
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

    private Task<AuthenticateResult> Fail(string reason, string code)
    {
        Context.Items[ErrorItem] = reason;
        Context.Items[ErrorCodeItem] = code;
        return Task.FromResult(AuthenticateResult.Fail(reason));
    }
}
