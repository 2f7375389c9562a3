using System.Text.Json;
using Mandate.Core.Credentials;
using Mandate.Core.Errors;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;

namespace Mandate.Server.Admin;

/// <summary>Turns registered JWKs, JWK Sets and JWKS URLs into credential material, refusing private members and unsupported keys.</summary>
internal static class PublicKeys
{
    public static PublicKeyMaterial FromJwk(JsonElement jwk)
    {
        try
        {
            return ToMaterial(PublicJwk.Parse(jwk));
        }
        catch (JoseException ex)
        {
            throw MandateException.Invalid("jwk", "`jwk`: " + ex.Message);
        }
    }

    public static IReadOnlyList<PublicKeyMaterial> FromJwks(JsonElement jwks)
    {
        try
        {
            return [.. PublicJwk.ParseSet(jwks).Select(ToMaterial)];
        }
        catch (JoseException ex)
        {
            throw MandateException.Invalid("jwks", "`jwks`: " + ex.Message);
        }
    }

    public static string CheckJwksUri(string? uri, string field) =>
        RemoteKeySets.CheckUri(uri) is { } problem ? throw MandateException.Invalid(field, $"`{field}` {problem}") : uri!;

    private static PublicKeyMaterial ToMaterial(PublicJwk key) => new(key.ToJson(), key.Kid, key.Thumbprint);
}
