using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Tests.OAuth;

/// <summary>
/// Forged and misused access tokens presented to Mandate's own API over HTTP: each is a 401 with an RFC 6750
/// <c>invalid_token</c> challenge. Tokens "signed by the issuer" use the server's real key, so only the claim or
/// header under test is wrong.
/// </summary>
public sealed class AccessTokenAttackTests(TokenServiceFixture fixture) : IClassFixture<TokenServiceFixture>
{
    public static TheoryData<string> Attacks => new()
    {
        "alg none", "HS256 with the public key", "unknown kid", "path-like kid", "jku header", "x5u header", "expired", "not yet valid",
        "far-future iat", "wrong issuer", "wrong audience", "id token typ", "other typ", "altered payload", "stripped signature",
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task ForgedToken_IsInvalidToken(string attack)
    {
        var (_, issued) = await fixture.RequestTokenAsync();
        var token = issued.GetProperty("access_token").GetString()!;
        var forged = Forge(attack, token);

        using var agent = fixture.Server.CreateClient(forged);
        using var response = await agent.PostAsJsonAsync("/access/v1/evaluation", new
        {
            subject = new { type = "Agent", id = TokenServiceFixture.AgentId }, action = new { name = "read" }, resource = new { type = "Table", id = "t" },
        });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer" && h.Parameter!.Contains("error=\"invalid_token\"", StringComparison.Ordinal));
    }

    private string Forge(string attack, string token)
    {
        var keys = fixture.Server.Server.Services.GetRequiredService<SigningKeyRing>();
        var parts = token.Split('.');
        var claims = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64Url.DecodeFromChars(parts[1]))!;
        var kid = keys.Current.KeyId;
        string Resigned(Action<Dictionary<string, JsonElement>> edit, string type = "at+jwt")
        {
            edit(claims);
            return CompactJws.Sign(JsonSerializer.SerializeToUtf8Bytes(claims), keys.Current, type);
        }

        string WithHeader(string header, Func<byte[], byte[]>? sign = null)
        {
            var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header)) + "." + parts[1];
            using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var signature = (sign ?? (i => stranger.SignData(i, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)))(Encoding.ASCII.GetBytes(input));
            return input + "." + Base64Url.EncodeToString(signature);
        }

        JsonElement Value(object value) => JsonSerializer.SerializeToElement(value);
        return attack switch
        {
            "alg none" => WithHeader("""{"alg":"none","typ":"at+jwt"}""", _ => []),
            "HS256 with the public key" => WithHeader($$"""{"alg":"HS256","typ":"at+jwt","kid":"{{kid}}"}""",
                input => HMACSHA256.HashData(Encoding.UTF8.GetBytes(keys.Current.PublicJwk.ToJson()), input)),
            "unknown kid" => WithHeader("""{"alg":"ES256","typ":"at+jwt","kid":"unknown"}"""),
            "path-like kid" => WithHeader("""{"alg":"ES256","typ":"at+jwt","kid":"../../../dev/null"}"""),
            "jku header" => WithHeader($$"""{"alg":"ES256","typ":"at+jwt","kid":"{{kid}}","jku":"https://evil.example/jwks"}"""),
            "x5u header" => WithHeader($$"""{"alg":"ES256","typ":"at+jwt","kid":"{{kid}}","x5u":"https://evil.example/cert"}"""),
            "expired" => Resigned(c => c["exp"] = Value(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds())),
            "not yet valid" => Resigned(c => c["nbf"] = Value(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds())),
            "far-future iat" => Resigned(c => c["iat"] = Value(DateTimeOffset.UtcNow.AddYears(5).ToUnixTimeSeconds())),
            "wrong issuer" => Resigned(c => c["iss"] = Value("https://evil.example")),
            "wrong audience" => Resigned(c => c["aud"] = Value("https://other.example/")),
            "id token typ" => Resigned(_ => { }, "JWT"),
            "other typ" => CompactJws.Sign(Base64Url.DecodeFromChars(parts[1]), keys.Current, "id_token+jwt"),
            "altered payload" => parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
                Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace(TokenServiceFixture.AgentId, "alice", StringComparison.Ordinal))) + "." + parts[2],
            "stripped signature" => parts[0] + "." + parts[1] + ".",
            _ => throw new ArgumentOutOfRangeException(nameof(attack)),
        };
    }
}
