using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mandate.Authorization;
using Mandate.Cedar.Json;
using Mandate.Cedar.Values;
using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Server.Hosting;
using Mandate.Server.Security;
using Mandate.Telemetry;
using Mandate.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
        var services = new DecisionServices(app.ServiceProvider);
        app.MapPost("/access/v1/evaluation", (Func<HttpContext, Task>)(http => EvaluateAsync(services, http)))
            .Accepts<EvaluationRequest>("application/json").Produces<EvaluationResponse>()
            .RequireCaller().WithTags("Access").WithName("Evaluate");
        app.MapPost("/access/v1/evaluations", (Func<HttpContext, Task>)(http => EvaluateManyAsync(services, http)))
            .Accepts<EvaluationsRequest>("application/json").Produces<EvaluationsResponse>()
            .RequireCaller().WithTags("Access").WithName("EvaluateMany");
    }

    private static async Task EvaluateAsync(DecisionServices services, HttpContext http)
    {
        if (!JsonBody.IsJson(http.Request))
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        var body = await JsonBody.ReadAsync(http, AuthZenReader.ReadEvaluation);
        await services.Events.WaitForRoomAsync(http.RequestAborted);
        var decisions = services.Decisions;
        var snapshot = decisions.Snapshot;
        var now = services.Time.GetUtcNow();
        var context = Context(body.Context, body.ContextFields, now);
        var request = WithTokens(ToDecisionRequest(body.Subject, body.Action, body.Resource, context), body.Subject, services.Tokens, http, snapshot);
        var result = Decide(decisions, services.Metrics, request, Origin(http), snapshot, now);
        await JsonBody.WriteAsync(http, Respond(result, body.Options?.Explain ?? false), services.Response);
    }

    /// <summary>
    /// Items inherit the top-level subject, action, resource and context; each is decided in order and an item
    /// that cannot be evaluated is a deny carrying <c>context.error</c>. <c>deny_on_first_deny</c> and
    /// <c>permit_on_first_permit</c> stop after the first such decision, which is the last item returned.
    /// </summary>
    private static async Task EvaluateManyAsync(DecisionServices services, HttpContext http)
    {
        if (!JsonBody.IsJson(http.Request))
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        var body = await JsonBody.ReadAsync(http, AuthZenReader.ReadEvaluations);
        var semantic = body.Options?.EvaluationsSemantic ?? "execute_all";
        if (semantic is not ("execute_all" or "deny_on_first_deny" or "permit_on_first_permit"))
        {
            throw MandateException.Invalid("options.evaluations_semantic",
                $"`evaluations_semantic` `{semantic}` is unknown; use execute_all, deny_on_first_deny or permit_on_first_permit");
        }

        var explain = body.Options?.Explain ?? false;
        var decisions = services.Decisions;
        var metrics = services.Metrics;

        // Every decision is recorded: when storage falls behind, a batch waits for it rather than outrun it.
        await services.Events.WaitForRoomAsync(http.RequestAborted);

        // One snapshot and one instant for the whole batch: a reload during it must not answer some items from each
        // state, and every item is decided (and its event timed) at the time its context carries.
        var snapshot = decisions.Snapshot;
        var now = services.Time.GetUtcNow();
        if (body.Evaluations is not { Count: > 0 } items)
        {
            var single = Build(body.Subject, body.Action, body.Resource, new InheritedContext(body.Context, body.ContextFields, null));
            var response = single.Error is { } error
                ? throw MandateException.Invalid("evaluations", error)
                : Respond(Decide(decisions, metrics, WithTokens(single.Request!, body.Subject!.Value, services.Tokens, http, snapshot), Origin(http), snapshot, now), explain);
            await JsonBody.WriteAsync(http, response, services.Response);
            return;
        }

        if (items.Count > services.Options.MaxBatchEvaluations)
        {
            throw MandateException.Invalid("evaluations", $"a batch holds at most {services.Options.MaxBatchEvaluations} evaluations; this one has {items.Count}");
        }

        var origin = Origin(http);
        var inherited = new InheritedContext(body.Context, body.ContextFields, now);
        var entities = new InheritedEntities(body.Subject);
        var results = new List<EvaluationResponse>(items.Count);

        // The items' events are queued together, and counted together, once the batch is decided (or fails part way).
        using var recorded = new EncodedEvents(items.Count);
        var allowed = 0;
        try
        {
            foreach (var item in items)
            {
                var subject = item.Subject ?? body.Subject;
                var built = Build(subject, item.Action ?? body.Action, item.Resource ?? body.Resource,
                    item.Context is null && item.ContextFields is null ? inherited : new InheritedContext(item.Context, item.ContextFields, null), entities);
                EvaluationResponse response;
                if (built.Error is { } error)
                {
                    response = new EvaluationResponse(false, new EvaluationContext(Error: error));
                }
                else
                {
                    var result = Decide(decisions, metrics, WithTokens(built.Request!, subject!.Value, services.Tokens, http, snapshot), origin, snapshot, now, recorded);
                    allowed += result.Allowed ? 1 : 0;
                    response = Respond(result, explain);
                }

                results.Add(response);
                if ((semantic == "deny_on_first_deny" && !response.Decision) || (semantic == "permit_on_first_permit" && response.Decision))
                {
                    break;
                }
            }
        }
        finally
        {
            services.Events.Emit(recorded);
            metrics.Counted(allowed, recorded.Count - allowed);
        }

        await JsonBody.WriteAsync(http, new EvaluationsResponse(results), services.Batched);
    }

    // Decides and times one decision. With `recorded` (a batch), its event goes there and the batch counts its decisions
    // together; otherwise the event is emitted and the decision counted here.
    private static DecisionResult Decide(DecisionPoint decisions, MandateMetrics metrics, DecisionRequest request, DecisionOrigin origin, AuthorizationSnapshot snapshot, DateTimeOffset now, EncodedEvents? recorded = null)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = decisions.Decide(request, origin, snapshot, now, recorded);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (recorded is null)
        {
            metrics.Decided(result.Allowed, elapsed);
        }
        else
        {
            metrics.Timed(result.Allowed, elapsed);
        }

        return result;
    }

    private static (DecisionRequest? Request, string? Error) Build(
        EntityRef? subject, ActionRef? action, EntityRef? resource, InheritedContext context, InheritedEntities? inherited = null)
    {
        if (subject is not { } from || action is not { } what || resource is not { } on)
        {
            return (null, $"the evaluation has no {(subject is null ? "subject" : action is null ? "action" : "resource")}, neither its own nor a default");
        }

        try
        {
            return (ToDecisionRequest(from, what, on, context.Record, inherited), null);
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
    internal static DecisionRequest ToDecisionRequest(EntityRef subject, ActionRef action, EntityRef resource, RecordValue context, InheritedEntities? inherited = null) =>
        new(
            subject.Type == TokenSubjects.SubjectType ? TokenPlaceholder(subject.Id) : inherited?.Subject(subject) ?? Entity(subject.Type, subject.Id, "subject"),
            ActionUid(action.Name),
            Entity(resource.Type, resource.Id, "resource"),
            WithAction(context, action),
            Properties(subject.Properties, "subject.properties"),
            Properties(resource.Properties, "resource.properties"));

    /// <summary><paramref name="context"/> with the action's <c>properties</c>, if it has any, as <c>context.action</c>.</summary>
    internal static RecordValue WithAction(RecordValue context, ActionRef action) =>
        Properties(action.Properties, "action.properties") is { } properties ? context.With("action", properties) : context;

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

    internal static RecordValue? Properties(JsonElement? properties, string field) =>
        properties is { ValueKind: JsonValueKind.Object } ? Record(properties.Value, field)
        : properties is null or { ValueKind: JsonValueKind.Null } ? null
        : throw MandateException.Invalid(field, $"`{field}` must be a JSON object");

    // Answers are immutable: the two plain ones are shared.
    private static readonly EvaluationResponse Allowed = new(true);
    private static readonly EvaluationResponse Denied = new(false);

    private static EvaluationResponse Respond(DecisionResult result, bool explain) =>
        explain ? new EvaluationResponse(result.Allowed, new EvaluationContext(result.Reasons, result.Errors) { Hop = result.FailedHop })
        : result.Errors.Count > 0 && !result.Allowed ? new EvaluationResponse(false, new EvaluationContext(Errors: result.Errors))
        : result.Allowed ? Allowed : Denied;

    private static DecisionOrigin Origin(HttpContext http)
    {
        var tokenId = http.AccessToken() is { } token ? token.TokenId : http.User.FindFirstValue(MandateClaims.TokenId);
        return new DecisionOrigin(http.Caller().Subject, tokenId, http.SourceIp(), http.UserAgent(), http.RequestId());
    }

    // A deployment names a few dozen actions, on every request, so each Action::"name" is made once and shared.
    private static readonly SharedByName<EntityUid> Actions = new(1024);

    // An absent name is refused by Entity, as any unusable one is.
    internal static EntityUid ActionUid(string? name)
    {
        if (name is not null && Actions.TryGet(name, out var known))
        {
            return known;
        }

        return Actions.Share(name!, Entity("Action", name, "action"));
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

    /// <summary>
    /// A request's <c>context</c> as a Cedar record; with <paramref name="now"/>, with <c>time</c> already in it (unless
    /// the caller sent one), so the decision does not copy the record to add it.
    /// </summary>
    internal static RecordValue Context(JsonElement? context, DateTimeOffset? now = null) => Context(context, null, now);

    // The same, or from the context already read as Cedar fields (EvaluationRequest.ContextFields), which then stand for it.
    private static RecordValue Context(JsonElement? context, KeyValuePair<string, CedarValue>[]? fields, DateTimeOffset? now)
    {
        if (fields is not null)
        {
            return now is { } at ? new RecordValue(fields, [DecisionEngine.TimeField(at)]) : new RecordValue(fields, []);
        }

        if (context is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return now is { } time ? DecisionEngine.Timed(RecordValue.Empty, time) : RecordValue.Empty;
        }

        return element.ValueKind == JsonValueKind.Object
            ? Record(element, "context", now)
            : throw MandateException.Invalid("context", "`context` must be a JSON object");
    }

    private static RecordValue Record(JsonElement element, string field, DateTimeOffset? now = null)
    {
        try
        {
            return now is { } time ? CedarJson.ParseContext(element, [DecisionEngine.TimeField(time)]) : CedarJson.ParseContext(element);
        }
        catch (CedarJsonException ex)
        {
            throw MandateException.Invalid(field, $"`{field}` is not a valid Cedar record: {ex.Message}");
        }
    }

    /// <summary>
    /// A request's <c>context</c> as a Cedar record, converted on first use and then shared: the items of a batch that
    /// inherit the top-level context are not converted again (and, stamped with the batch's time, not copied to add it
    /// per item), and each still sees the conversion's error if it failed.
    /// </summary>
    private sealed class InheritedContext(JsonElement? json, KeyValuePair<string, CedarValue>[]? fields, DateTimeOffset? time)
    {
        private RecordValue? _record;
        private MandateException? _error;

        public RecordValue Record
        {
            get
            {
                if (_record is null && _error is null)
                {
                    try
                    {
                        _record = Context(json, fields, time);
                    }
                    catch (MandateException ex)
                    {
                        _error = ex;
                    }
                }

                return _record ?? throw MandateException.Invalid(_error!.Field ?? "context", _error.Message);
            }
        }
    }

    /// <summary>
    /// The top-level subject of a batch as a Cedar entity, made once for the items that name the same entity (those
    /// that inherit it, above all); any other, or one that does not convert, is converted as usual. Actions need no
    /// such help: <see cref="ActionUid"/> shares them across requests.
    /// </summary>
    internal sealed class InheritedEntities(EntityRef? subject)
    {
        private EntityUid? _subject;

        public EntityUid? Subject(EntityRef candidate) =>
            subject is not { } top || top.Type != candidate.Type || top.Id != candidate.Id
                ? null
                : _subject ??= Entity(candidate.Type, candidate.Id, "subject");
    }

    /// <summary>
    /// What the decision endpoints use, taken from the application's services once (they are singletons) rather than
    /// from a per-request scope, with the JSON contracts of the server's options.
    /// </summary>
    private sealed class DecisionServices(IServiceProvider services)
    {
        private JsonSerializerOptions? _json;

        public DecisionPoint Decisions => field ??= services.GetRequiredService<DecisionPoint>();

        public EventPipeline Events => field ??= services.GetRequiredService<EventPipeline>();

        public TokenSubjects Tokens => field ??= services.GetRequiredService<TokenSubjects>();

        public MandateMetrics Metrics => field ??= services.GetRequiredService<MandateMetrics>();

        public MandateServerOptions Options => field ??= services.GetRequiredService<MandateServerOptions>();

        public TimeProvider Time => field ??= services.GetRequiredService<TimeProvider>();

        public JsonTypeInfo<EvaluationResponse> Response => field ??= Contract<EvaluationResponse>();

        public JsonTypeInfo<EvaluationsResponse> Batched => field ??= Contract<EvaluationsResponse>();

        private JsonTypeInfo<T> Contract<T>()
        {
            _json ??= services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            return (JsonTypeInfo<T>)_json.GetTypeInfo(typeof(T));
        }
    }
}
