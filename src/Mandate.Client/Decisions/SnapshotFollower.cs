using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Mandate.Authorization;
using Mandate.Authorization.Sync;
using Microsoft.Extensions.Logging;

namespace Mandate.Client.Decisions;

/// <summary>
/// Keeps a local copy of the server's decision snapshot (<c>GET /v1/snapshot</c>) in step, in the background: a
/// conditional long poll (<c>If-None-Match</c> + <c>wait</c>) returns as soon as the server's snapshot changes, and the
/// new copy replaces the old one atomically. Until the first copy arrives, <see cref="Current"/> is null and
/// decisions fail closed; after a failure the last good copy stays in use while the follower retries.
/// </summary>
public sealed partial class SnapshotFollower : IAsyncDisposable
{
    private const int WaitSeconds = 30;

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly Func<CancellationToken, ValueTask<string>> _credential;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private Followed? _current;
    private long _generation;
    private long _updates;
    private long _failures;

    // When the server last confirmed the copy current (Stopwatch ticks), 0 before the first copy.
    private long _confirmedAt;

    /// <summary>Starts following the server at <paramref name="server"/>.</summary>
    public SnapshotFollower(HttpClient http, Uri server, Func<CancellationToken, ValueTask<string>> credential, ILogger<SnapshotFollower> logger)
    {
        ArgumentNullException.ThrowIfNull(server);
        _http = http;
        _endpoint = new Uri(server.AbsoluteUri.TrimEnd('/') + "/v1/snapshot");
        _credential = credential;
        _logger = logger;
        _loop = Task.Run(FollowAsync);
    }

    /// <summary>The latest snapshot copy, or null before the first one arrived.</summary>
    public AuthorizationSnapshot? Current => Volatile.Read(ref _current)?.Snapshot;

    /// <summary>The server's version of <see cref="Current"/>.</summary>
    public string? Version => Volatile.Read(ref _current)?.Version;

    /// <summary>How many snapshot copies were taken into use.</summary>
    public long Updates => Interlocked.Read(ref _updates);

    /// <summary>How many exchanges with the server failed (the last good copy stayed in use each time).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>
    /// How long ago the server last confirmed the copy in use current: by sending it, or by answering that it has not
    /// changed. A long poll waits up to 30 seconds for a change, so while the server is reachable this stays below that;
    /// beyond it the copy may be stale. Null before the first copy.
    /// </summary>
    public TimeSpan? SinceConfirmed => Interlocked.Read(ref _confirmedAt) is var at and not 0 ? Stopwatch.GetElapsedTime(at) : null;

    /// <summary>
    /// Whether the copy in use has gone unconfirmed for longer than <paramref name="maxAge"/> (the server refuses the
    /// credential, cannot be reached, or answers what this version cannot read), so that decisions on it would ignore
    /// whatever changed since, a suspension included. False before the first copy, which is refused on its own.
    /// </summary>
    public bool IsStale(TimeSpan maxAge) => SinceConfirmed > maxAge;

    /// <summary>Raised after a new snapshot copy is in use.</summary>
    public event EventHandler? Updated;

    /// <summary>Completes when the first snapshot copy is in use.</summary>
    public Task WhenReadyAsync(CancellationToken cancellationToken) => _first.Task.WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task FollowAsync()
    {
        var token = _stopping.Token;
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!token.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(token);
                backoff = TimeSpan.FromMilliseconds(200);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                Interlocked.Increment(ref _failures);
                LogFollowFailed(ex, _endpoint);
                await Task.Delay(backoff, token);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private async Task PollOnceAsync(CancellationToken token)
    {
        var known = Volatile.Read(ref _current)?.Version;
        using var request = new HttpRequestMessage(HttpMethod.Get, known is null ? _endpoint : new Uri(_endpoint + "?wait=" + WaitSeconds));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _credential(token));
        if (known is not null)
        {
            request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue('"' + known + '"'));
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        deadline.CancelAfter(TimeSpan.FromSeconds(WaitSeconds + 15));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            Interlocked.Exchange(ref _confirmedAt, Stopwatch.GetTimestamp());
            return;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new MandateClientException($"`{_endpoint}` answered {(int)response.StatusCode}");
        }

        var body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
        var (version, snapshot) = SnapshotDocument.Read(body, Interlocked.Increment(ref _generation));
        Volatile.Write(ref _current, new Followed(version, snapshot));
        Interlocked.Exchange(ref _confirmedAt, Stopwatch.GetTimestamp());
        Interlocked.Increment(ref _updates);
        LogUpdated(version);
        _first.TrySetResult();
        Updated?.Invoke(this, EventArgs.Empty);
    }

    private sealed record Followed(string Version, AuthorizationSnapshot Snapshot);

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "following the decision snapshot at {Endpoint} failed; the last copy stays in use")]
    private partial void LogFollowFailed(Exception exception, Uri endpoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "decision snapshot {Version} in use")]
    private partial void LogUpdated(string version);
}
