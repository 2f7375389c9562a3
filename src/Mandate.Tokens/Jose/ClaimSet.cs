using System.Text.Json;

namespace Mandate.Tokens.Jose;

/// <summary>Typed reads of registered JWT claims with precise refusals.</summary>
internal static class ClaimSet
{
    public static string? String(JsonElement claims, string name) => CompactJws.StringMember(claims, name);

    public static string RequireString(JsonElement claims, string name) =>
        String(claims, name) is { Length: > 0 } value ? value : throw new JoseException($"the token has no `{name}` claim");

    /// <summary>
    /// A NumericDate claim, kept to whole seconds. RFC 7519 section 2 allows non-integer values (<c>1767225600.5</c>,
    /// <c>1.7E9</c>); rounding only ever narrows what the token allows: <c>exp</c> rounds down, <c>iat</c> and
    /// <c>nbf</c> round up.
    /// </summary>
    /// <exception cref="JoseException">The claim is not a number from 1970 to 9999.</exception>
    public static DateTimeOffset? Time(JsonElement claims, string name)
    {
        if (!claims.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || number is < 0 or > 253402300799)
        {
            throw new JoseException($"the `{name}` claim is not a NumericDate");
        }

        return DateTimeOffset.FromUnixTimeSeconds((long)(name == "exp" ? Math.Floor(number) : Math.Ceiling(number)));
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
