using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Mandate.Authorization;
using Mandate.Cedar.Search;
using Mandate.Core.Errors;
using Mandate.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Access;

/// <summary>
/// AuthZEN search: <c>/access/v1/search/subject</c>, <c>/resource</c> and <c>/action</c>. Candidates are the
/// entities of the requested type in the current snapshot (inventory and bundle), each decided by the same rules as
/// a single evaluation: a subject out of standing (the kill switch) is allowed nothing, the context carries
/// <c>time</c> and action <c>properties</c> are <c>context.action</c>. What a search cannot decide as an evaluation
/// would (subject or resource <c>properties</c>, an <c>access_token</c> subject, a <c>Txn-Token</c>) is refused, never
/// ignored. Results come in id order, paged by <c>page.token</c> and <c>page.limit</c>.
/// </summary>
internal static class SearchEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    private static readonly Cedar.Ast.Name ActionType = Cedar.Ast.Name.Unqualified("Action");

    public static void MapSearchEndpoints(this IEndpointRouteBuilder app)
    {
        var search = app.MapGroup("/access/v1/search").RequireAuthorization(MandateClaims.CallerPolicy).WithTags("Access");
        search.MapPost("/subject", (SearchRequest body, SnapshotSource snapshots, TimeProvider time, HttpContext http) =>
        {
            var (snapshot, now) = (snapshots.Current, time.GetUtcNow());
            var (type, action, resource, context) = (TypeOf(body.Subject, "subject"), Action(body), Entity(body.Resource, "resource"), Context(body, http, now));
            var found = AuthorizationSearch.Principals(snapshot.Policies, snapshot.Entities, type, action, resource, context)
                .Where(subject => DecisionEngine.KillSwitch(subject, snapshot, now) is null);
            return Page(found.Select(uid => new FoundEntity(uid.EntityType.ToString(), uid.Id)), f => f.Id, body.Page);
        }).WithName("SearchSubjects");
        search.MapPost("/resource", (SearchRequest body, SnapshotSource snapshots, TimeProvider time, HttpContext http) =>
        {
            var (snapshot, now) = (snapshots.Current, time.GetUtcNow());
            var (subject, action, type, context) = (Entity(body.Subject, "subject"), Action(body), TypeOf(body.Resource, "resource"), Context(body, http, now));
            var found = DecisionEngine.KillSwitch(subject, snapshot, now) is null
                ? AuthorizationSearch.Resources(snapshot.Policies, snapshot.Entities, subject, action, type, context)
                : [];
            return Page(found.Select(uid => new FoundEntity(uid.EntityType.ToString(), uid.Id)), f => f.Id, body.Page);
        }).WithName("SearchResources");
        search.MapPost("/action", (SearchRequest body, SnapshotSource snapshots, TimeProvider time, HttpContext http) =>
        {
            var (snapshot, now) = (snapshots.Current, time.GetUtcNow());
            var (subject, resource, context) = (Entity(body.Subject, "subject"), Entity(body.Resource, "resource"), Context(body, http, now));
            var found = DecisionEngine.KillSwitch(subject, snapshot, now) is null
                ? AuthorizationSearch.Actions(snapshot.Policies, snapshot.Entities, subject, resource, context)
                : [];

            // An evaluation's action `name` is always `Action::"name"`: `Mandate::Action` (the control plane) or
            // `App::Action` entries could never be granted by one, and would make names, the page key, repeat.
            return Page(found.Where(uid => uid.EntityType.Equals(ActionType)).Select(uid => new FoundAction(uid.Id)), f => f.Name, body.Page);
        }).WithName("SearchActions");
    }

    private static Cedar.Values.EntityUid Entity(SearchEntity? entity, string field) =>
        entity?.Id is null
            ? throw MandateException.Invalid(field, $"`{field}` needs `type` and `id` in this search")
            : EvaluationEndpoints.Entity(Searchable(entity, field).Type, entity.Id, field);

    private static Cedar.Values.EntityUid Action(SearchRequest body) =>
        body.Action is not { } action ? throw MandateException.Invalid("action", "`action` is required in this search")
        : EvaluationEndpoints.ActionUid(action.Name);

    // The context every decision of the search sees: `time` (unless sent) and action properties as `context.action`.
    private static Cedar.Values.RecordValue Context(SearchRequest body, HttpContext http, DateTimeOffset now)
    {
        if (http.Request.Headers.ContainsKey(TokenSubjects.TransactionHeader))
        {
            throw MandateException.Invalid(TokenSubjects.TransactionHeader,
                $"search does not take a `{TokenSubjects.TransactionHeader}` header; ask /access/v1/evaluation for decisions within a transaction");
        }

        var context = EvaluationEndpoints.Context(body.Context, now);
        return body.Action is { } action ? EvaluationEndpoints.WithAction(context, action) : context;
    }

    // A search decides on stored entities only, so what would change a single evaluation's answer is refused.
    private static SearchEntity Searchable(SearchEntity entity, string field)
    {
        if (field == "subject" && entity.Type == TokenSubjects.SubjectType)
        {
            throw MandateException.Invalid(field,
                $"search does not take an `{TokenSubjects.SubjectType}` subject; search as the identity itself (`type` and `id`), or evaluate with the token");
        }

        if (entity.Properties is { ValueKind: not JsonValueKind.Null })
        {
            throw MandateException.Invalid($"{field}.properties",
                $"search does not take `{field}.properties`: it decides on the stored attributes; evaluate a single request to overlay properties");
        }

        return entity;
    }

    private static Cedar.Ast.Name TypeOf(SearchEntity? entity, string field) =>
        entity is null
            ? throw MandateException.Invalid(field, $"`{field}.type` names what to search for")
            : EvaluationEndpoints.TypeName(Searchable(entity, field).Type, field);

    private static IResult Page<T>(IEnumerable<T> ordered, Func<T, string> key, SearchPage? page)
    {
        var limit = page?.Limit ?? DefaultLimit;
        if (limit is < 1 or > MaxLimit)
        {
            throw MandateException.Invalid("page.limit", $"`page.limit` must be between 1 and {MaxLimit}");
        }

        var after = Decode(page?.Token);
        var remaining = after is null ? ordered : ordered.Where(item => string.CompareOrdinal(key(item), after) > 0);
        var items = remaining.Take(limit + 1).ToList();
        var more = items.Count > limit;
        if (more)
        {
            items.RemoveAt(items.Count - 1);
        }

        var next = more ? Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key(items[^1]))) : string.Empty;
        return TypedResults.Ok(new SearchResponse<T>(items, new SearchResponsePage(next)));
    }

    private static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw MandateException.Invalid("page.token", "`page.token` is not a token returned by this search");
        }
    }
}
