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

    public const string AdminPolicy = "mandate-admin";
    public const string CallerPolicy = "mandate-caller";
    public const string AdminActorId = "admin";
}
