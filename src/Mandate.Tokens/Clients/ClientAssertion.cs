using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Tokens.Jose;

namespace Mandate.Tokens.Clients;

/// <summary>
/// Signs RFC 7523 client assertions: the short-lived JWT a client presents at the token endpoint instead of a
/// shared secret (<c>private_key_jwt</c>, with <see cref="ClientAssertionValidator.JwtBearerType"/> as its type).
/// </summary>
public static class ClientAssertion
{
    /// <summary>
    /// An ES256 assertion that <paramref name="clientId"/> (issuer and subject) is presenting to
    /// <paramref name="audience"/> (the token endpoint), issued at <paramref name="issuedAt"/> and valid for
    /// <paramref name="lifetime"/>, under a unique <paramref name="tokenId"/> (random when not given; the server
    /// refuses an id it has seen).
    /// </summary>
    public static string Sign(ECDsa key, string keyId, string clientId, string audience, DateTimeOffset issuedAt, TimeSpan lifetime, string? tokenId = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentException.ThrowIfNullOrEmpty(audience);
        if (lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "an assertion must be valid for some time");
        }

        var claims = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(claims))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", clientId);
            writer.WriteString("sub", clientId);
            writer.WriteString("aud", audience);
            writer.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
            writer.WriteNumber("exp", (issuedAt + lifetime).ToUnixTimeSeconds());
            writer.WriteString("jti", tokenId ?? Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)));
            writer.WriteEndObject();
        }

        return CompactJws.Sign(claims.WrittenSpan, key, keyId, "JWT");
    }
}
