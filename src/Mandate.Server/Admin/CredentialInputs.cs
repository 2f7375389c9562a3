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
                material = new FederatedTrustMaterial(
                    input.Issuer ?? throw MandateException.Invalid("issuer", "a federated_trust credential needs `issuer`"),
                    input.Subject ?? throw MandateException.Invalid("subject", "a federated_trust credential needs `subject`, the required subject or pattern"),
                    input.Audience);
                break;
            default:
                material = new CertificateThumbprintMaterial(
                    input.Thumbprint?.Replace(":", string.Empty, StringComparison.Ordinal).ToLowerInvariant()
                    ?? throw MandateException.Invalid("thumbprint", "a certificate_thumbprint credential needs `thumbprint`"));
                break;
        }

        return new NewCredential(material, input.Description, input.ExpiresAt);
    }
}
