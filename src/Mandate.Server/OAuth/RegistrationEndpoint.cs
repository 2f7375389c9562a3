using System.Text.Json;
using Mandate.Authorization;
using Mandate.Server.Hosting;
using Mandate.Tokens.Registration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.OAuth;

/// <summary>
/// RFC 7591 dynamic client registration at <c>/oauth2/register</c>. Authorized by an initial access token (not the
/// admin token), so it is anonymous to the admin authentication; every answer is RFC 7591 JSON.
/// </summary>
internal static class RegistrationEndpoint
{
    public static void MapRegistrationEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPost("/oauth2/register", RegisterAsync).AllowAnonymous().WithTags("OAuth").DisableAntiforgery();

    private static async Task<IResult> RegisterAsync(HttpContext http, ClientRegistration registration, SnapshotSource snapshots, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        if (http.Request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Answer(http, RegistrationError("send the client metadata as `application/json`"));
        }

        if (http.Request.ContentLength is > ClientRegistration.MaxRequestBytes)
        {
            return Answer(http, RegistrationError("the registration request is too large"));
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(new LimitedStream(http.Request.Body, ClientRegistration.MaxRequestBytes),
                new JsonDocumentOptions { MaxDepth = 16 }, ct);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or BadHttpRequestException)
        {
            return Answer(http, RegistrationError(ex is InvalidDataException ? "the registration request is too large" : "the registration request is not valid JSON"));
        }

        using (document)
        {
            var header = http.Request.Headers.Authorization.ToString();
            var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
            var result = await registration.RegisterAsync(token, document.RootElement, http.Audit(), ct);
            if (result.Status == StatusCodes.Status201Created)
            {
                // Like every admin write: answer only once decisions and token checks see the new client.
                await snapshots.WhenCurrentAsync(ct);
            }

            return Answer(http, result);
        }
    }

    private static RegistrationResult RegistrationError(string description) =>
        new(400, new Dictionary<string, object> { ["error"] = "invalid_client_metadata", ["error_description"] = description });

    private static IResult Answer(HttpContext http, RegistrationResult result)
    {
        if (result.Status == StatusCodes.Status401Unauthorized)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        }

        return TypedResults.Json(result.Body, (JsonSerializerOptions?)null, statusCode: result.Status);
    }

    /// <summary>Reads at most a given number of bytes, then fails, so a body without Content-Length cannot grow without bound.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            _read += read;
            return _read > limit ? throw new InvalidDataException("too large") : read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
