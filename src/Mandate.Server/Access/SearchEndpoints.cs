using System.Buffers.Text;
using System.Text;
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
/// entities of the requested type in the current snapshot (inventory and bundle), each decided by the same
/// engine as a single evaluation; results come in id order, paged by <c>page.token</c> and <c>page.limit</c>.
/// </summary>
internal static class SearchEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static void MapSearchEndpoints(this IEndpointRouteBuilder app)
    {
        var search = app.MapGroup("/access/v1/search").RequireAuthorization(MandateClaims.CallerPolicy).WithTags("Access");
        search.MapPost("/subject", (SearchRequest body, SnapshotSource snapshots) =>
        {
            var snapshot = snapshots.Current;
            var (action, resource) = (Action(body), Entity(body.Resource, "resource"));
            var found = AuthorizationSearch.Principals(snapshot.Policies, snapshot.Entities, TypeOf(body.Subject, "subject"), action, resource,
                EvaluationEndpoints.Context(body.Context));
            return Page(found.Select(uid => new FoundEntity(uid.EntityType.ToString(), uid.Id)), f => f.Id, body.Page);
        }).WithName("SearchSubjects");
        search.MapPost("/resource", (SearchRequest body, SnapshotSource snapshots) =>
        {
            var snapshot = snapshots.Current;
            var found = AuthorizationSearch.Resources(snapshot.Policies, snapshot.Entities, Entity(body.Subject, "subject"), Action(body),
                TypeOf(body.Resource, "resource"), EvaluationEndpoints.Context(body.Context));
            return Page(found.Select(uid => new FoundEntity(uid.EntityType.ToString(), uid.Id)), f => f.Id, body.Page);
        }).WithName("SearchResources");
        search.MapPost("/action", (SearchRequest body, SnapshotSource snapshots) =>
        {
            var snapshot = snapshots.Current;
            var found = AuthorizationSearch.Actions(snapshot.Policies, snapshot.Entities, Entity(body.Subject, "subject"), Entity(body.Resource, "resource"),
                EvaluationEndpoints.Context(body.Context));
            return Page(found.Select(uid => new FoundAction(uid.Id)), f => f.Name, body.Page);
        }).WithName("SearchActions");
    }

    private static Cedar.Values.EntityUid Entity(SearchEntity? entity, string field) =>
        entity?.Id is null
            ? throw MandateException.Invalid(field, $"`{field}` needs `type` and `id` in this search")
            : EvaluationEndpoints.Entity(entity.Type, entity.Id, field);

    private static Cedar.Values.EntityUid Action(SearchRequest body) =>
        body.Action is not { } action ? throw MandateException.Invalid("action", "`action` is required in this search")
        : EvaluationEndpoints.ActionUid(action.Name);

    private static Cedar.Ast.Name TypeOf(SearchEntity? entity, string field) =>
        entity is null
            ? throw MandateException.Invalid(field, $"`{field}.type` names what to search for")
            : EvaluationEndpoints.TypeName(entity.Type, field);

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
