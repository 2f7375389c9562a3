using Mandate.Authorization;
using Mandate.Cedar.Ast;
using Mandate.Core.Administration;
using Mandate.Core.Errors;
using Mandate.Core.Policies;
using Mandate.Core.Storage;
using Mandate.Server.Access;
using Mandate.Server.Admin.Contracts;
using Mandate.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Admin;

/// <summary><c>/v1/policies</c>: Cedar policy documents, and trying a decision before a change goes live.</summary>
internal static class PolicyEndpoints
{
    public static void MapPolicyEndpoints(this RouteGroupBuilder v1)
    {
        var policies = v1.MapGroup("/policies").WithTags("Policies");
        policies.MapPost("/", CreateAsync).WithName("CreatePolicy");
        policies.MapGet("/", ListAsync).WithName("ListPolicies");
        policies.MapGet("/{id}", GetAsync).WithName("GetPolicy");
        policies.MapPatch("/{id}", UpdateAsync).WithName("UpdatePolicy");
        policies.MapDelete("/{id}", DeleteAsync).WithName("DeletePolicy");
        policies.MapPost("/evaluate", Evaluate).WithName("EvaluatePolicies");
    }

    private static async Task<IResult> CreateAsync(CreatePolicyRequest body, PolicyLibrary library, HttpContext http, CancellationToken ct)
    {
        var policy = await library.CreateAsync(body.Id, body.Text, body.Description, body.Enabled, http.Audit(), ct);
        return TypedResults.Created($"/v1/policies/{Uri.EscapeDataString(policy.Id)}", policy);
    }

    private static async Task<IResult> ListAsync(IMandateStore store, bool? enabled, int? limit, string? cursor, CancellationToken ct)
    {
        var page = await store.Policies.ListAsync(enabled, Paging.From(limit, cursor), ct);
        return TypedResults.Ok(new PageResponse<PolicyDocument>(page.Items, page.NextCursor));
    }

    private static async Task<IResult> GetAsync(string id, IMandateStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.Policies.GetAsync(id, ct) ?? throw MandateException.NotFound("policy", id));

    private static async Task<IResult> UpdateAsync(string id, UpdatePolicyRequest body, PolicyLibrary library, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await library.UpdateAsync(id, body.Text, body.Description, body.Enabled, body.Version, http.Audit(), ct));

    private static async Task<IResult> DeleteAsync(string id, PolicyLibrary library, HttpContext http, CancellationToken ct)
    {
        await library.DeleteAsync(id, http.Audit(), ct);
        return TypedResults.NoContent();
    }

    // Decided by the engine that decides live (kill switch, `time`, properties), only with the candidate policies
    // when given: a dry run must not allow what the live decision would deny.
    private static IResult Evaluate(PolicyEvaluationRequest body, SnapshotSource snapshots, TimeProvider time)
    {
        var snapshot = snapshots.Current;
        if (body.Policies is not null)
        {
            snapshot = snapshot with { Policies = new PolicySet(StoredPolicies.Parse("candidate", body.Policies)) };
        }

        if (body.Principal.Type == TokenSubjects.SubjectType)
        {
            throw MandateException.Invalid("principal",
                $"a dry run does not take an `{TokenSubjects.SubjectType}` principal; name the identity (`type` and `id`), or evaluate with the token");
        }

        var now = time.GetUtcNow();
        var request = new DecisionRequest(
            EvaluationEndpoints.Entity(body.Principal.Type, body.Principal.Id, "principal"),
            EvaluationEndpoints.ActionUid(body.Action.Name),
            EvaluationEndpoints.Entity(body.Resource.Type, body.Resource.Id, "resource"),
            EvaluationEndpoints.WithAction(EvaluationEndpoints.Context(body.Context, now), body.Action),
            EvaluationEndpoints.Properties(body.Principal.Properties, "principal.properties"),
            EvaluationEndpoints.Properties(body.Resource.Properties, "resource.properties"));
        var result = DecisionEngine.Decide(request, snapshot, now, out _);
        return TypedResults.Ok(new EvaluationResponse(result.Allowed, new EvaluationContext(result.Reasons, result.Errors)));
    }
}
