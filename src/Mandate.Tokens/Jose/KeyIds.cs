namespace Mandate.Tokens.Jose;

/// <summary>Rules for <c>kid</c> values: they are looked up, never used as paths or URLs.</summary>
internal static class KeyIds
{
    public static bool IsSafe(string? kid) =>
        kid is { Length: > 0 and <= 128 }
        && kid.All(c => c is > ' ' and < '\u007f' && c is not ('/' or '\\'))
        && kid.Any(c => c != '.');
}
