using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mandate.Server.Tests.Durability;

/// <summary>
/// The real <c>mandate serve</c> from the build output, as a separate process on 127.0.0.1 and a free port, so a test
/// can kill it the hard way (SIGKILL) and start it again over the same data directory.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ServerProcess> StartAsync(string dataDirectory, CancellationToken ct)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "mandate.dll"), "serve", "--data", dataDirectory, "--urls", address.GetLeftPart(UriPartial.Authority) })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[MandateServerOptions.AdminTokenVariable] = TestServer.AdminToken;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start `mandate serve`");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, address);
        await server.WaitUntilHealthyAsync(ct);
        return server;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush, no final checkpoint.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilHealthyAsync(CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"`mandate serve` exited with {_process.ExitCode} before it was healthy");
            }

            try
            {
                using var response = await http.GetAsync("healthz", ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // Slow to answer while starting.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("`mandate serve` did not become healthy within 90 s");
            }

            await Task.Delay(25, ct);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
