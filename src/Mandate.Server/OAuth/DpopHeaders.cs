using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace Mandate.Server.OAuth;

/// <summary>The HTTP side of DPoP (RFC 9449): header names and the URL a proof's <c>htu</c> may name.</summary>
internal static class DpopHeaders
{
    public const string Proof = "DPoP";
    public const string Nonce = "DPoP-Nonce";
    public const string Scheme = "DPoP";

    /// <summary>The request's own URL without query: a client may name it rather than the configured issuer's form.</summary>
    public static string RequestUrl(HttpContext http) =>
        UriHelper.BuildAbsolute(http.Request.Scheme, http.Request.Host, http.Request.PathBase, http.Request.Path);

    /// <summary>The URL of this request under the configured issuer (what clients behind a proxy see).</summary>
    public static string IssuerUrl(string issuer, HttpContext http) =>
        new Uri(issuer).GetLeftPart(UriPartial.Authority) + http.Request.PathBase + http.Request.Path;
}
