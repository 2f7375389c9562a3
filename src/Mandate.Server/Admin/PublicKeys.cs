using System.Text.Json;
using Mandate.Core.Credentials;
using Mandate.Core.Errors;
using Mandate.Tokens.Jose;

namespace Mandate.Server.Admin;

/// <summary>Turns a registered JWK into public-key credential material, refusing private members and unsupported key types.</summary>
internal static class PublicKeys
{
    public static PublicKeyMaterial FromJwk(JsonElement jwk)
    {
        try
        {
            var key = PublicJwk.Parse(jwk);
            return new PublicKeyMaterial(key.ToJson(), key.Kid, key.Thumbprint);
        }
        catch (JoseException ex)
        {
            throw MandateException.Invalid("jwk", "`jwk`: " + ex.Message);
        }
    }
}
