using System.Security.Claims;
using Mandate.Authorization;
using Mandate.Tokens.Validation;

namespace Mandate.Server.Security;

/// <summary>Validates Mandate access tokens presented as bearer credentials to Mandate's own APIs.</summary>
internal sealed class AccessTokenAuthenticator(AccessTokenValidator validator, SnapshotSource snapshots, TimeProvider time)
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
            return new(null, result.Error);
        }

        // The kill switch reaches live tokens: an identity that is gone, suspended or expired loses them at once.
        if (!snapshots.Current.Identities.TryGetValue(valid.Subject, out var identity) || !identity.IsEffective(time.GetUtcNow()))
        {
            return new(null, "the token's identity is not active");
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

        return new(claims, null);
    }
}

/// <summary>Either the caller's claims or why the token was refused.</summary>
internal readonly record struct AuthenticationOutcome(IReadOnlyList<Claim>? Claims, string? Error);
