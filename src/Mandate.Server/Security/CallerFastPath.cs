using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Security;

/// <summary>
/// The direct path of endpoints open to any authenticated caller and to nothing else (the decision endpoints):
/// the caller is authenticated here by <see cref="BearerAuthentication"/>, the same rules as the authentication
/// handler, and the endpoint runs at once, without the framework's authentication and authorization middleware,
/// whose per-request scheme lookups, handler instances, tickets and requirement walks cost more than the decision
/// itself. An unauthenticated request gets the same 401 challenge. Endpoints carry the caller policy too, so if this
/// path is not taken (another policy was added, or the marker removed) the middleware enforces it as before.
/// </summary>
internal static class CallerFastPath
{
    /// <summary>Requires an authenticated caller (the caller policy) and lets the endpoint take the direct path.</summary>
    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(MandateClaims.CallerPolicy).WithMetadata(CallerOnlyEndpoint.Instance);

    /// <summary>Takes the direct path for marked endpoints; place it before authentication and authorization.</summary>
    public static void UseCallerFastPath(this WebApplication app)
    {
        // Resolved at the first request: its options name the issuer, known only once the server listens.
        var services = app.Services;
        BearerAuthentication? bearer = null;
        app.Use(next => context =>
        {
            var endpoint = context.GetEndpoint();
            if (endpoint?.RequestDelegate is not { } run || !IsCallerOnly(endpoint))
            {
                return next(context);
            }

            bearer ??= services.GetRequiredService<BearerAuthentication>();
            var outcome = bearer.Authenticate(context);
            if (outcome.Principal is not { } principal)
            {
                return BearerAuthentication.ChallengeAsync(context, outcome.Error, outcome.ErrorCode);
            }

            context.User = principal;
            return run(context);
        });
    }

    // Marked, and the caller policy is its only authorization rule: anything more goes through the middleware.
    private static bool IsCallerOnly(Endpoint endpoint)
    {
        var metadata = endpoint.Metadata;
        if (metadata.GetMetadata<CallerOnlyEndpoint>() is null || metadata.GetMetadata<IAllowAnonymous>() is not null
            || metadata.GetMetadata<AuthorizationPolicy>() is not null)
        {
            return false;
        }

        var rules = metadata.GetOrderedMetadata<IAuthorizeData>();
        if (rules.Count == 0)
        {
            return false;
        }

        foreach (var rule in rules)
        {
            if (rule.Policy != MandateClaims.CallerPolicy || rule.Roles is not null || rule.AuthenticationSchemes is not null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Marks an endpoint whose only rule is the caller policy.</summary>
    private sealed class CallerOnlyEndpoint
    {
        public static readonly CallerOnlyEndpoint Instance = new();
    }
}
