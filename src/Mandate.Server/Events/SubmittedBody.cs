using Mandate.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace Mandate.Server.Events;

/// <summary>
/// The body of an event submission or import: JSON or NDJSON, read whole up to the ingest size limit (larger bodies
/// end in 413 through the server's error handling).
/// </summary>
internal sealed record SubmittedBody(MemoryStream Content, bool Ndjson) : IDisposable
{
    public ReadOnlySpan<byte> Bytes => Content.GetBuffer().AsSpan(0, (int)Content.Length);

    /// <summary>Reads the body, or returns the problem with its media type.</summary>
    public static async Task<(SubmittedBody? Body, ProblemDetails? Problem)> ReadAsync(HttpContext http, MandateServerOptions options, CancellationToken ct)
    {
        var mediaType = http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var ndjson = mediaType is "application/x-ndjson" or "application/jsonl" or "application/ndjson";
        if (!ndjson && mediaType != "application/json")
        {
            return (null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                "send `application/json` (an array, or a CloudTrail `{\"Records\": [...]}` document) or `application/x-ndjson` (one object per line)"));
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxIngestBodyBytes;
        }

        var body = new MemoryStream((int)Math.Clamp(http.Request.ContentLength ?? 0, 0, options.MaxIngestBodyBytes));
        await http.Request.Body.CopyToAsync(body, ct);
        return (new SubmittedBody(body, ndjson), null);
    }

    public void Dispose() => Content.Dispose();
}
