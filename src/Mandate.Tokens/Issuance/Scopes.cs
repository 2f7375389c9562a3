namespace Mandate.Tokens.Issuance;

/// <summary>OAuth scope values (RFC 6749 section 3.3): validation, normalization and narrowing.</summary>
internal static class Scopes
{
    public const int MaxLength = 2048;

    // RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
    public static bool IsValid(string scope) =>
        scope.Length <= MaxLength && scope.All(c => c == ' ' || (c >= '\x21' && c <= '\x7e' && c != '"' && c != '\\'));

    /// <summary>The distinct scope tokens of a valid value, in first-seen order, joined by single spaces; null when empty.</summary>
    public static string? Normalize(string? scope) =>
        string.IsNullOrWhiteSpace(scope) ? null : string.Join(' ', scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal));

    /// <summary>The first requested scope token that <paramref name="granted"/> (non-empty) does not include, or null.</summary>
    public static string? FirstOutside(IReadOnlyList<string> granted, string requested) =>
        requested.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(s => !granted.Contains(s, StringComparer.Ordinal));
}
