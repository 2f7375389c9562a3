using System.Security.Claims;
using Mandate.Server.Hosting;
using Mandate.Server.OAuth;
using Mandate.Tokens;
using Mandate.Tokens.Dpop;
using Mandate.Tokens.Validation;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Mandate.Server.Security;

/// <summary>
/// Who is calling, from <c>Authorization: Bearer</c> (the bootstrap admin token, or a Mandate access token) or
/// <c>Authorization: DPoP</c> (a DPoP-bound access token with its proof): the rules of the authentication handler, and
/// of the decision endpoints' direct path (<c>CallerFastPath</c>), which skips the framework's middleware but not these.
/// </summary>
internal sealed class BearerAuthentication(AdminCredential admin, AccessTokenAuthenticator accessTokens, TokenServiceOptions tokenOptions)
{
    /// <summary>Authenticates the request: a principal, no credential at all, or why the credential was refused.</summary>
    public BearerOutcome Authenticate(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return default;
        }

        if (!AuthorizationHeader.TryParse(header, out var isDpop, out var tokenStart))
        {
            return BearerOutcome.Refused("the Authorization header must be `Bearer <token>` or `DPoP <token>`", "invalid_request");
        }

        var connection = isDpop ? null : ConnectionMemory.Of(context);
        var token = connection?.Token(header, tokenStart) ?? AuthorizationHeader.Token(header, tokenStart);
        if (!isDpop)
        {
            // Agents present the same access token call after call: answer those from the validator's memory before
            // hashing the token for the admin check (an admin token never verifies as an access token).
            if (accessTokens.Authenticate(token, null, rememberedOnly: true).Token is { } known)
            {
                return Authenticated(context, known, connection);
            }
        }

        if (!isDpop && admin.Matches(token))
        {
            return new BearerOutcome(Principal(new Claim(MandateClaims.Subject, MandateClaims.AdminActorId), new Claim(MandateClaims.Role, MandateClaims.AdminRole)), null, null);
        }

        DpopPresentation? presentation = null;
        if (isDpop)
        {
            var proof = context.Request.Headers[DpopHttp.ProofHeader];
            if (proof.Count != 1 || string.IsNullOrEmpty(proof[0]))
            {
                return BearerOutcome.Refused("send exactly one `DPoP` proof header with `Authorization: DPoP`", "invalid_dpop_proof");
            }

            presentation = new DpopPresentation(proof[0]!, context.Request.Method,
                [DpopHeaders.IssuerUrl(tokenOptions.Issuer, context), DpopHeaders.RequestUrl(context)]);
        }

        var result = accessTokens.Authenticate(token, presentation);
        return result.Token is { } valid ? Authenticated(context, valid, null) : BearerOutcome.Refused(result.Error!, result.ErrorCode!);
    }

    // The validated token travels with the request, for callers that need its chain or details (delegation, decisions).
    private static BearerOutcome Authenticated(HttpContext context, ValidatedAccessToken token, ConnectionMemory? connection)
    {
        context.SetAccessToken(token);
        var principal = connection?.Principal(token) ?? Principal(token);
        connection?.Remember(token, principal);
        return new BearerOutcome(principal, null, null);
    }

    private static ClaimsPrincipal Principal(ValidatedAccessToken token)
    {
        List<Claim> claims =
        [
            new(MandateClaims.Subject, token.Subject),
            new(MandateClaims.ClientId, token.ClientId),
            new(MandateClaims.TokenId, token.TokenId),
        ];
        if (token.SubjectKind is not null)
        {
            claims.Add(new(MandateClaims.Kind, token.SubjectKind));
        }

        if (token.Scopes.Count > 0)
        {
            claims.Add(new(MandateClaims.Scope, string.Join(' ', token.Scopes)));
        }

        claims.AddRange(token.Actors.Select(actor => new Claim(MandateClaims.Actor, actor)));
        claims.Add(new(MandateClaims.Role, MandateClaims.IdentityRole));
        return Principal([.. claims]);
    }

    /// <summary>Answers 401 with problem details and the <c>WWW-Authenticate</c> challenges of both schemes.</summary>
    public static async Task ChallengeAsync(HttpContext context, string? reason, string? code)
    {
        code ??= "invalid_token";
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers[HeaderNames.WWWAuthenticate] = AuthenticationChallenge.Build(reason, code, aboutDpop: code is "invalid_dpop_proof" or "use_dpop_nonce");
        await Results.Problem(Problems.Create(401, "unauthenticated",
            reason ?? "send `Authorization: Bearer <token>` with an admin token or a Mandate access token")).ExecuteAsync(context);
    }

    private static ClaimsPrincipal Principal(params Claim[] claims) =>
        new(new ClaimsIdentity(claims, MandateClaims.Scheme, MandateClaims.Subject, MandateClaims.Role));

    /// <summary>
    /// What one keep-alive connection presented last: the token text (<see cref="PresentedTokenText"/>), and the principal
    /// built for the validated token the validator remembered for it. The token is still validated on every request
    /// (expiry, revocation, standing); only the principal of the very same validated token is reused, and principals are
    /// never changed after they are built.
    /// </summary>
    private sealed class ConnectionMemory : PresentedTokenText
    {
        private static readonly object Key = new();
        private ValidatedAccessToken? _validated;
        private ClaimsPrincipal? _principal;

        public static ConnectionMemory? Of(HttpContext context)
        {
            if (context.Features.Get<IConnectionItemsFeature>()?.Items is not { } items)
            {
                return null;
            }

            // HTTP/2 serves requests of one connection at once: the memory is for HTTP/1.x, one request at a time.
            if (!HttpProtocol.IsHttp11(context.Request.Protocol) && !HttpProtocol.IsHttp10(context.Request.Protocol))
            {
                return null;
            }

            if (items.TryGetValue(Key, out var found) && found is ConnectionMemory memory)
            {
                return memory;
            }

            memory = new ConnectionMemory();
            items[Key] = memory;
            return memory;
        }

        public ClaimsPrincipal? Principal(ValidatedAccessToken token) => ReferenceEquals(token, _validated) ? _principal : null;

        public void Remember(ValidatedAccessToken token, ClaimsPrincipal principal)
        {
            _validated = token;
            _principal = principal;
        }
    }
}

/// <summary>A caller's principal; or neither principal nor error (no credential); or why the credential was refused.</summary>
internal readonly record struct BearerOutcome(ClaimsPrincipal? Principal, string? Error, string? ErrorCode)
{
    public static BearerOutcome Refused(string error, string code) => new(null, error, code);
}
