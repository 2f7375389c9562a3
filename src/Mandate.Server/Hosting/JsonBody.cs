using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Hosting;

/// <summary>
/// JSON bodies of the decision endpoints, read and written whole. Reading the body in one piece and parsing it in one
/// synchronous pass is cheaper than the framework's streaming body binding, which suspends and resumes the
/// deserializer per buffer; the body limit still applies (Kestrel refuses oversize bodies with 413) and malformed JSON
/// is a <see cref="JsonException"/>, answered as a 400 problem like any other. Answers are serialized into a
/// per-thread buffer and sent with their length, in one write.
/// </summary>
internal static class JsonBody
{
    private const string JsonContentType = "application/json; charset=utf-8";

    // Per thread, reused: a decision answer is small, and a buffer that grew for a large batch answer is let go.
    private const int KeptBufferBytes = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Whether the request says its body is JSON (otherwise answer 415).</summary>
    public static bool IsJson(HttpRequest request) =>
        // What clients nearly always send is recognized without parsing the header; anything else is parsed.
        string.Equals(request.ContentType, "application/json", StringComparison.OrdinalIgnoreCase)
        || string.Equals(request.ContentType, JsonContentType, StringComparison.OrdinalIgnoreCase)
        || request.HasJsonContentType();

    /// <summary>Reads a request body off a JSON reader that stands before its first token.</summary>
    public delegate T Parser<T>(ref Utf8JsonReader reader);

    // Deeper bodies are refused before anything is built from them, as the server's serializer options refuse them.
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = ApiJson.Options.MaxDepth };

    /// <summary>Reads the whole body with <paramref name="parse"/>.</summary>
    public static async ValueTask<T> ReadAsync<T>(HttpContext http, Parser<T> parse)
    {
        var reader = http.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(http.RequestAborted);
            if (!read.IsCompleted)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                continue;
            }

            try
            {
                var json = new Utf8JsonReader(read.Buffer, ReaderOptions);
                return parse(ref json);
            }
            finally
            {
                reader.AdvanceTo(read.Buffer.End);
            }
        }
    }

    /// <summary>Answers 200 with <paramref name="value"/> as JSON, with a <c>Content-Length</c>.</summary>
    public static Task WriteAsync<T>(HttpContext http, T value, JsonTypeInfo<T> type)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = type.Options.Encoder, SkipValidation = true });
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
        {
            JsonSerializer.Serialize(writer, value, type);
            writer.Flush();
            var response = http.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = JsonContentType;
            response.ContentLength = buffer.WrittenCount;

            // Started first, so the headers are in the connection's output and the body is copied in behind them: asked
            // for memory before the response has started, Kestrel lends a block of its own to hold the body and copies it
            // again once the headers are written.
            var started = response.StartAsync(http.RequestAborted);
            if (!started.IsCompletedSuccessfully)
            {
                // Work registered to run as the response starts has not finished: the answer may be written after this
                // thread has moved on and reused its buffer, so it gets a copy of its own.
                return WriteWhenStartedAsync(started, response.BodyWriter, buffer.WrittenSpan.ToArray(), http.RequestAborted);
            }

            // Copied into the response before this returns, so the buffer is free for the next answer on this thread.
            var body = response.BodyWriter;
            buffer.WrittenSpan.CopyTo(body.GetSpan(buffer.WrittenCount));
            body.Advance(buffer.WrittenCount);
            return body.FlushAsync(http.RequestAborted).AsTask();
        }
        finally
        {
            if (buffer.Capacity > KeptBufferBytes)
            {
                t_buffer = null;
                t_writer = null;
            }
        }
    }

    private static async Task WriteWhenStartedAsync(Task started, PipeWriter body, byte[] answer, CancellationToken cancellationToken)
    {
        await started;
        await body.WriteAsync(answer, cancellationToken);
    }
}
