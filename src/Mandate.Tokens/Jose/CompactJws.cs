using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mandate.Tokens.Jose;

/// <summary>
/// A parsed JWS in compact serialization (RFC 7515), ES256 only. Parsing checks the shape and the header's
/// safety rules; <see cref="Verify"/> checks the signature. The payload must be a JSON object (a JWT).
/// </summary>
public sealed class CompactJws : IDisposable
{
    /// <summary>The only algorithm Mandate signs or verifies with.</summary>
    public const string Algorithm = "ES256";

    /// <summary>Longest token accepted, to bound parsing work.</summary>
    public const int MaxLength = 16 * 1024;

    private static readonly string[] ForbiddenHeaders = ["jku", "x5u", "jwk", "x5c", "crit"];

    private readonly JsonDocument _header;
    private readonly JsonDocument _payload;
    private readonly byte[] _signingInput;
    private readonly byte[] _signature;

    private CompactJws(JsonDocument header, JsonDocument payload, byte[] signingInput, byte[] signature)
    {
        _header = header;
        _payload = payload;
        _signingInput = signingInput;
        _signature = signature;
        Type = StringMember(header.RootElement, "typ");
        KeyId = StringMember(header.RootElement, "kid");
    }

    /// <summary>The <c>typ</c> header, if any.</summary>
    public string? Type { get; }

    /// <summary>The <c>kid</c> header, if any.</summary>
    public string? KeyId { get; }

    /// <summary>The claims (payload) object.</summary>
    public JsonElement Claims => _payload.RootElement;

    /// <summary>Parses a compact JWS and applies the header rules (ES256 only; no key-fetching or critical headers).</summary>
    /// <exception cref="JoseException">The token is malformed or its header is refused.</exception>
    public static CompactJws Parse(string token)
    {
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
            CheckHeader(header.RootElement);
            payload = ParseObject(token.AsSpan(first + 1, second - first - 1), "payload");
            var signature = Decode(token.AsSpan(second + 1), "signature");
            if (signature.Length != 64)
            {
                throw new JoseException("the ES256 signature must be 64 bytes");
            }

            return new CompactJws(header, payload, Encoding.ASCII.GetBytes(token, 0, second), signature);
        }
        catch
        {
            header.Dispose();
            payload?.Dispose();
            throw;
        }
    }

    /// <summary>Signs <paramref name="claimsJson"/> with ES256 and returns the compact JWS.</summary>
    public static string Sign(ReadOnlySpan<byte> claimsJson, ECDsa key, string keyId, string type)
    {
        var header = $$"""{"alg":"ES256","typ":{{JsonSerializer.Serialize(type)}},"kid":{{JsonSerializer.Serialize(keyId)}}}""";
        var signingInput = string.Concat(Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header)), ".", Base64Url.EncodeToString(claimsJson));
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return string.Concat(signingInput, ".", Base64Url.EncodeToString(signature));
    }

    /// <summary>Whether the signature verifies under <paramref name="key"/>.</summary>
    public bool Verify(ECDsa key) =>
        key.VerifyData(_signingInput, _signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <inheritdoc />
    public void Dispose()
    {
        _header.Dispose();
        _payload.Dispose();
    }

    private static void CheckHeader(JsonElement header)
    {
        var alg = StringMember(header, "alg");
        if (alg != Algorithm)
        {
            throw new JoseException(alg is null ? "the token header has no `alg`" : $"algorithm `{alg}` is not accepted; use ES256");
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

    private static byte[] Decode(ReadOnlySpan<char> part, string what)
    {
        try
        {
            return Base64Url.DecodeFromChars(part);
        }
        catch (FormatException)
        {
            throw new JoseException($"the token {what} is not base64url");
        }
    }

    internal static string? StringMember(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
