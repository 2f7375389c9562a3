namespace Mandate.Tokens.Validation;

/// <summary>
/// Compares token texts exactly but hashes only their tail (the signature): hashing a whole token costs more than
/// the rest of a remembered-token check, and a signature already spreads tokens evenly. Only tokens that verified
/// are stored, and each has one spelling (<see cref="Jose.CompactJws"/> decodes strictly), so their tails are ES256
/// output an attacker cannot steer; a text that merely shares a tail falls in the same bucket and is told apart by
/// the full comparison.
/// </summary>
internal sealed class TokenTextComparer : IEqualityComparer<string>
{
    public static readonly TokenTextComparer Instance = new();

    private const int HashedTail = 43;

    public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);

    public int GetHashCode(string obj) => string.GetHashCode(obj.AsSpan(Math.Max(0, obj.Length - HashedTail)), StringComparison.Ordinal);
}
