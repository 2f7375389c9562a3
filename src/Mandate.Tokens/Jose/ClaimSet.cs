using System.Text.Json;

namespace Mandate.Tokens.Jose;

/// <summary>Typed reads of registered JWT claims with precise refusals.</summary>
internal static class ClaimSet
{
    public static string? String(JsonElement claims, string name) => CompactJws.StringMember(claims, name);

    public static string RequireString(JsonElement claims, string name) =>
        String(claims, name) is { Length: > 0 } value ? value : throw new JoseException($"the token has no `{name}` claim");

    public static DateTimeOffset? Time(JsonElement claims, string name)
    {
        if (!claims.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) && seconds is >= 0 and < 253402300800
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw new JoseException($"the `{name}` claim is not a NumericDate");
    }

    /// <summary>The <c>aud</c> values (a string or an array of strings).</summary>
    public static IReadOnlyList<string> Audiences(JsonElement claims) =>
        !claims.TryGetProperty("aud", out var aud) ? []
        : aud.ValueKind == JsonValueKind.String ? [aud.GetString()!]
        : aud.ValueKind == JsonValueKind.Array ? [.. aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!)]
        : [];

    /// <summary>Whether <c>aud</c> (a string or an array of strings) contains one of <paramref name="accepted"/>.</summary>
    public static bool AudienceContains(JsonElement claims, params string[] accepted)
    {
        if (!claims.TryGetProperty("aud", out var aud))
        {
            return false;
        }

        return aud.ValueKind switch
        {
            JsonValueKind.String => accepted.Contains(aud.GetString(), StringComparer.Ordinal),
            JsonValueKind.Array => aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && accepted.Contains(a.GetString(), StringComparer.Ordinal)),
            _ => false,
        };
    }
}
