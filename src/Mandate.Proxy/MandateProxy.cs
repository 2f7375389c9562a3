using Mandate.Client.Decisions;
using Mandate.Client.Enforcement;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Mandate.Proxy;

/// <summary>
/// A running <c>mandate proxy</c>: Kestrel in front of one upstream. Every request passes the enforcement middleware
/// (token, route mapping, decision) and only allowed ones are forwarded, with YARP's forwarder, over pooled keep-alive
/// connections to the upstream.
/// </summary>
public sealed class MandateProxy : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MandateProxy(WebApplication app) => _app = app;

    /// <summary>The addresses the proxy listens on (port 0 resolved).</summary>
    public IReadOnlyList<Uri> Addresses =>
        [.. _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a))];

    /// <summary>The in-process decision snapshot follower, when the proxy decides in process.</summary>
    public SnapshotFollower? Snapshots => _app.Services.GetService<SnapshotFollower>();

    /// <summary>Starts the proxy; in in-process mode, waits (up to <paramref name="readyTimeout"/>) for the first snapshot.</summary>
    public static async Task<MandateProxy> StartAsync(ProxyConfiguration configuration, string? credential, TimeSpan? readyTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var upstream = configuration.Upstream ?? throw new ArgumentException("the proxy configuration needs `upstream`, the address of the service to protect");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls([.. configuration.Listen]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // Left on at Critical, hosting starts an Activity per request, and with one current the forwarding HttpClient
        // starts another and writes trace headers: spans nothing collects, on every hop. A caller's own trace headers
        // are still forwarded as they came.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Services.AddHttpForwarder();
        builder.Services.AddMandateEnforcement(options => configuration.ApplyTo(options, credential));

        var app = builder.Build();
        app.UseMandateEnforcement();
        app.MapForwarder("/{**path}", upstream.AbsoluteUri, ForwarderRequestConfig.Empty, HttpTransformer.Default);
        try
        {
            await app.StartAsync(cancellationToken);
            if (app.Services.GetService<SnapshotFollower>() is { } follower)
            {
                using var ready = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                ready.CancelAfter(readyTimeout ?? TimeSpan.FromSeconds(30));
                await follower.WhenReadyAsync(ready.Token);
            }
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new MandateProxy(app);
    }

    /// <summary>Completes when the host shuts down.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
