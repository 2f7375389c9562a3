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

    /// <summary>A DPoP proof (RFC 9449) signed with this key, naming a request and, at a resource, the access token.</summary>
    public string DpopProof(string method, string url, string? accessToken = null, string? nonce = null, string? jti = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["jti"] = jti ?? Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
            ["htm"] = method,
            ["htu"] = url,
            ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };
        if (accessToken is not null)
        {
            claims["ath"] = Mandate.Tokens.Dpop.DpopProofValidator.AccessTokenHash(accessToken);
        }

        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }

        var header = $$"""{"typ":"dpop+jwt","alg":"ES256","jwk":{{EcPublicJwk.FromKey(_key).ToJson()}}}""";
        var input = Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(header)) + "." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = _key.SignData(System.Text.Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    public void Dispose() => _key.Dispose();
}
