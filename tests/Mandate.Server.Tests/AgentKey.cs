using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Tokens.Jose;

namespace Mandate.Server.Tests;

/// <summary>An agent's key pair, signing RFC 7523 client assertions the way a real client library would.</summary>
public sealed class AgentKey : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public AgentKey() => Jwk = EcPublicJwk.FromKey(_key);

    public EcPublicJwk Jwk { get; }

    public JsonElement PublicJwkJson => JsonDocument.Parse(Jwk.ToJson()).RootElement.Clone();

    public string Assertion(string clientId, string audience, TimeSpan? lifetime = null, string? jti = null, DateTimeOffset? issuedAt = null)
    {
        var now = issuedAt ?? DateTimeOffset.UtcNow;
        var claims = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = clientId,
            ["sub"] = clientId,
            ["aud"] = audience,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + (lifetime ?? TimeSpan.FromMinutes(1))).ToUnixTimeSeconds(),
            ["jti"] = jti ?? Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
        });
        return CompactJws.Sign(claims, _key, Jwk.Kid, "JWT");
    }

    public void Dispose() => _key.Dispose();
}
