using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mandate.Tokens.Tests.Keys;

/// <summary>A JWKS publisher on a loopback port whose answer the test sets, counting the fetches it serves.</summary>
public sealed class JwksServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _serving;
    private int _fetches;

    public JwksServer()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Uri => $"http://127.0.0.1:{Port}/jwks";

    public int Fetches => Volatile.Read(ref _fetches);

    /// <summary>When set, each answer waits until it completes: a fetch the test holds in flight.</summary>
    public TaskCompletionSource? Release { get; set; }

    /// <summary>Completes when a request arrives while <see cref="Release"/> holds the answers.</summary>
    public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The body, status and extra headers of the next answers.</summary>
    public (string Body, int Status, (string Name, string Value)[] Headers) Answer { get; set; } = ("""{"keys":[]}""", 200, []);

    // Stopping the listener does not always end a pending GetContextAsync on Linux (a run hung here for an hour), so the
    // serving loop also stops waiting when told to, and only then is the listener stopped.
    public void Dispose()
    {
        _stopping.Cancel();
        _serving.GetAwaiter().GetResult();
        _listener.Close();
        _stopping.Dispose();
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref _fetches);
            if (Release is { } release)
            {
                Held.TrySetResult();
                try
                {
                    await release.Task.WaitAsync(_stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            var (body, status, headers) = Answer;
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            foreach (var (name, value) in headers)
            {
                context.Response.Headers[name] = value;
            }

            // A fetcher that gave up has closed the connection; the next one is served all the same.
            try
            {
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(body));
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException)
            {
                context.Response.Abort();
            }
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
