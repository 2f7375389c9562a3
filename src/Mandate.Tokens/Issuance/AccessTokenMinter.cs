using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Tokens.Delegation;
using Mandate.Tokens.Details;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;

namespace Mandate.Tokens.Issuance;

/// <summary>Signs RFC 9068 access tokens (<c>typ at+jwt</c>) with the current signing key; every grant mints through it.</summary>
public sealed class AccessTokenMinter(SigningKeyRing keys, TokenServiceOptions options)
{
    /// <summary>A fresh, unguessable token id.</summary>
    public static string NewTokenId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// The refusal of a minted token longer than <see cref="CompactJws.MaxLength"/>, which every validator refuses:
    /// issuing it would hand out a token that works nowhere. Null when it fits.
    /// </summary>
    internal static OAuthError? CheckLength(string token) => token.Length <= CompactJws.MaxLength ? null
        : OAuthError.InvalidRequest($"the token would be too long ({token.Length} characters; at most {CompactJws.MaxLength} are accepted): "
            + "ask for a shorter `scope`, fewer or smaller `authorization_details`, or fewer `resource` values");

    /// <summary>The signed token.</summary>
    public string Mint(AccessTokenClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", options.Issuer);
            writer.WriteString("sub", claims.Subject);
            WriteAudiences(writer, claims.Audiences);
            writer.WriteNumber("iat", claims.IssuedAt.ToUnixTimeSeconds());
            writer.WriteNumber("nbf", claims.IssuedAt.ToUnixTimeSeconds());
            writer.WriteNumber("exp", claims.ExpiresAt.ToUnixTimeSeconds());
            writer.WriteString("jti", claims.TokenId);
            writer.WriteString("client_id", claims.ClientId);
            writer.WriteString("sub_kind", claims.SubjectKind);
            writer.WriteString("cred", claims.CredentialId);
            if (claims.Scope is not null)
            {
                writer.WriteString("scope", claims.Scope);
            }

            if (claims.AuthorizationDetails is { } details)
            {
                AuthorizationDetails.Write(writer, "authorization_details", details);
            }

            ActorClaims.Write(writer, claims.Actors);
            if (claims.MayAct is not null)
            {
                ActorClaims.WriteMayAct(writer, claims.MayAct);
            }

            if (claims.KeyThumbprint is not null)
            {
                writer.WriteStartObject("cnf");
                writer.WriteString("jkt", claims.KeyThumbprint);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return CompactJws.Sign(buffer.WrittenSpan, keys.Current, TokenEndpoint.AccessTokenType);
    }

    /// <summary>Writes <c>aud</c>: a string for one audience, an array for several.</summary>
    internal static void WriteAudiences(Utf8JsonWriter writer, IReadOnlyList<string> audiences)
    {
        if (audiences.Count == 1)
        {
            writer.WriteString("aud", audiences[0]);
            return;
        }

        writer.WriteStartArray("aud");
        foreach (var audience in audiences)
        {
            writer.WriteStringValue(audience);
        }

        writer.WriteEndArray();
    }
}
