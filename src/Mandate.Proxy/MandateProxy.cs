using Mandate.Client.Decisions;
using Mandate.Client.Enforcement;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Yarp.ReverseProxy.Forwarder;

namespace Mandate.Proxy;

/// <summary>
/// A running <c>mandate proxy</c>: Kestrel in front of one upstream. Every request passes the enforcement middleware
/// (token, route mapping, decision) and only allowed ones are forwarded, with YARP's forwarder, over pooled keep-alive
/// connections to the upstream. With <see cref="ProxyConfiguration.AdminListen"/> a second listener serves the proxy's own
/// <c>/metrics</c> and <c>/healthz</c>.
/// </summary>
public sealed class MandateProxy : IAsyncDisposable
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    private readonly WebApplication _app;
    private readonly WebApplication? _admin;

    private MandateProxy(WebApplication app, WebApplication? admin)
    {
        _app = app;
        _admin = admin;
    }

    /// <summary>The addresses the proxy listens on (port 0 resolved).</summary>
    public IReadOnlyList<Uri> Addresses => AddressesOf(_app);

    /// <summary>The addresses of the admin listener (<c>/metrics</c>, <c>/healthz</c>); empty when there is none.</summary>
    public IReadOnlyList<Uri> AdminAddresses => _admin is null ? [] : AddressesOf(_admin);

    /// <summary>The in-process decision snapshot follower, when the proxy decides in process.</summary>
    public SnapshotFollower? Snapshots => _app.Services.GetService<SnapshotFollower>();

    /// <summary>Starts the proxy; in in-process mode, waits (up to <paramref name="readyTimeout"/>) for the first snapshot.</summary>
    public static async Task<MandateProxy> StartAsync(ProxyConfiguration configuration, string? credential, TimeSpan? readyTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var upstream = configuration.Upstream ?? throw new ArgumentException("the proxy configuration needs `upstream`, the address of the service to protect");
        if (upstream is not { IsAbsoluteUri: true, Scheme: "http" or "https" })
        {
            throw new ArgumentException($"`upstream` must be an absolute http or https address, such as http://127.0.0.1:5000, not `{upstream}`");
        }

        CheckAddresses("listen", configuration.Listen, required: true);
        CheckAddresses("admin_listen", configuration.AdminListen, required: false);
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

        // A failed start is thrown to the caller (`mandate proxy` names it in one line); the host's own error for it would
        // repeat it with a stack trace.
        builder.Logging.AddFilter(HostCategory, LogLevel.Critical);
        builder.Services.AddHttpForwarder();
        builder.Services.AddMandateEnforcement(options => configuration.ApplyTo(options, credential));

        var app = builder.Build();
        app.UseMandateEnforcement();
        app.MapForwarder("/{**path}", upstream.AbsoluteUri, ForwarderRequestConfig.Empty, HttpTransformer.Default);
        WebApplication? admin = null;
        try
        {
            await app.StartAsync(cancellationToken);
            if (configuration.AdminListen.Count > 0)
            {
                admin = BuildAdmin(configuration, app.Services);
                await admin.StartAsync(cancellationToken);
            }

            if (app.Services.GetService<SnapshotFollower>() is { } follower)
            {
                using var ready = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                ready.CancelAfter(readyTimeout ?? TimeSpan.FromSeconds(30));
                await follower.WhenReadyAsync(ready.Token);
            }
        }
        catch
        {
            if (admin is not null)
            {
                await admin.DisposeAsync();
            }

            await app.DisposeAsync();
            throw;
        }

        return new MandateProxy(app, admin);
    }

    // The admin listener: a host of its own, so its paths never shadow the upstream's and its port can stay private.
    private static WebApplication BuildAdmin(ProxyConfiguration configuration, IServiceProvider proxy)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls([.. configuration.AdminListen]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Logging.AddFilter(HostCategory, LogLevel.Critical);

        // This proxy's instruments only: the enforcement meter's scope is its options instance, and meters are matched by
        // name across the process.
        var scope = proxy.GetRequiredService<MandateEnforcementOptions>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(EnforcementMetrics.MeterName)
            .AddView(instrument => ReferenceEquals(instrument.Meter.Scope, scope) ? null : MetricStreamConfiguration.Drop)
            .AddPrometheusExporter());
        var admin = builder.Build();
        admin.MapPrometheusScrapingEndpoint("/metrics");
        var follower = proxy.GetService<SnapshotFollower>();
        // A proxy deciding on a snapshot the server has stopped confirming is not healthy: a load balancer should stop
        // sending it requests (each of which it refuses with 503 anyway).
        admin.MapGet("/healthz", IResult () => follower is not null && follower.IsStale(scope.MaxSnapshotAge)
            ? TypedResults.Json(new ProxyHealth("stale", "in_process", follower.Version), statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Ok(new ProxyHealth("ok", follower is null ? "remote" : "in_process", follower?.Version)));
        return admin;
    }

    // What Kestrel can bind: checked before anything starts, so a typo is named rather than thrown from the host's start.
    private static void CheckAddresses(string member, IReadOnlyList<string> addresses, bool required)
    {
        if (required && addresses.Count == 0)
        {
            throw new ArgumentException($"the proxy configuration needs at least one `{member}` address, for example http://127.0.0.1:8081");
        }

        foreach (var address in addresses)
        {
            try
            {
                BindingAddress.Parse(address);
            }
            catch (FormatException)
            {
                throw new ArgumentException($"`{member}` has `{address}`, which is not a listen address such as http://127.0.0.1:8081");
            }
        }
    }

    private static List<Uri> AddressesOf(WebApplication app) =>
        [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a))];

    /// <summary>Completes when the host shuts down.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.StopAsync();
            await _admin.DisposeAsync();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>
    /// The body of <c>GET /healthz</c>: <c>ok</c>, or <c>stale</c> (503) when the snapshot has gone unconfirmed too long;
    /// the decision mode and, in process, the snapshot version in use.
    /// </summary>
    private sealed record ProxyHealth(string Status, string Mode, string? Snapshot);
}
