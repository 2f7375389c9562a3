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

    /// <summary>The <see cref="Mandate.Tokens.Validation.ValidatedAccessToken"/> of an identity caller, in <c>HttpContext.Items</c>.</summary>
    public const string AccessTokenItem = "mandate.access_token";

    public const string AdminPolicy = "mandate-admin";
    public const string CallerPolicy = "mandate-caller";

    /// <summary>The admin API: the admin token everywhere, identity tokens on endpoints governed by control-plane policy.</summary>
    public const string AdminApiPolicy = "mandate-admin-api";
    public const string AdminActorId = "admin";
}
