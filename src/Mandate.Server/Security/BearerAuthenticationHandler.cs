using System.Text.Encodings.Web;
using Mandate.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mandate.Server.Security;

/// <summary>
/// The framework's face of <see cref="BearerAuthentication"/>: authenticates callers by <c>Authorization: Bearer</c> or
/// <c>Authorization: DPoP</c>. Challenges and refusals answer with problem details and an RFC 6750 / RFC 9449
/// <c>WWW-Authenticate</c> header.
/// </summary>
internal sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    BearerAuthentication bearer)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string ErrorItem = "mandate.auth_error";
    private const string ErrorCodeItem = "mandate.auth_error_code";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var outcome = bearer.Authenticate(Context);
        if (outcome.Principal is { } principal)
        {
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, MandateClaims.Scheme)));
        }

        if (outcome.Error is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        Context.Items[ErrorItem] = outcome.Error;
        Context.Items[ErrorCodeItem] = outcome.ErrorCode;
        return Task.FromResult(AuthenticateResult.Fail(outcome.Error));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        BearerAuthentication.ChallengeAsync(Context, Context.Items[ErrorItem] as string, Context.Items[ErrorCodeItem] as string);

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Results.Problem(Problems.Create(403, "forbidden", "this credential may not use this endpoint")).ExecuteAsync(Context);
    }
}
