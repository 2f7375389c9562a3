using System.Security.Claims;
using System.Text.Json;
using Mandate.Authorization;
using Mandate.Cedar.Json;
using Mandate.Cedar.Values;
using Mandate.Core.Errors;
using Mandate.Server.Hosting;
using Mandate.Server.Security;
using Mandate.Telemetry;
using Mandate.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Access;

/// <summary>
/// The AuthZEN Authorization API: subject <c>{type, id}</c> -> principal <c>type::"id"</c>, action
/// <c>{name}</c> -> <c>Action::"name"</c>, resource likewise, <c>context</c> -> the Cedar context. A deny is
/// HTTP 200 with <c>decision: false</c>.
/// </summary>
internal static class EvaluationEndpoints
{
    public static void MapEvaluationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/authzen-configuration", (TokenServiceOptions tokens) => TypedResults.Ok(new Dictionary<string, string>
            {
                ["policy_decision_point"] = tokens.Issuer,
                ["access_evaluation_endpoint"] = tokens.Issuer + "/access/v1/evaluation",
                ["access_evaluations_endpoint"] = tokens.Issuer + "/access/v1/evaluations",
                ["search_subject_endpoint"] = tokens.Issuer + "/access/v1/search/subject",
                ["search_resource_endpoint"] = tokens.Issuer + "/access/v1/search/resource",
                ["search_action_endpoint"] = tokens.Issuer + "/access/v1/search/action",
            }))
            .AllowAnonymous().WithTags("Access");
        app.MapPost("/access/v1/evaluation", Evaluate)
            .RequireAuthorization(MandateClaims.CallerPolicy).WithTags("Access").WithName("Evaluate");
        app.MapPost("/access/v1/evaluations", EvaluateMany)
            .RequireAuthorization(MandateClaims.CallerPolicy).WithTags("Access").WithName("EvaluateMany");
    }

    private static async Task<IResult> Evaluate(DecisionPoint decisions, TokenSubjects tokens, MandateMetrics metrics, HttpContext http)
    {
        if (!JsonBody.IsJson(http.Request))
        {
            return TypedResults.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        var body = await JsonBody.ReadAsync<EvaluationRequest>(http);
        var snapshot = decisions.Snapshot;
        var request = WithTokens(ToDecisionRequest(body.Subject, body.Action, body.Resource, body.Context), body.Subject, tokens, http, snapshot);
        var result = Decide(decisions, metrics, request, Origin(http), snapshot);
        return TypedResults.Ok(Respond(result, body.Options?.Explain ?? false));
    }

    /// <summary>
    /// Items inherit the top-level subject, action, resource and context; each is decided in order and an item
    /// that cannot be evaluated is a deny carrying <c>context.error</c>. <c>deny_on_first_deny</c> and
    /// <c>permit_on_first_permit</c> stop after the first such decision, which is the last item returned.
    /// </summary>
    private static async Task<IResult> EvaluateMany(
        DecisionPoint decisions, TokenSubjects tokens, MandateMetrics metrics, MandateServerOptions options, HttpContext http)
    {
        if (!JsonBody.IsJson(http.Request))
        {
            return TypedResults.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        var body = await JsonBody.ReadAsync<EvaluationsRequest>(http);
        var semantic = body.Options?.EvaluationsSemantic ?? "execute_all";
        if (semantic is not ("execute_all" or "deny_on_first_deny" or "permit_on_first_permit"))
        {
            throw MandateException.Invalid("options.evaluations_semantic",
                $"`evaluations_semantic` `{semantic}` is unknown; use execute_all, deny_on_first_deny or permit_on_first_permit");
        }

        var explain = body.Options?.Explain ?? false;

        // One snapshot for the whole batch: a reload during it must not answer some items from each state.
        var snapshot = decisions.Snapshot;
        if (body.Evaluations is not { Count: > 0 } items)
        {
            var single = Build(body.Subject, body.Action, body.Resource, body.Context);
            return single.Error is { } error
                ? throw MandateException.Invalid("evaluations", error)
                : TypedResults.Ok(Respond(Decide(decisions, metrics, WithTokens(single.Request!, body.Subject!, tokens, http, snapshot), Origin(http), snapshot), explain));
        }

        if (items.Count > options.MaxBatchEvaluations)
        {
            throw MandateException.Invalid("evaluations", $"a batch holds at most {options.MaxBatchEvaluations} evaluations; this one has {items.Count}");
        }

        var origin = Origin(http);
        var results = new List<EvaluationResponse>(items.Count);
        foreach (var item in items)
        {
            var subject = item.Subject ?? body.Subject;
            var built = Build(subject, item.Action ?? body.Action, item.Resource ?? body.Resource, item.Context ?? body.Context);
            var response = built.Error is { } error
                ? new EvaluationResponse(false, new EvaluationContext(Error: error))
                : Respond(Decide(decisions, metrics, WithTokens(built.Request!, subject!, tokens, http, snapshot), origin, snapshot), explain);
            results.Add(response);
            if ((semantic == "deny_on_first_deny" && !response.Decision) || (semantic == "permit_on_first_permit" && response.Decision))
            {
                break;
            }
        }

        return TypedResults.Ok(new EvaluationsResponse(results));
    }

    private static DecisionResult Decide(DecisionPoint decisions, MandateMetrics metrics, DecisionRequest request, DecisionOrigin origin, AuthorizationSnapshot snapshot)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = decisions.Decide(request, origin, snapshot);
        metrics.Decided(result.Allowed, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return result;
    }

    private static (DecisionRequest? Request, string? Error) Build(EntityRef? subject, ActionRef? action, EntityRef? resource, JsonElement? context)
    {
        if (subject is null || action is null || resource is null)
        {
            return (null, $"the evaluation has no {(subject is null ? "subject" : action is null ? "action" : "resource")}, neither its own nor a default");
        }

        try
        {
            return (ToDecisionRequest(subject, action, resource, context), null);
        }
        catch (MandateException ex)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>
    /// Subject and resource <c>properties</c> overlay the stored attributes; action <c>properties</c> reach
    /// policies as <c>context.action</c>.
    /// </summary>
    internal static DecisionRequest ToDecisionRequest(EntityRef subject, ActionRef action, EntityRef resource, JsonElement? context)
    {
        var record = Context(context);
        if (Properties(action.Properties, "action.properties") is { } actionProperties)
        {
            record = new RecordValue(record.Fields.Where(f => f.Key != "action")
                .Append(new KeyValuePair<string, CedarValue>("action", actionProperties)));
        }

        return new DecisionRequest(
            subject.Type == TokenSubjects.SubjectType ? TokenPlaceholder(subject.Id) : Entity(subject.Type, subject.Id, "subject"),
            Entity("Action", action.Name, "action"),
            Entity(resource.Type, resource.Id, "resource"),
            record,
            Properties(subject.Properties, "subject.properties"),
            Properties(resource.Properties, "resource.properties"));
    }

    // A subject token is resolved to its holder once the request is otherwise well formed (WithTokens).
    private static EntityUid TokenPlaceholder(string? token) =>
        string.IsNullOrEmpty(token) || token.Length > MaxTokenLength
            ? throw MandateException.Invalid("subject", $"an `{TokenSubjects.SubjectType}` subject needs a token of 1 to {MaxTokenLength} characters as its id")
            : EntityUid.Of("Mandate::AccessToken", "unresolved");

    private const int MaxTokenLength = 16 * 1024;

    /// <summary>Resolves a subject token and validates a <c>Txn-Token</c> header, when the request has them.</summary>
    private static DecisionRequest WithTokens(DecisionRequest request, EntityRef subject, TokenSubjects tokens, HttpContext http, AuthorizationSnapshot snapshot)
    {
        if (subject.Type == TokenSubjects.SubjectType)
        {
            request = tokens.Resolve(request, subject.Id, snapshot);
        }

        return http.Request.Headers[TokenSubjects.TransactionHeader].ToString() is { Length: > 0 } transaction
            ? tokens.WithTransaction(request, transaction)
            : request;
    }

    private static RecordValue? Properties(JsonElement? properties, string field) =>
        properties is { ValueKind: JsonValueKind.Object } ? Record(properties.Value, field)
        : properties is null or { ValueKind: JsonValueKind.Null } ? null
        : throw MandateException.Invalid(field, $"`{field}` must be a JSON object");

    private static EvaluationResponse Respond(DecisionResult result, bool explain) =>
        explain ? new EvaluationResponse(result.Allowed, new EvaluationContext(result.Reasons, result.Errors) { Hop = result.FailedHop })
        : result.Errors.Count > 0 && !result.Allowed ? new EvaluationResponse(false, new EvaluationContext(Errors: result.Errors))
        : new EvaluationResponse(result.Allowed);

    private static DecisionOrigin Origin(HttpContext http)
    {
        var audit = http.Audit();
        return new DecisionOrigin(audit.ActorId, http.User.FindFirstValue(MandateClaims.TokenId), audit.SourceIp, audit.UserAgent, audit.RequestId);
    }

    internal static EntityUid Entity(string? type, string? id, string field)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 1024)
        {
            throw MandateException.Invalid(field, $"`{field}` needs an id of 1 to 1024 characters");
        }

        return new EntityUid(TypeName(type, field), id);
    }

    internal static Cedar.Ast.Name TypeName(string? type, string field)
    {
        try
        {
            return EntityTypeNames.Parse(type ?? string.Empty);
        }
        catch (Cedar.Syntax.CedarParseException)
        {
            var shown = type is null ? string.Empty : type.Length > 64 ? type[..61] + "..." : type;
            throw MandateException.Invalid(field, $"`{field}.type` `{shown}` is not a Cedar entity type name (like `Agent` or `App::Table`)");
        }
    }

    internal static RecordValue Context(JsonElement? context)
    {
        if (context is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return RecordValue.Empty;
        }

        return element.ValueKind == JsonValueKind.Object
            ? Record(element, "context")
            : throw MandateException.Invalid("context", "`context` must be a JSON object");
    }

    private static RecordValue Record(JsonElement element, string field)
    {
        try
        {
            return CedarJson.ParseContext(element);
        }
        catch (CedarJsonException ex)
        {
            throw MandateException.Invalid(field, $"`{field}` is not a valid Cedar record: {ex.Message}");
        }
    }
}
