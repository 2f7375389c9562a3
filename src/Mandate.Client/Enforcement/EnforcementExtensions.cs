using Mandate.Authorization;
using Mandate.Client.Decisions;
using Mandate.Client.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Client.Enforcement;

/// <summary>Registers and installs the Mandate enforcement middleware.</summary>
public static class EnforcementExtensions
{
    /// <summary>Adds token validation and decisions (remote or in process) as configured by <paramref name="configure"/>.</summary>
    public static IServiceCollection AddMandateEnforcement(this IServiceCollection services, Action<MandateEnforcementOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new MandateEnforcementOptions();
        configure(options);
        var server = options.Server ?? throw new ArgumentException("set MandateEnforcementOptions.Server to the Mandate server's address");
        if (server is not { IsAbsoluteUri: true, Scheme: "http" or "https" })
        {
            throw new ArgumentException($"MandateEnforcementOptions.Server must be an absolute http or https address, not `{server}`");
        }

        var audience = options.Audience ?? throw new ArgumentException("set MandateEnforcementOptions.Audience to the audience this service's tokens carry");
        if (string.IsNullOrEmpty(options.Credential))
        {
            throw new ArgumentException(options.Mode == DecisionMode.InProcess
                ? "in-process mode needs MandateEnforcementOptions.Credential to follow the snapshot and report decisions"
                : "remote mode needs MandateEnforcementOptions.Credential to ask Mandate for decisions");
        }

        if (options.DecisionTimeout <= TimeSpan.Zero || options.DecisionTimeout > MandateEnforcementOptions.MaxDecisionTimeout)
        {
            throw new ArgumentException($"MandateEnforcementOptions.DecisionTimeout must be more than zero and at most {MandateEnforcementOptions.MaxDecisionTimeout.TotalSeconds:0} s, not {options.DecisionTimeout}");
        }

        if (options.MaxSnapshotAge < MandateEnforcementOptions.MinMaxSnapshotAge)
        {
            throw new ArgumentException($"MandateEnforcementOptions.MaxSnapshotAge must be at least {MandateEnforcementOptions.MinMaxSnapshotAge.TotalSeconds:0} s, not {options.MaxSnapshotAge}");
        }

        var publicOrigin = options.PublicOrigin is { } origin ? ProofOfPossession.Origin(origin) : null;
        services.AddSingleton(options);
        services.AddSingleton(new RouteMap(options.Routes));
        services.AddSingleton(TimeProvider.System);

        // One pooled handler for every call to Mandate: keep-alive connections are reused across requests.
        services.AddSingleton(_ => new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 256,

            // Each call has its own deadline; this one bounds a connection attempt to a host that does not answer.
            ConnectTimeout = TimeSpan.FromSeconds(5),
        })
        { Timeout = Timeout.InfiniteTimeSpan });
        services.AddSingleton(sp => new ProofOfPossession(sp.GetRequiredService<TimeProvider>(), publicOrigin));
        services.AddSingleton(sp => new MandateTokenValidator(sp.GetRequiredService<HttpClient>(), server, audience, sp.GetRequiredService<TimeProvider>()));
        Func<CancellationToken, ValueTask<string>> credential = _ => ValueTask.FromResult(options.Credential ?? string.Empty);
        if (options.Mode == DecisionMode.Remote)
        {
            services.AddSingleton<IAccessDecider>(sp => new RemoteAccessDecider(sp.GetRequiredService<HttpClient>(), server, credential, options.DecisionTimeout));
        }
        else
        {
            services.AddSingleton(sp =>
            {
                var follower = new SnapshotFollower(sp.GetRequiredService<HttpClient>(), server, credential, sp.GetRequiredService<ILogger<SnapshotFollower>>());
                if (sp.GetService<SnapshotHugePages>() is { } pages)
                {
                    follower.Updated += (_, _) => pages.SnapshotChanged();
                }

                return follower;
            });
            if (options.HugePages)
            {
                services.AddSingleton(sp => new SnapshotHugePages(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SnapshotHugePages>>()));
            }

            services.AddSingleton(sp => new DecisionReporter(sp.GetRequiredService<HttpClient>(), server, credential, options.Name, sp.GetRequiredService<ILogger<DecisionReporter>>()));
            services.AddSingleton<IAccessDecider>(sp => new LocalAccessDecider(
                sp.GetRequiredService<SnapshotFollower>(), sp.GetRequiredService<DecisionReporter>(), options.Name, sp.GetRequiredService<TimeProvider>(),
                new RemoteAccessDecider(sp.GetRequiredService<HttpClient>(), server, credential, options.DecisionTimeout), options.MaxSnapshotAge));
        }

        // This registration's instruments. Their meter's scope is the options instance, so an exporter can tell them from
        // another enforcement point's in the same process (Instrument.Meter.Scope).
        services.AddSingleton(sp => new EnforcementMetrics(options, sp.GetService<SnapshotFollower>(), sp.GetService<DecisionReporter>(), sp.GetService<SnapshotHugePages>()));
        return services;
    }

    /// <summary>Authenticates and decides every request that reaches this point of the pipeline.</summary>
    public static IApplicationBuilder UseMandateEnforcement(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Start following the snapshot now rather than on the first request.
        _ = app.ApplicationServices.GetService<SnapshotFollower>();
        return app.UseMiddleware<EnforcementMiddleware>();
    }
}
