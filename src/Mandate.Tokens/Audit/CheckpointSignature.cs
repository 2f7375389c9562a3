using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Mandate.Core.Storage;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;

namespace Mandate.Tokens.Audit;

/// <summary>
/// Audit checkpoints as compact JWS (ES256 or EdDSA, <c>typ</c> <c>mandate-audit-checkpoint+jwt</c>) signed with the
/// server's signing key. The payload states the sequence number, the chain link after it (base64url), when it
/// was made, and the signer's public JWK, so any JOSE library can check a checkpoint against a saved JWKS.
/// A retention anchor also carries <c>"anchor":true</c>: the signer's statement that the events up to it may be removed.
/// </summary>
public static class CheckpointSignature
{
    /// <summary>The JWS <c>typ</c> of a checkpoint.</summary>
    public const string Type = "mandate-audit-checkpoint+jwt";

    /// <summary>Signs a checkpoint of the chain at <paramref name="head"/>; <paramref name="anchor"/> makes it a retention anchor.</summary>
    public static AuditCheckpoint Create(SigningKey key, AuditHead head, DateTimeOffset now, bool anchor = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(head);
        var marker = anchor ? ",\"anchor\":true" : string.Empty;
        var payload = $$"""{"seq":{{head.Sequence}},"link":"{{Base64Url.EncodeToString(head.Link)}}"{{marker}},"iat":{{now.ToUnixTimeSeconds()}},"jwk":{{key.PublicJwk.ToJson()}}}""";
        return new AuditCheckpoint(head.Sequence, head.Link, now, CompactJws.Sign(Encoding.UTF8.GetBytes(payload), key, Type), anchor);
    }

    /// <summary>
    /// Checks a checkpoint's signature and that its signed statement matches the stored sequence and link.
    /// <paramref name="trusted"/> answers whether a key (by RFC 7638 thumbprint) is one the verifier trusts.
    /// </summary>
    /// <returns>Null when the checkpoint is sound; otherwise what is wrong.</returns>
    public static string? Check(AuditCheckpoint checkpoint, Func<PublicJwk, bool> trusted)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(trusted);
        try
        {
            using var jws = CompactJws.Parse(checkpoint.Signature, JwsAlgorithms.Issuer);
            if (jws.Type != Type)
            {
                return $"checkpoint {checkpoint.Sequence} is not a signed audit checkpoint (typ `{jws.Type}`)";
            }

            var claims = jws.Claims;
            var jwk = PublicJwk.Parse(claims.GetProperty("jwk"));
            if (!jws.Verify(jwk) || jws.KeyId != jwk.Kid)
            {
                return $"checkpoint {checkpoint.Sequence} has an invalid signature";
            }

            if (!trusted(jwk))
            {
                return $"checkpoint {checkpoint.Sequence} is signed by key `{jwk.Kid}`, which is not a trusted key (pass the server's JWKS)";
            }

            var sequence = claims.GetProperty("seq").GetInt64();
            var link = Base64Url.DecodeFromChars(claims.GetProperty("link").GetString());
            var anchor = claims.TryGetProperty("anchor", out var flag) && flag.ValueKind == JsonValueKind.True;
            if (sequence != checkpoint.Sequence || !link.AsSpan().SequenceEqual(checkpoint.Link))
            {
                return $"checkpoint {checkpoint.Sequence} was altered: its signed statement is for event {sequence}";
            }

            return anchor == checkpoint.Anchor
                ? null
                : $"checkpoint {checkpoint.Sequence} was altered: it is {(checkpoint.Anchor ? string.Empty : "not ")}marked a retention anchor, but was {(anchor ? string.Empty : "not ")}signed as one";
        }
        catch (Exception ex) when (ex is JoseException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return $"checkpoint {checkpoint.Sequence} is malformed: {ex.Message}";
        }
    }
}
