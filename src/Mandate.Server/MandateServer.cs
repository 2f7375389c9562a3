using Mandate.Authorization;
using Mandate.Core.Administration;
using Mandate.Core.Storage;
using Mandate.Server.Access;
using Mandate.Server.Admin;
using Mandate.Server.Demo;
using Mandate.Server.Events;
using Mandate.Server.Health;
using Mandate.Server.Hosting;
using Mandate.Server.OAuth;
using Mandate.Server.Security;
using Mandate.Storage.Sqlite;
using Mandate.Telemetry;
using Mandate.Tokens;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Dpop;
using Mandate.Tokens.Issuance;
using Mandate.Tokens.Keys;
using Mandate.Tokens.Registration;
using Mandate.Core.Registration;
using Mandate.Tokens.Validation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Mandate.Server;

/// <summary>A running Mandate control plane: embedded store, admin API, token service and decision API on Kestrel.</summary>
public sealed class MandateServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IMandateStore _store;
    private readonly SigningKeyRing _keys;

    private MandateServer(WebApplication app, IMandateStore store, SigningKeyRing keys)
    {
        _app = app;
        _store = store;
        _keys = keys;
    }

    /// <summary>The addresses Kestrel actually listens on (port 0 resolved).</summary>
    public IReadOnlyList<Uri> Addresses =>
        [.. _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a))];

    /// <summary>The service provider, for in-process callers and tests.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Opens the store (applying migrations), builds the host and starts listening.</summary>
    public static async Task<MandateServer> StartAsync(MandateServerOptions options, CancellationToken cancellationToken = default)
    {
        if (options.SigningAlgorithm is not (Tokens.Jose.JwsAlgorithms.ES256 or Tokens.Jose.JwsAlgorithms.EdDSA))
        {
            throw new InvalidOperationException($"the signing algorithm must be ES256 or EdDSA, not `{options.SigningAlgorithm}`");
        }

        var store = await SqliteMandateStore.OpenAsync(options.DataDirectory, cancellationToken);
        SigningKeyRing? keys = null;
        WebApplication? app = null;
        try
        {
            var admin = new AdminCredential();
            var generated = await admin.InitializeAsync(store.Settings, options.AdminToken, cancellationToken);
            keys = new SigningKeyRing(new KeySealer(KeyEncryptionKey.Load(options)), new SettingsKeyRepository(store.Settings),
                TimeProvider.System, SigningKeyRingOptions.Default with { Algorithm = options.SigningAlgorithm });
            await keys.InitializeAsync(cancellationToken);
            app = Build(options, store, admin, keys);
            app.Services.GetRequiredService<MandateMetrics>();
            var snapshots = app.Services.GetRequiredService<SnapshotSourceHolder>();
            var bundle = options.BundleDirectory is null ? null : PolicyBundle.Load(options.BundleDirectory);
            await snapshots.StartAsync(store, bundle, app.Services.GetRequiredService<ILogger<SnapshotSource>>(), cancellationToken);
            await app.StartAsync(cancellationToken);
            if (options.Demo)
            {
                await DemoSeeder.SeedAsync(app.Services, cancellationToken);
            }

            if (generated is not null)
            {
                var output = options.Announcements ?? Console.Out;
                await output.WriteLineAsync($"Generated the admin token (shown once; only its hash is stored):{Environment.NewLine}  {generated}");
                await output.FlushAsync(cancellationToken);
            }

            return new MandateServer(app, store, keys);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            keys?.Dispose();
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
        // Disposing the host drains the event pipeline; the final checkpoint then covers every event written.
        await _app.DisposeAsync();
        await AuditCheckpointing.CheckpointAsync(_store.Audit, _keys, TimeProvider.System, CancellationToken.None);
        _keys.Dispose();
        await _store.DisposeAsync();
    }

    private static WebApplication Build(MandateServerOptions options, IMandateStore store, AdminCredential admin, SigningKeyRing keys)
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
        services.AddSingleton(keys);
        services.AddSingleton<SnapshotSourceHolder>();
        services.AddSingleton(sp => sp.GetRequiredService<SnapshotSourceHolder>().Source);
        services.AddSingleton(sp => new TokenServiceOptions
        {
            Issuer = options.Issuer?.TrimEnd('/') ?? Issuer(sp),
            DpopNonceRequired = options.DpopNonceRequired,
        });
        services.AddSingleton<IClientDirectory, StoreClientDirectory>();
        services.AddSingleton<IReplayCache>(sp => new InMemoryReplayCache(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(new RemoteKeySetOptions());
        services.AddSingleton(sp => new RemoteKeySets(
            RemoteKeySets.CreateHttpClient(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<RemoteKeySetOptions>()));
        services.AddSingleton(sp => new DpopNonces(sp.GetRequiredService<TimeProvider>(), TimeSpan.FromMinutes(5)));
        services.AddSingleton<DpopProofValidator>();
        services.AddSingleton<JwtBearerGrant>();
        services.AddSingleton<ClientAssertionValidator>();
        services.AddSingleton<RegistrationTokens>();
        services.AddSingleton<ClientRegistration>();
        services.AddSingleton<ClientSecretValidator>();
        services.AddSingleton<ClientAuthenticator>();
        services.AddMetrics();
        services.AddSingleton<MandateMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MandateMetrics.MeterName)
            .AddPrometheusExporter());
        services.AddSingleton<UsageRecorder>();
        services.AddHostedService<KeyRotation>();
        services.AddHostedService<AuditCheckpointing>();
        services.AddSingleton<ITokenEvents, TokenEventRecorder>();
        services.AddSingleton<TokenEndpoint>();
        services.AddSingleton<AccessTokenValidator>();
        services.AddSingleton<DecisionPoint>();
        services.AddSingleton<PolicyLibrary>();
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
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapOAuthEndpoints();
        app.MapIntrospectionEndpoint();
        app.MapRegistrationEndpoint();
        app.MapEvaluationEndpoints();
        app.MapSearchEndpoints();
        var v1 = app.MapGroup("/v1").RequireAuthorization(MandateClaims.AdminPolicy).AddEndpointFilter(ReadYourWritesAsync);
        v1.MapIdentityEndpoints();
        v1.MapCredentialEndpoints();
        v1.MapGroupEndpoints();
        v1.MapPolicyEndpoints();
        v1.MapBundleEndpoints();
        v1.MapEventEndpoints();
        v1.MapRegistrationTokenEndpoints();
        return app;
    }

    /// <summary>A successful admin write answers only once decisions see it.</summary>
    private static async ValueTask<object?> ReadYourWritesAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method))
        {
            await http.RequestServices.GetRequiredService<SnapshotSource>().WhenCurrentAsync(http.RequestAborted);
        }

        return result;
    }

    private static string Issuer(IServiceProvider services)
    {
        var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address).GetLeftPart(UriPartial.Authority);
    }
}
