using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.Tokens.Keys;

namespace Mandate.Tokens.Jose;

/// <summary>
/// A parsed JWS in compact serialization (RFC 7515). Parsing checks the shape and the header's safety rules
/// against the algorithms the caller accepts; <see cref="Verify"/> checks the signature with a key the caller
/// chose. The payload must be a JSON object (a JWT).
/// </summary>
public sealed class CompactJws : IDisposable
{
    /// <summary>Longest token accepted, to bound parsing work.</summary>
    public const int MaxLength = 16 * 1024;

    // Headers that would let the token name its own verification key or make the verifier process unknown rules.
    private static readonly string[] ForbiddenHeaders = ["jku", "x5u", "x5c", "crit"];

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private readonly JsonDocument _header;
    private readonly JsonDocument _payload;
    private readonly byte[] _signingInput;
    private readonly byte[] _signature;

    private CompactJws(JsonDocument header, JsonDocument payload, byte[] signingInput, byte[] signature, PublicJwk? embeddedKey)
    {
        _header = header;
        _payload = payload;
        _signingInput = signingInput;
        _signature = signature;
        Algorithm = StringMember(header.RootElement, "alg")!;
        Type = StringMember(header.RootElement, "typ");
        KeyId = StringMember(header.RootElement, "kid");
        EmbeddedKey = embeddedKey;
    }

    /// <summary>The <c>alg</c> header, one of the algorithms the parser was given.</summary>
    public string Algorithm { get; }

    /// <summary>The <c>typ</c> header, if any.</summary>
    public string? Type { get; }

    /// <summary>The <c>kid</c> header, if any.</summary>
    public string? KeyId { get; }

    /// <summary>The public key in the <c>jwk</c> header, when the caller allowed one (DPoP proofs).</summary>
    public PublicJwk? EmbeddedKey { get; }

    /// <summary>The header object.</summary>
    public JsonElement Header => _header.RootElement;

    /// <summary>The claims (payload) object.</summary>
    public JsonElement Claims => _payload.RootElement;

    /// <summary>Parses a compact JWS and applies the header rules.</summary>
    /// <param name="token">The compact serialization.</param>
    /// <param name="algorithms">The <c>alg</c> values accepted here (see <see cref="JwsAlgorithms"/>).</param>
    /// <param name="embeddedKey">Whether the header must carry its public key as <c>jwk</c> (DPoP); refused otherwise.</param>
    /// <exception cref="JoseException">The token is malformed or its header is refused.</exception>
    public static CompactJws Parse(string token, IReadOnlyList<string> algorithms, bool embeddedKey = false)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(algorithms);
        if (token.Length is 0 or > MaxLength)
        {
            throw new JoseException(token.Length == 0 ? "the token is empty" : "the token is too long");
        }

        var first = token.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (first <= 0 || second < 0 || token.IndexOf('.', second + 1) >= 0)
        {
            throw new JoseException("the token is not a compact JWS (three base64url parts)");
        }

        var header = ParseObject(token.AsSpan(0, first), "header");
        JsonDocument? payload = null;
        try
        {
            var key = CheckHeader(header.RootElement, algorithms, embeddedKey);
            payload = ParseObject(token.AsSpan(first + 1, second - first - 1), "payload");
            var signature = Decode(token.AsSpan(second + 1), "signature");
            if (signature.Length is 0 or > 1024)
            {
                throw new JoseException("the token has no usable signature");
            }

            return new CompactJws(header, payload, Encoding.ASCII.GetBytes(token, 0, second), signature, key);
        }
        catch
        {
            header.Dispose();
            payload?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Parses <paramref name="token"/> and runs <paramref name="check"/> on it; a JOSE refusal at either step becomes
    /// <paramref name="refuse"/> of its message, so a validator states its rules and its error code once.
    /// </summary>
    public static async ValueTask<T> ParseAndCheckAsync<T>(
        string token, IReadOnlyList<string> algorithms, Func<CompactJws, ValueTask<T>> check, Func<string, T> refuse)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(refuse);
        CompactJws jws;
        try
        {
            jws = Parse(token, algorithms);
        }
        catch (JoseException ex)
        {
            return refuse(ex.Message);
        }

        using (jws)
        {
            try
            {
                return await check(jws);
            }
            catch (JoseException ex)
            {
                return refuse(ex.Message);
            }
        }
    }

    /// <summary>Signs <paramref name="claimsJson"/> with one of the issuer's keys and returns the compact JWS.</summary>
    public static string Sign(ReadOnlySpan<byte> claimsJson, SigningKey key, string type)
    {
        ArgumentNullException.ThrowIfNull(key);
        var header = $$"""{"alg":"{{key.Algorithm}}","typ":{{JsonSerializer.Serialize(type)}},"kid":{{JsonSerializer.Serialize(key.KeyId)}}}""";
        var signingInput = SigningInput(header, claimsJson);
        return string.Concat(signingInput, ".", Base64Url.EncodeToString(key.Sign(Encoding.ASCII.GetBytes(signingInput))));
    }

    /// <summary>Signs <paramref name="claimsJson"/> with an ES256 key, as a client does for its assertions.</summary>
    public static string Sign(ReadOnlySpan<byte> claimsJson, ECDsa key, string keyId, string type)
    {
        ArgumentNullException.ThrowIfNull(key);
        var header = $$"""{"alg":"ES256","typ":{{JsonSerializer.Serialize(type)}},"kid":{{JsonSerializer.Serialize(keyId)}}}""";
        var signingInput = SigningInput(header, claimsJson);
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return string.Concat(signingInput, ".", Base64Url.EncodeToString(signature));
    }

    /// <summary>Whether the signature verifies under <paramref name="key"/> with this token's algorithm.</summary>
    public bool Verify(PublicJwk key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Verify(Algorithm, _signingInput, _signature);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _header.Dispose();
        _payload.Dispose();
    }

    private static string SigningInput(string header, ReadOnlySpan<byte> claimsJson) =>
        string.Concat(Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header)), ".", Base64Url.EncodeToString(claimsJson));

    private static PublicJwk? CheckHeader(JsonElement header, IReadOnlyList<string> algorithms, bool embeddedKey)
    {
        var alg = StringMember(header, "alg");
        if (alg is null || !algorithms.Contains(alg))
        {
            throw new JoseException(alg is null
                ? "the token header has no `alg`"
                : $"algorithm `{(alg.Length > 16 ? alg[..16] : alg)}` is not accepted; use {string.Join(" or ", algorithms)}");
        }

        foreach (var name in ForbiddenHeaders)
        {
            if (header.TryGetProperty(name, out _))
            {
                throw new JoseException($"header `{name}` is not accepted");
            }
        }

        if (header.TryGetProperty("kid", out var kid) && (kid.ValueKind != JsonValueKind.String || !KeyIds.IsSafe(kid.GetString())))
        {
            throw new JoseException("the token's `kid` is malformed");
        }

        if (!header.TryGetProperty("jwk", out var jwk))
        {
            return embeddedKey ? throw new JoseException("the header must carry the public key as `jwk`") : null;
        }

        if (!embeddedKey)
        {
            throw new JoseException("header `jwk` is not accepted");
        }

        var key = PublicJwk.Parse(jwk);
        return key.Supports(alg) ? key : throw new JoseException($"the `jwk` header is a {key.Description} key, which cannot verify `{alg}`");
    }

    private static JsonDocument ParseObject(ReadOnlySpan<char> part, string what)
    {
        var bytes = Decode(part, what);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            throw new JoseException($"the token {what} is not JSON");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new JoseException($"the token {what} is not a JSON object");
        }

        return document;
    }

    /// <summary>
    /// Decodes one part strictly as RFC 7515 section 2 base64url: only <c>[A-Za-z0-9_-]</c>, no padding, no whitespace,
    /// and no set bits after the last byte. <see cref="Base64Url.DecodeFromChars(ReadOnlySpan{char})"/> alone skips
    /// whitespace and accepts padding, and the signature part is outside the signing input, so a lenient decoder would
    /// give one token unlimited spellings that all verify, each remembered apart by <c>VerifiedTokens</c>.
    /// </summary>
    private static byte[] Decode(ReadOnlySpan<char> part, string what)
    {
        var last = part.Length == 0 ? -1 : Base64UrlValue(part[^1]);
        var unusedBits = (part.Length % 4) switch { 2 => 0b1111, 3 => 0b11, _ => 0 };
        if (part.Length % 4 == 1 || part.ContainsAnyExcept(Base64UrlAlphabet) || (last & unusedBits) != 0)
        {
            throw new JoseException($"the token {what} is not base64url");
        }

        try
        {
            return Base64Url.DecodeFromChars(part);
        }
        catch (FormatException)
        {
            throw new JoseException($"the token {what} is not base64url");
        }
    }

    private static int Base64UrlValue(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        '_' => 63,
        _ => -1,
    };

    internal static string? StringMember(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
