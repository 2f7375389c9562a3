using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mandate.Tokens.Jose;

/// <summary>
/// A public JSON Web Key (RFC 7517) that verifies signatures: EC P-256, OKP Ed25519 or RSA (2048 bits or more).
/// Parsing refuses private members, unknown key types and keys meant for encryption.
/// </summary>
public abstract class PublicJwk : IEquatable<PublicJwk>
{
    /// <summary>Most keys accepted in one JWK Set.</summary>
    public const int MaxKeysInSet = 32;

    /// <summary>Sets the id and the RFC 7638 thumbprint computed from the canonical required members.</summary>
    private protected PublicJwk(string? kid, string canonicalJson)
    {
        Thumbprint = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJson)));
        Kid = kid ?? Thumbprint;
    }

    /// <summary>Key id; the RFC 7638 thumbprint when the JWK has none.</summary>
    public string Kid { get; }

    /// <summary>RFC 7638 SHA-256 thumbprint, base64url (also the DPoP <c>jkt</c>).</summary>
    public string Thumbprint { get; }

    /// <summary>The algorithm named by the JWK's <c>alg</c> member, if any; the key is then used with no other.</summary>
    public string? Algorithm { get; private set; }

    /// <summary>Whether this key can verify a signature made with <paramref name="algorithm"/>.</summary>
    public bool Supports(string algorithm) => (Algorithm is null || Algorithm == algorithm) && SupportsCore(algorithm);

    /// <summary>Verifies <paramref name="signature"/> over <paramref name="input"/> with <paramref name="algorithm"/>; false for an algorithm the key does not support.</summary>
    public bool Verify(string algorithm, ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature) =>
        Supports(algorithm) && VerifyCore(algorithm, input, signature);

    /// <summary>The public JWK as compact JSON, with <c>kid</c> and <c>use</c> (and <c>alg</c> when fixed).</summary>
    public abstract string ToJson();

    /// <summary>The key's type and size in words, for messages.</summary>
    public abstract string Description { get; }

    private protected abstract bool SupportsCore(string algorithm);

    private protected abstract bool VerifyCore(string algorithm, ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature);

    /// <summary>Parses and checks a public JWK.</summary>
    /// <exception cref="JoseException">The JWK is not an acceptable public signing key.</exception>
    public static PublicJwk Parse(JsonElement jwk)
    {
        if (jwk.ValueKind != JsonValueKind.Object)
        {
            throw new JoseException("the JWK must be a JSON object");
        }

        foreach (var secret in PrivateMembers)
        {
            if (jwk.TryGetProperty(secret, out _))
            {
                throw new JoseException($"the JWK contains private key material (`{secret}`); register only the public key");
            }
        }

        if (Member(jwk, "use") is { } use && use != "sig")
        {
            throw new JoseException($"the JWK is for `{use}`, not signatures");
        }

        var kid = Member(jwk, "kid");
        if (kid is not null && !KeyIds.IsSafe(kid))
        {
            throw new JoseException("`kid` must be 1 to 128 printable characters without slashes, backslashes or dots only");
        }

        PublicJwk key = Member(jwk, "kty") switch
        {
            "EC" => EcPublicJwk.Read(jwk, kid),
            "OKP" => OkpPublicJwk.Read(jwk, kid),
            "RSA" => RsaPublicJwk.Read(jwk, kid),
            var kty => throw new JoseException($"unsupported key type `{kty}`: use EC P-256, OKP Ed25519 or RSA"),
        };
        var alg = Member(jwk, "alg");
        if (alg is not null && !key.SupportsCore(alg))
        {
            throw new JoseException($"the JWK's `alg` `{alg}` does not fit a {key.Description} key");
        }

        key.Algorithm = alg;
        return key;
    }

    /// <summary>Parses JWK JSON text.</summary>
    public static PublicJwk Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement);
        }
        catch (JsonException)
        {
            throw new JoseException("the JWK is not valid JSON");
        }
    }

    /// <summary>Parses a JWK Set (<c>{"keys": [...]}</c>); every key must be acceptable and ids unique.</summary>
    public static IReadOnlyList<PublicJwk> ParseSet(JsonElement jwks)
    {
        if (jwks.ValueKind != JsonValueKind.Object || !jwks.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            throw new JoseException("a JWK Set must be an object with a `keys` array");
        }

        var count = keys.GetArrayLength();
        if (count is 0 or > MaxKeysInSet)
        {
            throw new JoseException($"a JWK Set must hold 1 to {MaxKeysInSet} keys");
        }

        var parsed = new List<PublicJwk>(count);
        var index = 0;
        foreach (var element in keys.EnumerateArray())
        {
            try
            {
                var key = Parse(element);
                if (parsed.Exists(k => k.Kid == key.Kid))
                {
                    throw new JoseException($"`kid` `{key.Kid}` appears twice");
                }

                parsed.Add(key);
            }
            catch (JoseException ex)
            {
                throw new JoseException($"keys[{index}]: {ex.Message}");
            }

            index++;
        }

        return parsed;
    }

    /// <summary>Parses JWK Set JSON text.</summary>
    public static IReadOnlyList<PublicJwk> ParseSet(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            using var document = JsonDocument.ParseValue(ref reader);
            return ParseSet(document.RootElement);
        }
        catch (JsonException)
        {
            throw new JoseException("the JWK Set is not valid JSON");
        }
    }

    private protected static string? Member(JsonElement jwk, string name) =>
        jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private protected static byte[] Bytes(JsonElement jwk, string name, int? length = null)
    {
        var text = Member(jwk, name) ?? throw new JoseException($"the JWK is missing `{name}`");
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            throw new JoseException($"`{name}` is not base64url");
        }

        return length is null || bytes.Length == length ? bytes : throw new JoseException($"`{name}` must be {length} bytes");
    }

    /// <summary>The members every form of <see cref="ToJson"/> ends with: <c>kid</c>, <c>use</c> and, when known, <c>alg</c>.</summary>
    private protected string Suffix(string? algorithm) =>
        ",\"kid\":" + JsonSerializer.Serialize(Kid) + ",\"use\":\"sig\"" + (algorithm is null ? string.Empty : ",\"alg\":\"" + algorithm + "\"") + "}";

    /// <inheritdoc />
    public bool Equals(PublicJwk? other) => other is not null && other.Thumbprint == Thumbprint && other.Kid == Kid && other.Algorithm == Algorithm;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PublicJwk);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Thumbprint, Kid);

    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
}
