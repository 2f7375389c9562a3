using System.Diagnostics;
using System.Security.Claims;
using Mandate.Client.Decisions;
using Mandate.Client.Tokens;
using Mandate.Tokens.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mandate.Client.Enforcement;

/// <summary>
/// Authenticates and decides every request before the rest of the pipeline sees it: the bearer token must be a valid
/// Mandate access token for this service (401 otherwise), the route must map to an action and resource (403
/// otherwise), and Mandate must allow the token's subject to do it (403 otherwise). When no decision can be had the
/// request is refused with 503: it fails closed.
/// </summary>
internal sealed partial class EnforcementMiddleware(
    RequestDelegate next,
    MandateEnforcementOptions options,
    RouteMap routes,
    MandateTokenValidator tokens,
    ProofOfPossession possession,
    IAccessDecider decider,
    EnforcementMetrics metrics,
    ILogger<EnforcementMiddleware> logger)
{
    private const string RequestIdHeader = "X-Request-ID";

    public async Task InvokeAsync(HttpContext context)
    {
        var outcome = await EnforceAsync(context);
        metrics.Request(outcome);
        if (outcome is EnforcementOutcome.Allow or EnforcementOutcome.Anonymous)
        {
            await next(context);
        }
    }

    // Decides the request, answering it when it is refused; an allowed or anonymous one is left for the next stage.
    private async Task<EnforcementOutcome> EnforceAsync(HttpContext context)
    {
        if (options.AnonymousPaths.Contains(context.Request.Path.Value ?? string.Empty))
        {
            return EnforcementOutcome.Anonymous;
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            await EnforcementProblems.UnauthenticatedAsync(context, null);
            return EnforcementOutcome.Unauthenticated;
        }

        if (!AuthorizationHeader.TryParse(header, out var dpopScheme, out var tokenStart))
        {
            await EnforcementProblems.UnauthenticatedAsync(context, "the Authorization header must be `Bearer <token>`, or `DPoP <token>` with a `DPoP` proof");
            return EnforcementOutcome.Unauthenticated;
        }

        var presented = PresentedToken.Of(context, header, tokenStart);
        Mandate.Tokens.Validation.AccessTokenValidation validation;
        try
        {
            validation = await tokens.ValidateAsync(presented, context.RequestAborted);
        }
        catch (MandateClientException ex)
        {
            LogUnavailable(ex, context.Request.Method, context.Request.Path);
            await EnforcementProblems.UnavailableAsync(context, "tokens cannot be validated now");
            return EnforcementOutcome.Unavailable;
        }

        if (validation.Token is not { } token)
        {
            await EnforcementProblems.UnauthenticatedAsync(context, validation.Error);
            return EnforcementOutcome.Unauthenticated;
        }

        if (possession.Check(context, dpopScheme, presented, token) is { } refusal)
        {
            await EnforcementProblems.UnauthenticatedAsync(context, refusal.Description, refusal.Error, dpop: true);
            return EnforcementOutcome.Unauthenticated;
        }

        if (token.SubjectKind is not { Length: > 0 } subjectType)
        {
            await EnforcementProblems.UnauthenticatedAsync(context, "the token does not say what kind of identity it speaks for (`sub_kind`)");
            return EnforcementOutcome.Unauthenticated;
        }

        context.User = Principal(token);
        if (MethodOverride(context) is { } overriding)
        {
            await EnforcementProblems.ForbiddenAsync(context, "method_override_refused",
                $"the `{overriding}` header asks the service to run another method than `{context.Request.Method}`, the one that would be decided");
            return EnforcementOutcome.Deny;
        }

        if (routes.Map(context.Request.Method, context.Request.Path) is not { } mapped)
        {
            await EnforcementProblems.ForbiddenAsync(context, "no_route_mapping", $"`{context.Request.Method} {context.Request.Path}` is not a mapped route");
            return EnforcementOutcome.Deny;
        }

        // Mandate names entities with 1 to 1024 characters; a longer id from the path can never be allowed.
        if (mapped.ResourceId.Length is 0 or > 1024)
        {
            await EnforcementProblems.ForbiddenAsync(context, "access_denied", "the resource id taken from the path must have 1 to 1024 characters");
            return EnforcementOutcome.Deny;
        }

        // The decision is for the token: its holder, over its whole delegation chain when it has one.
        var question = new AccessQuestion(subjectType, token.Subject, mapped.Action, mapped.ResourceType, mapped.ResourceId, Context(context),
            token.TokenId, RequestId(context), context.Connection.RemoteIpAddress?.ToString(), UserAgent(context))
        {
            AccessToken = presented,
            Token = token,
            TransactionToken = context.Request.Headers[RemoteAccessDecider.TransactionHeader].ToString() is { Length: > 0 } transaction ? transaction : null,
        };
        var started = metrics.TimesDecisions ? Stopwatch.GetTimestamp() : 0;
        var decision = await decider.DecideAsync(question, context.RequestAborted);
        var outcome = decision.Allowed ? EnforcementOutcome.Allow : decision.Unavailable ? EnforcementOutcome.Unavailable : EnforcementOutcome.Deny;
        if (started != 0)
        {
            metrics.Decided(outcome, started);
        }

        if (outcome == EnforcementOutcome.Unavailable)
        {
            LogDecisionFailed(context.Request.Method, context.Request.Path, decision.Reason);
            await EnforcementProblems.UnavailableAsync(context, "no access decision could be made");
        }
        else if (outcome == EnforcementOutcome.Deny)
        {
            await EnforcementProblems.ForbiddenAsync(context, "access_denied",
                $"`{token.Holder}`{(token.Actors.Count > 0 ? $" acting for `{token.Subject}`" : string.Empty)} may not `{mapped.Action}` `{mapped.ResourceType}::\"{mapped.ResourceId}\"`");
        }

        return outcome;
    }

    // Headers by which a service's framework (ASP.NET Core's UseHttpMethodOverride, Express's method-override, ...) runs
    // another method than the request's: a permitted POST could become a forbidden DELETE behind the decision.
    private static readonly string[] MethodOverrideHeaders = ["X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"];

    // The first override header that names another method than the request's own.
    private static string? MethodOverride(HttpContext context)
    {
        foreach (var name in MethodOverrideHeaders)
        {
            if (context.Request.Headers.TryGetValue(name, out var values)
                && values.Any(v => !string.Equals(v?.Trim(), context.Request.Method, StringComparison.OrdinalIgnoreCase)))
            {
                return name;
            }
        }

        return null;
    }

    private Dictionary<string, string> Context(HttpContext context)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (header, key) in options.ContextHeaders)
        {
            if (context.Request.Headers.TryGetValue(header, out var value) && value.ToString() is { Length: > 0 } text)
            {
                values[key] = text;
            }
        }

        return values;
    }

    // The caller's correlation id travels on to Mandate and into events, by the server's rules (RequestIds).
    private static string RequestId(HttpContext context)
    {
        var supplied = context.Request.Headers[RequestIdHeader].ToString();
        return Mandate.Core.Events.RequestIds.IsAcceptable(supplied) ? supplied : context.TraceIdentifier;
    }

    private static string? UserAgent(HttpContext context)
    {
        var agent = context.Request.Headers.UserAgent.ToString();
        return agent.Length == 0 ? null : agent.Length <= 256 ? agent : agent[..256];
    }

    private static ClaimsPrincipal Principal(Mandate.Tokens.Validation.ValidatedAccessToken token)
    {
        var claims = new List<Claim>
        {
            new("sub", token.Subject),
            new("client_id", token.ClientId),
            new("jti", token.TokenId),
        };
        if (token.SubjectKind is not null)
        {
            claims.Add(new("sub_kind", token.SubjectKind));
        }

        if (token.Scopes.Count > 0)
        {
            claims.Add(new("scope", string.Join(' ', token.Scopes)));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, "Mandate", "sub", null));
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "validating a token for {Method} {Path} failed: the issuer could not be reached; refused")]
    private partial void LogUnavailable(Exception exception, string method, string path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "no decision for {Method} {Path}: {Reason}; refused")]
    private partial void LogDecisionFailed(string method, string path, string? reason);
}
