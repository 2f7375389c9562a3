using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Mandate.Core.Errors;
using Mandate.Server.Hosting;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Admin;

/// <summary>
/// An uploaded bundle: <c>application/json</c> <c>{"files": {"name.cedar": "text", ...}}</c>, or <c>application/gzip</c>
/// (a <c>.tar.gz</c> of the bundle directory; files in subdirectories and other names are refused).
/// </summary>
/// <param name="Files">File contents by name.</param>
internal sealed record BundleUpload(Dictionary<string, string> Files)
{
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        switch (mediaType)
        {
            case "application/json":
                var upload = await JsonSerializer.DeserializeAsync<BundleUpload>(request.Body, ApiJson.Options, ct)
                    ?? throw MandateException.Invalid("files", "send `{\"files\": {\"name.cedar\": \"...\"}}`");
                var files = upload.Files ?? throw MandateException.Invalid("files", "`files` is required");
                foreach (var (name, text) in files)
                {
                    if (text is null)
                    {
                        throw MandateException.Invalid("files", $"`files.{name}` must be the file's text, not null");
                    }
                }

                return files;
            case "application/gzip" or "application/x-gzip" or "application/x-tar+gzip":
                return await ReadTarGzAsync(request.Body, maxBytes, ct);
            default:
                throw new MandateException(UnsupportedMediaType, "send the bundle as `application/json` ({\"files\": {...}}) or `application/gzip` (a .tar.gz)");
        }
    }

    /// <summary>The stable code of a refusal for a body of the wrong media type.</summary>
    public const string UnsupportedMediaType = "unsupported_media_type";

    private static async Task<IReadOnlyDictionary<string, string>> ReadTarGzAsync(Stream body, long maxBytes, CancellationToken ct)
    {
        // Buffer first: the tar reader needs a seekable stream for entry data, and the body limit already bounds the size.
        using var buffered = new MemoryStream();
        await body.CopyToAsync(buffered, ct);
        buffered.Position = 0;
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        long expanded = 0;
        try
        {
            await using var gzip = new GZipStream(buffered, CompressionMode.Decompress);
            await using var tar = new TarReader(gzip);
            while (await tar.GetNextEntryAsync(copyData: false, ct) is { } entry)
            {
                if (entry.EntryType is TarEntryType.Directory or TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes)
                {
                    continue;
                }

                var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || name.Contains('/', StringComparison.Ordinal))
                {
                    throw MandateException.Invalid("bundle", $"`{name}` is not a plain file at the top of the archive");
                }

                expanded += entry.Length;
                if (expanded > maxBytes * 4)
                {
                    throw MandateException.Invalid("bundle", "the archive expands to more than the server accepts");
                }

                if (entry.DataStream is null)
                {
                    files[name] = string.Empty;
                    continue;
                }

                using var reader = new StreamReader(entry.DataStream, new UTF8Encoding(false, throwOnInvalidBytes: true));
                files[name] = await reader.ReadToEndAsync(ct);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or DecoderFallbackException or EndOfStreamException)
        {
            throw MandateException.Invalid("bundle", "the body is not a readable .tar.gz of UTF-8 text files: " + ex.Message);
        }

        return files;
    }
}
