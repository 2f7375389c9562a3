using System.Text.Json;
using Mandate.Server.Hosting;
using Mandate.Tokens;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.OAuth;

/// <summary>What every OAuth endpoint reads the same way: the form body, HTTP Basic client credentials, and the error answer.</summary>
internal static class OAuthRequests
{
    private const int MaxFormBytes = 64 * 1024;

    /// <summary>The form fields (name to every value sent), or the <c>invalid_request</c> that refuses the body.</summary>
    public static async Task<(Dictionary<string, string[]>? Form, OAuthError? Error)> ReadFormAsync(HttpContext http, string what, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        if (!http.Request.HasFormContentType || http.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
        {
            return (null, OAuthError.InvalidRequest($"send the {what} request as `application/x-www-form-urlencoded`"));
        }

        if (http.Request.ContentLength is > MaxFormBytes)
        {
            return (null, OAuthError.InvalidRequest($"the {what} request is too large"));
        }

        try
        {
            var read = await http.Request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { ValueLengthLimit = MaxFormBytes, ValueCountLimit = 64 }, ct);
            return (read.ToDictionary(f => f.Key, f => f.Value.Select(v => v ?? string.Empty).ToArray(), StringComparer.Ordinal), null);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, OAuthError.InvalidRequest($"the {what} request body is not a valid form"));
        }
    }

    /// <summary>Where the request came from, for audit, with any HTTP Basic client credentials.</summary>
    public static TokenRequestContext Context(HttpContext http, BasicCredentials? basic) =>
        new(http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null, http.RequestId(), basic);

    /// <summary>RFC 6749 section 2.3.1: <c>base64(urlencode(id) ":" urlencode(secret))</c>; false when present but malformed.</summary>
    public static bool TryReadBasic(HttpContext http, out BasicCredentials? credentials)
    {
        credentials = null;
        if (!SentBasic(http))
        {
            return true;
        }

        try
        {
            var header = http.Request.Headers.Authorization.ToString();
            var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header[(BasicScheme.Length + 1)..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return false;
            }

            credentials = new BasicCredentials(Uri.UnescapeDataString(decoded[..colon].Replace('+', ' ')), Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' ')));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The challenge scheme of the token endpoint, which takes HTTP Basic client authentication only.</summary>
    public const string BasicScheme = "Basic";

    /// <summary>The challenge scheme of introspection and revocation, which also take an admin or access token.</summary>
    public const string BearerScheme = "Bearer";

    /// <summary>
    /// An RFC 6749 error response; a 401 carries the challenge. RFC 6749 section 5.2: after HTTP Basic it is
    /// <c>Basic</c>, the scheme the client used; otherwise <paramref name="scheme"/>, the one the endpoint takes.
    /// </summary>
    public static IResult Error(HttpContext http, OAuthError error, string scheme)
    {
        if (error.Status == StatusCodes.Status401Unauthorized)
        {
            http.Response.Headers.WWWAuthenticate = (SentBasic(http) ? BasicScheme : scheme) + " realm=\"mandate\"";
        }

        return Error(error);
    }

    private static bool SentBasic(HttpContext http) =>
        http.Request.Headers.Authorization.ToString().StartsWith(BasicScheme + " ", StringComparison.OrdinalIgnoreCase);

    public static IResult Error(OAuthError error) =>
        TypedResults.Json(new Dictionary<string, string> { ["error"] = error.Error, ["error_description"] = error.Description }, (JsonSerializerOptions?)null, statusCode: error.Status);
}
