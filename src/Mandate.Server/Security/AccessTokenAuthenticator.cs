using System.Security.Claims;
using Mandate.Tokens.Validation;

namespace Mandate.Server.Security;

/// <summary>
/// Validates Mandate access tokens presented as bearer credentials to Mandate's own APIs. The validator checks
/// standing too, so a revoked token (or one exchanged from a revoked token), a suspended identity anywhere on the
/// chain and a revoked credential all stop it at once.
/// </summary>
internal sealed class AccessTokenAuthenticator(AccessTokenValidator validator)
{
    /// <summary>Validates <paramref name="token"/>; with <paramref name="rememberedOnly"/>, only when it verified before (no outcome otherwise).</summary>
    public AuthenticationOutcome Authenticate(string token, bool rememberedOnly = false)
    {
        AccessTokenValidation result;
        if (rememberedOnly)
        {
            if (!validator.TryValidateRemembered(token, out result))
            {
                return default;
            }
        }
        else
        {
            result = validator.Validate(token);
        }

        if (result.Token is not { } valid)
        {
            return new(null, null, result.Error);
        }

        List<Claim> claims =
        [
            new(MandateClaims.Subject, valid.Subject),
            new(MandateClaims.ClientId, valid.ClientId),
            new(MandateClaims.TokenId, valid.TokenId),
        ];
        if (valid.SubjectKind is not null)
        {
            claims.Add(new(MandateClaims.Kind, valid.SubjectKind));
        }

        if (valid.Scopes.Count > 0)
        {
            claims.Add(new(MandateClaims.Scope, string.Join(' ', valid.Scopes)));
        }

        claims.AddRange(valid.Actors.Select(actor => new Claim(MandateClaims.Actor, actor)));
        return new(claims, valid, null);
    }
}

/// <summary>Either the caller's claims and token or why the token was refused.</summary>
internal readonly record struct AuthenticationOutcome(IReadOnlyList<Claim>? Claims, ValidatedAccessToken? Token, string? Error);
