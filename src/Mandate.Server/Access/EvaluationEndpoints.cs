using System.Security.Claims;
using System.Text.Json;
using Mandate.Authorization;
using Mandate.Cedar.Json;
using Mandate.Cedar.Values;
using Mandate.Core.Errors;
using Mandate.Server.Hosting;
using Mandate.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Access;

/// <summary>
/// <c>POST /access/v1/evaluation</c>: subject <c>{type, id}</c> -> principal <c>type::"id"</c>, action
/// <c>{name}</c> -> <c>Action::"name"</c>, resource likewise, <c>context</c> -> the Cedar context. A deny is
/// HTTP 200 with <c>decision: false</c>.
/// </summary>
internal static class EvaluationEndpoints
{
    public static void MapEvaluationEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/access/v1/evaluation", Evaluate)
            .RequireAuthorization(MandateClaims.CallerPolicy)
            .WithTags("Access")
            .WithName("Evaluate");

    private static IResult Evaluate(EvaluationRequest body, DecisionPoint decisions, HttpContext http)
    {
        var request = new DecisionRequest(
            Entity(body.Subject.Type, body.Subject.Id, "subject"),
            Entity("Action", body.Action.Name, "action"),
            Entity(body.Resource.Type, body.Resource.Id, "resource"),
            Context(body.Context));
        var audit = http.Audit();
        var result = decisions.Decide(request, new DecisionOrigin(
            audit.ActorId, http.User.FindFirstValue(MandateClaims.TokenId), audit.SourceIp, audit.UserAgent, audit.RequestId));
        return TypedResults.Ok(new EvaluationResponse(result.Allowed, new EvaluationContext(result.Reasons, result.Errors)));
    }

    internal static EntityUid Entity(string type, string id, string field)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 1024)
        {
            throw MandateException.Invalid(field, $"`{field}` needs an id of 1 to 1024 characters");
        }

        try
        {
            return new EntityUid(Cedar.Syntax.CedarParser.ParseName(type), id);
        }
        catch (Cedar.Syntax.CedarParseException)
        {
            throw MandateException.Invalid(field, $"`{field}.type` `{(type.Length > 64 ? type[..61] + "..." : type)}` is not a Cedar entity type name (like `Agent` or `App::Table`)");
        }
    }

    internal static RecordValue Context(JsonElement? context)
    {
        if (context is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return RecordValue.Empty;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw MandateException.Invalid("context", "`context` must be a JSON object");
        }

        try
        {
            return CedarJson.ParseContext(element);
        }
        catch (CedarJsonException ex)
        {
            throw MandateException.Invalid("context", "`context` is not a valid Cedar context: " + ex.Message);
        }
    }
}
