using System.Collections.Concurrent;

namespace Mandate.Tokens.Validation;

/// <summary>
/// Tokens whose signature verified, remembered by their exact text until they expire, so a repeat presentation skips
/// the ES256 verification but still has its expiry, audience and key re-checked. A changed byte is a different text,
/// so a forgery never matches.
/// </summary>
public sealed class VerifiedTokens(TimeProvider time, TimeSpan clockSkew)
{
    /// <summary>Most tokens remembered; past this, expired entries are swept and, if needed, all are forgotten.</summary>
    public const int MaxRemembered = 100_000;

    // Tokens share long headers and claims; comparing from the signature end tells them apart fastest.
    private readonly ConcurrentDictionary<string, Remembered> _verified = new(TokenTextComparer.Instance);

    /// <summary>
    /// When <paramref name="token"/> verified before, re-checks what can change (expiry, whether its key is still
    /// published, the audience unless null) and returns true with the outcome; false when it must be verified in full.
    /// </summary>
    public bool TryRecheck(string token, Func<string, bool> isKeyPublished, string? audience, out AccessTokenValidation result)
    {
        ArgumentNullException.ThrowIfNull(isKeyPublished);
        if (!_verified.TryGetValue(token, out var remembered))
        {
            result = default;
            return false;
        }

        result = remembered.Token.ExpiresAt <= time.GetUtcNow() - clockSkew ? AccessTokenValidation.Fail("the token has expired")
            : !isKeyPublished(remembered.KeyId) ? AccessTokenValidation.Fail("the token was not signed by a key this issuer publishes")
            : audience is not null && !remembered.Token.Audiences.Contains(audience, StringComparer.Ordinal) ? AccessTokenValidation.Fail($"the token is not for `{audience}`")
            : new AccessTokenValidation(remembered.Token, null);
        return true;
    }

    /// <summary>Remembers a token that verified with key <paramref name="keyId"/>.</summary>
    public void Remember(string token, ValidatedAccessToken valid, string keyId)
    {
        if (_verified.Count >= MaxRemembered)
        {
            var now = time.GetUtcNow();
            foreach (var (key, entry) in _verified)
            {
                if (entry.Token.ExpiresAt <= now)
                {
                    _verified.TryRemove(key, out _);
                }
            }

            if (_verified.Count >= MaxRemembered)
            {
                _verified.Clear();
            }
        }

        _verified[token] = new Remembered(valid, keyId);
    }

    private sealed record Remembered(ValidatedAccessToken Token, string KeyId);
}
