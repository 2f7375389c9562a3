using Mandate.Authorization;
using Mandate.Authorization.ControlPlane;
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
using Mandate.Telemetry.Import;
using Mandate.Tokens;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Delegation;
using Mandate.Tokens.Dpop;
using Mandate.Tokens.Issuance;
using Mandate.Tokens.Keys;
using Mandate.Tokens.Registration;
using Mandate.Tokens.Revocation;
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
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxDelegationDepth is < 1 or > MandateServerOptions.MaxDelegationDepthLimit)
        {
            throw new InvalidOperationException($"the maximum delegation depth must be between 1 and {MandateServerOptions.MaxDelegationDepthLimit}, not {options.MaxDelegationDepth}");
        }

        if (options.AccessTokenLifetime < MandateServerOptions.MinAccessTokenLifetime || options.AccessTokenLifetime > MandateServerOptions.MaxAccessTokenLifetime)
        {
            throw new InvalidOperationException(
                $"the access token lifetime must be between {MandateServerOptions.MinAccessTokenLifetime.TotalMinutes:0} minute and {MandateServerOptions.MaxAccessTokenLifetime.TotalMinutes:0} minutes, not {options.AccessTokenLifetime}");
        }

        if (options.SigningAlgorithm is not (Tokens.Jose.JwsAlgorithms.ES256 or Tokens.Jose.JwsAlgorithms.EdDSA))
        {
            throw new InvalidOperationException($"the signing algorithm must be ES256 or EdDSA, not `{options.SigningAlgorithm}`");
        }

        if (options.Urls.Count == 0)
        {
            throw new InvalidOperationException("the server needs at least one listen address, for example http://127.0.0.1:8080");
        }

        foreach (var url in options.Urls)
        {
            if (!IsListenAddress(url))
            {
                throw new InvalidOperationException($"`{url}` is not a listen address, such as http://127.0.0.1:8080 (port 0 picks a free port)");
            }
        }

        var store = await OpenStoreAsync(options.DataDirectory, cancellationToken);
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
            // An explicit --bundle wins; otherwise the last uploaded bundle is served again.
            var bundle = options.BundleDirectory is null ? app.Services.GetRequiredService<StoredBundle>().Load() : PolicyBundle.Load(options.BundleDirectory);
            await snapshots.StartAsync(store, bundle, app.Services.GetRequiredService<ILogger<SnapshotSource>>(), cancellationToken);
            if (app.Services.GetService<SnapshotHugePages>() is { } pages)
            {
                snapshots.Source.Updated += (_, _) => pages.SnapshotChanged();
                pages.SnapshotChanged();
            }

            // The revocation set must hold every live revocation and delegation before the first token is checked.
            await app.Services.GetRequiredService<RevocationSet>().LoadAsync(store.Delegations, TimeProvider.System.GetUtcNow(), cancellationToken);
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
                await StopQuietlyAsync(app);
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
        // Stopping first lets background services see their stopping token as a shutdown rather than as a failure
        // (after an earlier StopAsync there is nothing left to stop); disposing the host drains the event pipeline,
        // and the final checkpoint then covers every event written.
        await _app.StopAsync();
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

        // Hosting logs nothing at Warning or above that a failed start does not also throw; left on at Critical, it
        // makes every request start an Activity and a logging scope that nothing reads.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        // Unhandled failures are logged once, by ErrorHandling, with the request they broke.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware", LogLevel.None);

        // A failed start is thrown to the caller (`mandate serve` names it in one line), and the host's own error for it
        // would repeat it with a stack trace; a background service's failure still reaches the log at Critical.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(store);
        services.AddSingleton(admin);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new EventPipelineOptions());
        services.AddSingleton<EventPipeline>(sp => new EventPipeline(store.Events, sp.GetRequiredService<EventPipelineOptions>(),
            sp.GetRequiredService<ILogger<EventPipeline>>()));
        services.AddSingleton<Core.Events.IEventSink>(sp => sp.GetRequiredService<EventPipeline>());
        services.AddSingleton(sp => new EventImporter(
            store, (events, token) => sp.GetRequiredService<EventPipeline>().AppendDurableAsync(events, token), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(keys);
        services.AddSingleton<SnapshotSourceHolder>();
        if (options.HugePages)
        {
            services.AddSingleton<SnapshotHugePages>();
        }

        services.AddSingleton(sp => sp.GetRequiredService<SnapshotSourceHolder>().Source);
        services.AddSingleton(sp =>
        {
            var issuer = options.Issuer?.TrimEnd('/') ?? Issuer(sp);
            return new TokenServiceOptions
            {
                Issuer = issuer,
                MaxDelegationDepth = options.MaxDelegationDepth,
                AccessTokenLifetime = options.AccessTokenLifetime,
                TrustDomain = options.TrustDomain ?? issuer,
                DpopNonceRequired = options.DpopNonceRequired,
            };
        });
        services.AddSingleton<IClientDirectory, StoreClientDirectory>();
        services.AddSingleton<IReplayCache>(sp => new InMemoryReplayCache(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ClientAssertionValidator>();
        services.AddSingleton<ClientSecretValidator>();
        services.AddSingleton(new RemoteKeySetOptions());
        services.AddSingleton(sp => new RemoteKeySets(
            RemoteKeySets.CreateHttpClient(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<RemoteKeySetOptions>()));
        services.AddSingleton(sp => new DpopNonces(sp.GetRequiredService<TimeProvider>(), TimeSpan.FromMinutes(5)));
        services.AddSingleton<DpopProofValidator>();
        services.AddSingleton<JwtBearerGrant>();
        services.AddSingleton<RegistrationTokens>();
        services.AddSingleton<ClientRegistration>();
        // This server's instruments only: meters are matched by name across the process.
        var meterScope = new object();
        services.AddSingleton(sp => new MandateMetrics(sp.GetRequiredService<EventPipeline>(), meterScope,
            sp.GetService<SnapshotHugePages>() is { } pages ? () => pages.LastReport : null));
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MandateMetrics.MeterName)
            .AddView(instrument => ReferenceEquals(instrument.Meter.Scope, meterScope) ? null : MetricStreamConfiguration.Drop)
            .AddPrometheusExporter());
        services.AddSingleton<UsageRecorder>();
        services.AddHostedService<KeyRotation>();
        services.AddHostedService<AuditCheckpointing>();
        services.AddHostedService<EventRetentionService>();
        services.AddSingleton<ITokenEvents, TokenEventRecorder>();
        services.AddSingleton<ClientAuthenticator>();
        services.AddSingleton<AccessTokenMinter>();
        services.AddSingleton<IIdentityStatus, SnapshotIdentityStatus>();
        services.AddSingleton<RevocationSet>();
        services.AddSingleton(store.Delegations);
        services.AddSingleton<DelegationRecorder>();
        services.AddSingleton<ControlPlaneAuthorizer>();
        services.AddSingleton<ControlPlaneGuard>();
        services.AddSingleton<IDelegationPolicy, CedarDelegationPolicy>();
        services.AddSingleton<TokenExchangeGrant>();
        services.AddSingleton<TransactionTokenGrant>();
        services.AddSingleton<TokenRevoker>();
        services.AddSingleton<TokenIntrospector>();
        services.AddSingleton<TransactionTokenValidator>();
        services.AddHostedService<DelegationPruning>();
        services.AddSingleton<TokenEndpoint>();
        services.AddSingleton<AccessTokenValidator>();
        services.AddSingleton<TokenSubjects>();
        services.AddSingleton<DecisionPoint>();
        services.AddSingleton<PolicyLibrary>();
        services.AddSingleton<IdentityRegistry>();
        services.AddSingleton<CredentialRegistry>();
        services.AddSingleton<GroupDirectory>();
        services.AddSingleton<CredentialInputs>();
        services.AddSingleton<AccessTokenAuthenticator>();
        services.AddSingleton<BearerAuthentication>();
        services.AddSingleton<StoredBundle>();

        services.ConfigureHttpJsonOptions(json =>
        {
            ApiJson.Configure(json.SerializerOptions);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, AccessJsonContext.Default);
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddOpenApi();
        services.AddAuthentication(MandateClaims.Scheme)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthenticationHandler>(MandateClaims.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(MandateClaims.AdminPolicy, p => p.RequireClaim(MandateClaims.Role, MandateClaims.AdminRole))
            .AddPolicy(MandateClaims.CallerPolicy, p => p.RequireAuthenticatedUser())
            .AddPolicy(MandateClaims.AdminApiPolicy, p => p.RequireAssertion(context =>
                context.User.IsInRole(MandateClaims.AdminRole)
                || (context.User.IsInRole(MandateClaims.IdentityRole)
                    && context.Resource is HttpContext http && http.GetEndpoint()?.Metadata.GetMetadata<ControlPlaneEndpoint>() is not null)))
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        var app = builder.Build();
        app.UseMandateErrors();
        app.Use((context, next) =>
        {
            context.Response.Headers[RequestAudit.RequestIdHeader] = context.RequestId();
            return next(context);
        });
        app.UseCallerFastPath();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthEndpoints();
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapOAuthEndpoints();
        app.MapIntrospectionEndpoint();
        app.MapRevocationEndpoint();
        app.MapRegistrationEndpoint();
        app.MapEvaluationEndpoints();
        app.MapSearchEndpoints();
        var v1 = app.MapGroup("/v1").RequireAuthorization(MandateClaims.AdminApiPolicy).AddEndpointFilter(ReadYourWritesAsync);
        v1.MapIdentityEndpoints();
        v1.MapCredentialEndpoints();
        v1.MapGroupEndpoints();
        v1.MapPolicyEndpoints();
        v1.MapBundleEndpoints();
        v1.MapSnapshotEndpoints();
        v1.MapEventEndpoints();
        v1.MapDelegationEndpoints();
        v1.MapImportEndpoints();
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

    /// <summary>
    /// Stops a host whose start failed part way, before it is disposed: the background services it started then end as
    /// a stopping host's do, rather than each being reported as failed when disposal cancels them.
    /// </summary>
    private static async Task StopQuietlyAsync(IHost host)
    {
        try
        {
            await host.StopAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException or AggregateException)
        {
            // The start's own failure is what the caller is told about.
        }
    }

    // A data directory that cannot be created or read, or a database file that is not one, is the operator's to fix: say
    // which and why. The files are left as they were.
    private static async Task<SqliteMandateStore> OpenStoreAsync(string directory, CancellationToken cancellationToken)
    {
        try
        {
            return await SqliteMandateStore.OpenAsync(directory, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            throw new InvalidOperationException($"the data directory `{Path.GetFullPath(directory)}` cannot be used: {ex.Message}", ex);
        }
    }

    // What Kestrel can bind: checked before anything starts, so a typo is named rather than thrown from the host's start.
    private static bool IsListenAddress(string url)
    {
        try
        {
            BindingAddress.Parse(url);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string Issuer(IServiceProvider services)
    {
        var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address).GetLeftPart(UriPartial.Authority);
    }
}
