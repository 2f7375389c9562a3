using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Mandate.Client.Enforcement;

/// <summary>RFC 9457 problem details for refusals, with RFC 6750 (and for DPoP, RFC 9449) <c>WWW-Authenticate</c> on 401.</summary>
internal static class EnforcementProblems
{
    /// <summary>
    /// 401 with a challenge: the error goes with the scheme it concerns (<paramref name="dpop"/>: a DPoP-bound token
    /// or its proof), and the other scheme is offered too.
    /// </summary>
    public static Task UnauthenticatedAsync(HttpContext context, string? reason, string code = "invalid_token", bool dpop = false)
    {
        context.Response.Headers[HeaderNames.WWWAuthenticate] = Mandate.Tokens.Dpop.AuthenticationChallenge.Build(reason, code, dpop);
        return WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", "unauthenticated",
            reason ?? "send `Authorization: Bearer <token>` with a Mandate access token for this service");
    }

    public static Task ForbiddenAsync(HttpContext context, string code, string detail) =>
        WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", code, detail);

    public static Task UnavailableAsync(HttpContext context, string detail)
    {
        context.Response.Headers.RetryAfter = "1";
        return WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service unavailable", "decision_unavailable", detail + "; the request was refused");
    }

    private static async Task WriteAsync(HttpContext context, int status, string title, string code, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        // Problem details are JSON for programs and people, never HTML: backticks and angle brackets stay readable.
        await using var writer = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        writer.WriteString("type", "https://mandate.dev/problems/" + code.Replace('_', '-'));
        writer.WriteString("title", title);
        writer.WriteNumber("status", status);
        writer.WriteString("detail", detail);
        writer.WriteString("code", code);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }
}
