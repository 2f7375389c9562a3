namespace Mandate.Tokens.Dpop;

/// <summary>
/// The comparison form of an <c>htu</c> (RFC 9449 section 4.3): scheme and host in lower case, default port
/// dropped, path kept, query and fragment removed (RFC 3986 syntax-based normalization).
/// </summary>
public static class DpopUri
{
    /// <summary>The normalized form, or null when <paramref name="uri"/> is not an absolute http(s) URI.</summary>
    public static string? Normalize(string? uri)
    {
        if (uri is null || uri.Length > 2048 || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp) || parsed.UserInfo.Length > 0)
        {
            return null;
        }

        var path = parsed.AbsolutePath.Length == 0 ? "/" : parsed.AbsolutePath;
        return parsed.IsDefaultPort
            ? string.Concat(parsed.Scheme, "://", parsed.IdnHost, path)
            : string.Concat(parsed.Scheme, "://", parsed.IdnHost, ":", parsed.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), path);
    }
}
