using Mandate.Tokens.Dpop;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace Mandate.Server.OAuth;

/// <summary>The HTTP side of DPoP (RFC 9449): header names (<see cref="DpopHttp"/>) and the URL a proof's <c>htu</c> may name.</summary>
internal static class DpopHeaders
{
    public const string Proof = DpopHttp.ProofHeader;
    public const string Nonce = DpopHttp.NonceHeader;
    public const string Scheme = DpopHttp.Scheme;

    /// <summary>The request's own URL without query: a client may name it rather than the configured issuer's form.</summary>
    public static string RequestUrl(HttpContext http) =>
        UriHelper.BuildAbsolute(http.Request.Scheme, http.Request.Host, http.Request.PathBase, http.Request.Path);

    /// <summary>The URL of this request under the configured issuer (what clients behind a proxy see).</summary>
    public static string IssuerUrl(string issuer, HttpContext http) =>
        new Uri(issuer).GetLeftPart(UriPartial.Authority) + http.Request.PathBase + http.Request.Path;
}
