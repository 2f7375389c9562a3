using Mandate.Tokens.Validation;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Security;

/// <summary>Claim types and authorization policy names used by the server.</summary>
internal static class MandateClaims
{
    public const string Scheme = "Mandate";
    public const string Subject = "sub";
    public const string Role = "mandate_role";
    public const string AdminRole = "admin";
    public const string IdentityRole = "identity";
    public const string Kind = "mandate_kind";
    public const string ClientId = "client_id";
    public const string TokenId = "jti";
    public const string Scope = "scope";

    /// <summary>One claim per actor of the token's <c>act</c> chain, current actor first.</summary>
    public const string Actor = "act";

    public const string AdminPolicy = "mandate-admin";
    public const string CallerPolicy = "mandate-caller";

    /// <summary>The admin API: the admin token everywhere, identity tokens on endpoints governed by control-plane policy.</summary>
    public const string AdminApiPolicy = "mandate-admin-api";
    public const string AdminActorId = "admin";
}

/// <summary>
/// The validated access token of an identity caller, carried with its request (for callers that need its chain or
/// details: delegation, decisions, the audit trail). It travels as a request feature keyed by its own type rather
/// than in <c>HttpContext.Items</c>: the server's feature collection is reused from request to request, while the
/// first touch of <c>Items</c> made a feature, a dictionary and its arrays on every request.
/// </summary>
internal static class CallerToken
{
    /// <summary>The token the request was authenticated with, or null for the admin, anonymous and refused callers.</summary>
    public static ValidatedAccessToken? AccessToken(this HttpContext context) => context.Features.Get<ValidatedAccessToken>();

    /// <summary>Records the token the request was authenticated with.</summary>
    public static void SetAccessToken(this HttpContext context, ValidatedAccessToken token) => context.Features.Set(token);
}
