using System.Text.Json;
using Mandate.Core.Credentials;
using Mandate.Core.Errors;
using Mandate.Tokens.Jose;

namespace Mandate.Server.Admin;

/// <summary>Turns a registered JWK into public-key credential material, refusing anything but a public P-256 key.</summary>
internal static class PublicKeys
{
    public static PublicKeyMaterial FromJwk(JsonElement jwk)
    {
        try
        {
            var key = EcPublicJwk.Parse(jwk);
            return new PublicKeyMaterial(key.ToJson(), key.Kid, key.Thumbprint);
        }
        catch (JoseException ex)
        {
            throw MandateException.Invalid("jwk", "`jwk`: " + ex.Message);
        }
    }
}
