using System.Collections.Concurrent;

namespace Mandate.Tokens.Validation;

/// <summary>
/// Tokens whose signature verified, remembered by their exact text until they expire, so a repeat presentation skips
/// the ES256 verification but still has its expiry, audience and key re-checked. A changed byte is a different text,
/// so a forgery never matches; a token has one spelling only, since <see cref="Jose.CompactJws"/> decodes strictly.
/// </summary>
/// <param name="time">The clock expiry is checked against.</param>
/// <param name="clockSkew">How long past its expiry a token is still accepted.</param>
/// <param name="maxCharacters">
/// Most characters of token text remembered (<see cref="DefaultMaxCharacters"/> unless given): the count alone would
/// let <see cref="MaxRemembered"/> large tokens hold gigabytes. A token larger than this is never remembered.
/// </param>
public sealed class VerifiedTokens(TimeProvider time, TimeSpan clockSkew, long maxCharacters = VerifiedTokens.DefaultMaxCharacters)
{
    /// <summary>Most tokens remembered; past this, expired entries are swept and, if needed, all are forgotten.</summary>
    public const int MaxRemembered = 100_000;

    /// <summary>Most characters of token text remembered by default: 64 Mi characters, 128 MB as UTF-16.</summary>
    public const long DefaultMaxCharacters = 64L * 1024 * 1024;

    // Tokens share long headers and claims; comparing from the signature end tells them apart fastest.
    private readonly ConcurrentDictionary<string, Remembered> _verified = new(TokenTextComparer.Instance);

    // The total length of the keys of _verified: every add and every removal adjusts it, so it stays exact.
    private long _characters;

    /// <summary>How many characters of token text are remembered now.</summary>
    public long RememberedCharacters => Interlocked.Read(ref _characters);

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
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length > maxCharacters)
        {
            return;
        }

        if (_verified.Count >= MaxRemembered || RememberedCharacters + token.Length > maxCharacters)
        {
            var now = time.GetUtcNow();
            Forget(entry => entry.Token.ExpiresAt <= now);
            if (_verified.Count >= MaxRemembered || RememberedCharacters + token.Length > maxCharacters)
            {
                Forget(_ => true);
            }
        }

        if (_verified.TryAdd(token, new Remembered(valid, keyId)))
        {
            Interlocked.Add(ref _characters, token.Length);
        }
    }

    private void Forget(Func<Remembered, bool> which)
    {
        foreach (var (key, entry) in _verified)
        {
            if (which(entry) && _verified.TryRemove(key, out _))
            {
                Interlocked.Add(ref _characters, -key.Length);
            }
        }
    }

    private sealed record Remembered(ValidatedAccessToken Token, string KeyId);
}
