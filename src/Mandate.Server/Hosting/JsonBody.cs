using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mandate.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mandate.Server.Hosting;

/// <summary>
/// Reads a JSON request body whole, then deserializes it in one synchronous pass. On the decision endpoints this
/// is cheaper than the framework's streaming body binding, which suspends and resumes the deserializer per buffer;
/// the body limit still applies (Kestrel refuses oversize bodies with 413) and malformed JSON is a
/// <see cref="JsonException"/>, answered as a 400 problem like any other.
/// </summary>
internal static class JsonBody
{
    /// <summary>Whether the request says its body is JSON (otherwise answer 415).</summary>
    public static bool IsJson(HttpRequest request) => request.HasJsonContentType();

    /// <summary>Reads the body as <typeparamref name="T"/> with the server's JSON options (the same as endpoint binding).</summary>
    public static ValueTask<T> ReadAsync<T>(HttpContext http)
        where T : class
    {
        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return ReadAsync(http, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
    }

    private static async ValueTask<T> ReadAsync<T>(HttpContext http, JsonTypeInfo<T> type)
        where T : class
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
                var json = new Utf8JsonReader(read.Buffer);
                return JsonSerializer.Deserialize(ref json, type)
                    ?? throw MandateException.Invalid("body", "the request body is `null`; send a JSON object");
            }
            finally
            {
                reader.AdvanceTo(read.Buffer.End);
            }
        }
    }
}
