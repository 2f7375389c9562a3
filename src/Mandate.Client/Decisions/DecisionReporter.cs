using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using Mandate.Core.Events;
using Microsoft.Extensions.Logging;

namespace Mandate.Client.Decisions;

/// <summary>
/// Sends the decisions an in-process enforcement point makes to Mandate's event stream (<c>POST /v1/events</c>), in
/// batches: reporting never blocks a request (a bounded queue; when it is full the event is dropped and counted), and
/// what arrived within a short interval (200 ms) after the first event goes out in batches of up to 1,000. Failed
/// batches are retried a few times.
/// </summary>
public sealed partial class DecisionReporter : IAsyncDisposable
{
    private const int MaxBatch = 1000;
    private const int MaxText = 4096;
    private const int MaxMessage = 16 * 1024;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly Func<CancellationToken, ValueTask<string>> _credential;
    private readonly string _source;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _closing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<MandateEvent> _queue = Channel.CreateBounded<MandateEvent>(
        new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Task _sender;

    // The send loop's one body buffer and writer, reused for every batch: a batch is sent (and retried) before the next
    // is written, so nothing reads the buffer while it is rewritten, and a request's decision costs no body bytes of its
    // own beyond its share of the buffer's one-time growth.
    private readonly ArrayBufferWriter<byte> _body = new(16 * 1024);
    private readonly Utf8JsonWriter _writer;
    private long _dropped;
    private long _sent;

    /// <summary>Starts the reporter; <paramref name="source"/> names this enforcement point in each event.</summary>
    public DecisionReporter(HttpClient http, Uri server, Func<CancellationToken, ValueTask<string>> credential, string source, ILogger<DecisionReporter> logger)
    {
        ArgumentNullException.ThrowIfNull(server);
        _http = http;
        _endpoint = new Uri(server.AbsoluteUri.TrimEnd('/') + "/v1/events");
        _credential = credential;
        _source = source;
        _logger = logger;
        _writer = new Utf8JsonWriter(_body);
        _sender = Task.Run(SendLoopAsync);
    }

    /// <summary>Events refused because the queue was full or the server kept refusing them.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events the server acknowledged.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Events queued and not yet sent.</summary>
    public int Pending => _queue.Reader.Count;

    /// <summary>Queues one event; never blocks.</summary>
    public void Report(MandateEvent decision)
    {
        if (!_queue.Writer.TryWrite(decision))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Sends what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        _closing.TrySetResult();
        await _sender;
        await _writer.DisposeAsync();
    }

    private async Task SendLoopAsync()
    {
        var batch = new List<MandateEvent>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            // Let a burst accumulate so one request carries many decisions. The reporter sleeps through it rather than
            // waking for every event, which would put a work item beside every request on the request threads.
            await Task.WhenAny(Task.Delay(Interval), _closing.Task);
            while (reader.TryRead(out var next))
            {
                batch.Add(next);
                if (batch.Count == MaxBatch)
                {
                    await SendAsync(batch);
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                await SendAsync(batch);
                batch.Clear();
            }
        }
    }

    private async Task SendAsync(List<MandateEvent> batch)
    {
        var body = Serialize(batch);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ReadOnlyMemoryContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                // An attempt that hangs (Mandate overloaded, packets dropped) must not hold the queue behind it.
                using var deadline = new CancellationTokenSource(AttemptTimeout);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _credential(deadline.Token));
                using var response = await _http.SendAsync(request, deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Add(ref _sent, batch.Count);
                    return;
                }

                LogRefused((int)response.StatusCode, batch.Count, await response.Content.ReadAsStringAsync(deadline.Token));
                if ((int)response.StatusCode is >= 400 and < 500)
                {
                    break;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or MandateClientException or OperationCanceledException)
            {
                LogSendFailed(ex, batch.Count);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt));
        }

        Interlocked.Add(ref _dropped, batch.Count);
    }

    /// <summary>
    /// The events as the JSON array <c>POST /v1/events</c> takes (the same members <c>GET /v1/events</c> returns), in the
    /// reporter's body buffer: valid until the next call. Only the send loop calls it once the reporter runs.
    /// </summary>
    internal ReadOnlyMemory<byte> Serialize(List<MandateEvent> batch)
    {
        _body.ResetWrittenCount();
        var writer = _writer;
        writer.Reset(_body);
        writer.WriteStartArray();
        foreach (var e in batch)
        {
            writer.WriteStartObject();
            writer.WriteString("id", e.Id);
            writer.WriteString("time", e.Time);
            writer.WriteString("type", e.Type);
            writer.WriteString("category", "authorization");
            writer.WriteString("outcome", e.Outcome == EventOutcome.Success ? "success" : "failure");
            Optional(writer, "actor_id", e.ActorId);
            Optional(writer, "actor_kind", e.ActorKind);
            Optional(writer, "action", e.Action);
            Optional(writer, "resource_type", e.ResourceType);
            Optional(writer, "resource_id", e.ResourceId);
            Optional(writer, "token_id", e.TokenId);
            Optional(writer, "source_ip", e.SourceIp);
            Optional(writer, "user_agent", e.UserAgent);
            Optional(writer, "request_id", e.RequestId);
            Optional(writer, "message", e.Message);
            writer.WriteString("source", _source);
            writer.WriteStartArray("policies");
            foreach (var policy in e.Policies)
            {
                writer.WriteStringValue(policy);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.Flush();
        return _body.WrittenMemory;
    }

    // The event endpoint refuses a whole submission for one over-long field: cut each to what it accepts.
    private static void Optional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            var limit = name == "message" ? MaxMessage : MaxText;
            writer.WriteString(name, value.Length <= limit ? value : value[..limit]);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "the event endpoint refused {Count} decision events with {Status}: {Body}")]
    private partial void LogRefused(int status, int count, string body);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "sending {Count} decision events failed")]
    private partial void LogSendFailed(Exception exception, int count);
}
