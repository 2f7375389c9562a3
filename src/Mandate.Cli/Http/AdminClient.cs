using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Mandate.Server.Hosting;

namespace Mandate.Cli.Http;

/// <summary>Calls a Mandate server's admin and decision APIs, turning problem details into <see cref="CliException"/>.</summary>
internal sealed class AdminClient(Uri server, string? token) : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http = Create(server, token);

    public Task<T> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, ct);

    public Task<T> PostAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Post, path, body, ct);

    public Task<T> PutAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Put, path, body, ct);

    public Task<T> PatchAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Patch, path, body, ct);

    /// <summary>Deletes what <paramref name="path"/> names; the answer has no body.</summary>
    public Task DeleteAsync(string path, CancellationToken ct) => SendWithoutBodyAsync(HttpMethod.Delete, path, ct);

    /// <summary>Sends a request with no body whose answer has none either, and returns the answer's status.</summary>
    public async Task<HttpStatusCode> SendWithoutBodyAsync(HttpMethod method, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
        return response.StatusCode;
    }

    public Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct) =>
        SendContentAsync<T>(method, path, body is null ? null : JsonContent.Create(body, body.GetType(), options: ApiJson.Options), ct);

    /// <summary>Sends <paramref name="content"/> as is (for example NDJSON) and reads the JSON answer.</summary>
    public async Task<T> SendContentAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        request.Content = content;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
        return await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, timeout.Token)
            ?? throw new CliException($"the server answered `{method} {path}` with an empty body");
    }

    /// <summary>Reads a Server-Sent Events stream, yielding each <c>data</c> payload.</summary>
    public async IAsyncEnumerable<string> StreamAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(stream).EnumerateAsync(ct))
        {
            yield return item.Data;
        }
    }

    /// <summary>Streams a response body (such as an export) into <paramref name="destination"/> as it arrives.</summary>
    public async Task CopyToAsync(string path, Stream destination, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await body.CopyToAsync(destination, ct);
    }

    /// <summary>Reads a line-delimited response body (such as an export) line by line as it arrives.</summary>
    public async IAsyncEnumerable<string> ReadLinesAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(body, System.Text.Encoding.UTF8);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            yield return line;
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendCheckedAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException($"cannot reach the Mandate server at {server}: {ex.Message} (is `mandate serve` running? set --server or MANDATE_URL)");
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw new CliException(await DescribeFailureAsync(response, ct));
        }
    }

    private static async Task<string> DescribeFailureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            using var problem = JsonDocument.Parse(text);
            if (problem.RootElement.TryGetProperty("detail", out var detail))
            {
                var hint = response.StatusCode == HttpStatusCode.Unauthorized ? " (pass --token or set MANDATE_ADMIN_TOKEN)" : string.Empty;
                return $"{detail.GetString()} [{status}]{hint}{Listed(problem.RootElement)}";
            }
        }
        catch (JsonException)
        {
            // Not problem details; fall through to the raw status.
        }

        return $"the server answered {status} {response.ReasonPhrase}";
    }

    // Refusals that list several problems (a bundle's, with file, line and column) show every one, one per line.
    private static string Listed(JsonElement problem)
    {
        if (!problem.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        var lines = new System.Text.StringBuilder();
        foreach (var error in errors.EnumerateArray())
        {
            if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("file", out var file) && error.TryGetProperty("message", out var message))
            {
                var line = error.TryGetProperty("line", out var l) && l.TryGetInt32(out var n) ? n : 0;
                var column = error.TryGetProperty("column", out var c) && c.TryGetInt32(out var m) ? m : 0;
                lines.Append(Environment.NewLine).Append("  ").Append(file.GetString())
                    .Append(line > 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $":{line}:{column}") : string.Empty)
                    .Append(": ").Append(message.GetString());
            }
        }

        return lines.ToString();
    }

    private static HttpClient Create(Uri server, string? token)
    {
        var baseAddress = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("mandate-cli", "1.0"));
        if (!string.IsNullOrEmpty(token))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }
}
