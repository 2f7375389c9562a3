using System.Text.Json;
using Mandate.Tokens.Delegation;
using Mandate.Tokens.Details;

namespace Mandate.Tokens.Validation;

/// <summary>
/// RFC 7662 introspection of Mandate access tokens. A token is active only while it validates and stands in the
/// revocation set, so revoking any token upstream, suspending any identity on its chain or revoking a credential
/// that obtained any of it shows here at once. Any doubt answers <c>{"active": false}</c>.
/// </summary>
public sealed class TokenIntrospector(AccessTokenValidator validator)
{
    private static readonly IReadOnlyDictionary<string, object> Inactive = new Dictionary<string, object> { ["active"] = false };

    /// <summary>The introspection response members for <paramref name="token"/>.</summary>
    public IReadOnlyDictionary<string, object> Introspect(string token)
    {
        if (validator.ValidateAnyAudience(token).Token is not { } valid)
        {
            return Inactive;
        }

        var response = new Dictionary<string, object>
        {
            ["active"] = true,
            ["token_type"] = valid.KeyThumbprint is null ? "Bearer" : Dpop.DpopHttp.Scheme,
            ["sub"] = valid.Subject,
            ["client_id"] = valid.ClientId,
            ["jti"] = valid.TokenId,
            ["exp"] = valid.ExpiresAt.ToUnixTimeSeconds(),
            ["iat"] = valid.IssuedAt.ToUnixTimeSeconds(),
            ["aud"] = valid.Audiences.Count == 1 ? valid.Audiences[0] : valid.Audiences,
        };
        if (valid.Scopes.Count > 0)
        {
            response["scope"] = string.Join(' ', valid.Scopes);
        }

        if (valid.KeyThumbprint is { } jkt)
        {
            response["cnf"] = new Dictionary<string, string> { ["jkt"] = jkt };
        }

        if (ActorClaims.ToObject(valid.Actors) is { } act)
        {
            response["act"] = act;
        }

        if (valid.MayAct is not null)
        {
            response["may_act"] = new Dictionary<string, object> { ["sub"] = valid.MayAct };
        }

        if (valid.AuthorizationDetails is { } details)
        {
            using var document = JsonDocument.Parse(AuthorizationDetails.ToJson(details));
            response["authorization_details"] = document.RootElement.Clone();
        }

        return response;
    }
}
