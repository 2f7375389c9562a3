using System.Text.Json;
using Mandate.Core.Administration;
using Mandate.Core.Credentials;
using Mandate.Core.Errors;
using Mandate.Server.Admin.Contracts;

namespace Mandate.Server.Admin;

/// <summary>Turns a <see cref="CredentialInput"/> into validated credential material.</summary>
internal sealed class CredentialInputs
{
    /// <summary>Builds the credential to add; <paramref name="secret"/> is set for a generated API key.</summary>
    public NewCredential ToNewCredential(CredentialInput input, out string? secret)
    {
        secret = null;
        CredentialMaterial material;
        switch (input.Kind)
        {
            case CredentialKind.PublicKey:
                if (input.Jwk is not { } jwk)
                {
                    throw MandateException.Invalid("jwk", "a public_key credential needs `jwk`, the public JSON Web Key");
                }

                material = PublicKeys.FromJwk(jwk);
                break;
            case CredentialKind.ApiKey:
                (secret, material) = ApiKeySecret.Generate();
                break;
            case CredentialKind.FederatedTrust:
                material = Trust(input);
                break;
            case CredentialKind.JwksUri:
                material = new JwksUriMaterial(PublicKeys.CheckJwksUri(input.JwksUri, "jwks_uri"));
                break;
            default:
                material = new CertificateThumbprintMaterial(
                    input.Thumbprint?.Replace(":", string.Empty, StringComparison.Ordinal).ToLowerInvariant()
                    ?? throw MandateException.Invalid("thumbprint", "a certificate_thumbprint credential needs `thumbprint`"));
                break;
        }

        return new NewCredential(material, input.Description, input.ExpiresAt);
    }

    /// <summary>The credentials of an identity's <c>jwks</c> and <c>jwks_uri</c> shorthands.</summary>
    public static IEnumerable<NewCredential> FromKeySet(JsonElement? jwks, string? jwksUri, string? description = null)
    {
        if (jwks is { } set)
        {
            foreach (var key in PublicKeys.FromJwks(set))
            {
                yield return new NewCredential(key, description);
            }
        }

        if (jwksUri is not null)
        {
            yield return new NewCredential(new JwksUriMaterial(PublicKeys.CheckJwksUri(jwksUri, "jwks_uri")), description);
        }
    }

    private static FederatedTrustMaterial Trust(CredentialInput input)
    {
        var issuer = input.Issuer ?? throw MandateException.Invalid("issuer", "a federated_trust credential needs `issuer`");
        var subject = input.Subject ?? throw MandateException.Invalid("subject", "a federated_trust credential needs `subject`, the required subject or pattern");
        if ((input.Jwks is null) == (input.JwksUri is null))
        {
            throw MandateException.Invalid("jwks", "a federated_trust credential needs the issuer's keys: either `jwks` (a JWK Set) or `jwks_uri`");
        }

        string? jwks = null;
        if (input.Jwks is { } set)
        {
            PublicKeys.FromJwks(set);
            jwks = set.GetRawText();
        }

        return new FederatedTrustMaterial(issuer, subject, input.Audience, jwks,
            input.JwksUri is null ? null : PublicKeys.CheckJwksUri(input.JwksUri, "jwks_uri"), input.AllowReuse ?? false);
    }
}
