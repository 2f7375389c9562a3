using Mandate.Core.Administration;
using Mandate.Core.Storage;
using Mandate.Server.Admin;
using Mandate.Server.Events;
using Mandate.Server.Health;
using Mandate.Server.Hosting;
using Mandate.Server.Security;
using Mandate.Storage.Sqlite;
using Mandate.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server;

/// <summary>A running Mandate control plane: embedded store, admin API, token service and decision API on Kestrel.</summary>
public sealed class MandateServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IMandateStore _store;

    private MandateServer(WebApplication app, IMandateStore store)
    {
        _app = app;
        _store = store;
    }

    /// <summary>The addresses Kestrel actually listens on (port 0 resolved).</summary>
    public IReadOnlyList<Uri> Addresses =>
        [.. _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a))];

    /// <summary>The service provider, for in-process callers and tests.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Opens the store (applying migrations), builds the host and starts listening.</summary>
    public static async Task<MandateServer> StartAsync(MandateServerOptions options, CancellationToken cancellationToken = default)
    {
        var store = await SqliteMandateStore.OpenAsync(options.DataDirectory, cancellationToken);
        try
        {
            var admin = new AdminCredential();
            var generated = await admin.InitializeAsync(store.Settings, options.AdminToken, cancellationToken);
            var app = Build(options, store, admin);
            await app.StartAsync(cancellationToken);
            if (generated is not null)
            {
                var output = options.Announcements ?? Console.Out;
                await output.WriteLineAsync($"Generated the admin token (shown once; only its hash is stored):{Environment.NewLine}  {generated}");
                await output.FlushAsync(cancellationToken);
            }

            return new MandateServer(app, store);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>Completes when the host shuts down (Ctrl+C, SIGTERM, or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops accepting requests and drains in-flight work, including queued events.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _store.DisposeAsync();
    }

    private static WebApplication Build(MandateServerOptions options, IMandateStore store, AdminCredential admin)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // Unhandled failures are logged once, by ErrorHandling, with the request they broke.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware", LogLevel.None);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(store);
        services.AddSingleton(admin);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new EventPipelineOptions());
        services.AddSingleton<EventPipeline>(sp => new EventPipeline(store.Events, sp.GetRequiredService<EventPipelineOptions>(),
            sp.GetRequiredService<ILogger<EventPipeline>>()));
        services.AddSingleton<Core.Events.IEventSink>(sp => sp.GetRequiredService<EventPipeline>());
        services.AddSingleton<IdentityRegistry>();
        services.AddSingleton<CredentialRegistry>();
        services.AddSingleton<GroupDirectory>();
        services.AddSingleton<CredentialInputs>();
        services.AddSingleton<AccessTokenAuthenticator>();

        services.ConfigureHttpJsonOptions(json => ApiJson.Configure(json.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddOpenApi();
        services.AddAuthentication(MandateClaims.Scheme)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthenticationHandler>(MandateClaims.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(MandateClaims.AdminPolicy, p => p.RequireClaim(MandateClaims.Role, MandateClaims.AdminRole))
            .AddPolicy(MandateClaims.CallerPolicy, p => p.RequireAuthenticatedUser())
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        var app = builder.Build();
        app.UseMandateErrors();
        app.Use((context, next) =>
        {
            context.Response.Headers[RequestAudit.RequestIdHeader] = context.RequestId();
            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthEndpoints();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        var v1 = app.MapGroup("/v1").RequireAuthorization(MandateClaims.AdminPolicy);
        v1.MapIdentityEndpoints();
        v1.MapCredentialEndpoints();
        v1.MapGroupEndpoints();
        v1.MapEventEndpoints();

        // Drain queued events before the store closes.
        app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<EventPipeline>().DisposeAsync().AsTask().GetAwaiter().GetResult());
        return app;
    }
}
