using Mandate.Tokens.Dpop;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace Mandate.Server.OAuth;

/// <summary>The URLs a DPoP proof's <c>htu</c> may name (RFC 9449); the header names are <see cref="DpopHttp"/>.</summary>
internal static class DpopHeaders
{
    /// <summary>The request's own URL without query: a client may name it rather than the configured issuer's form.</summary>
    public static string RequestUrl(HttpContext http) =>
        UriHelper.BuildAbsolute(http.Request.Scheme, http.Request.Host, http.Request.PathBase, http.Request.Path);

    /// <summary>The URL of this request under the configured issuer (what clients behind a proxy see).</summary>
    public static string IssuerUrl(string issuer, HttpContext http) =>
        new Uri(issuer).GetLeftPart(UriPartial.Authority) + http.Request.PathBase + http.Request.Path;
}
