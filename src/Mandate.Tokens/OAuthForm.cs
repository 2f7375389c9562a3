namespace Mandate.Tokens;

/// <summary>Reads form-encoded OAuth request parameters (name to every value sent).</summary>
public static class OAuthForm
{
    /// <summary>The first value of <paramref name="name"/>; null when absent or empty (RFC 6749 section 3.1: empty means omitted).</summary>
    public static string? Single(IReadOnlyDictionary<string, string[]> form, string name)
    {
        ArgumentNullException.ThrowIfNull(form);
        return form.TryGetValue(name, out var values) && values.Length > 0 && values[0].Length > 0 ? values[0] : null;
    }

    /// <summary>Every non-empty value of <paramref name="name"/>.</summary>
    public static string[] All(IReadOnlyDictionary<string, string[]> form, string name)
    {
        ArgumentNullException.ThrowIfNull(form);
        return form.TryGetValue(name, out var values) ? [.. values.Where(v => v.Length > 0)] : [];
    }
}
