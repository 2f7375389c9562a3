using Mandate.Authorization.ControlPlane;
using Mandate.Cedar.Values;
using Mandate.Core.Administration;
using Mandate.Core.Credentials;
using Mandate.Core.Errors;
using Mandate.Core.Storage;
using Mandate.Server.Admin.Contracts;
using Mandate.Server.Hosting;
using Mandate.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Admin;

/// <summary>Credentials: <c>/v1/identities/{id}/credentials</c> and <c>/v1/credentials</c>.</summary>
internal static class CredentialEndpoints
{
    public static void MapCredentialEndpoints(this RouteGroupBuilder v1)
    {
        var owned = v1.MapGroup("/identities/{identityId}/credentials").WithTags("Credentials");
        owned.MapPost("/", AddAsync).WithName("AddCredential").WithMetadata(ControlPlaneEndpoint.Governed);
        owned.MapGet("/", (string identityId, IMandateStore store, string? kind, int? limit, string? cursor, CancellationToken ct) =>
            ListAsync(store, identityId, WireEnum.Parse<CredentialKind>(kind, "kind"), limit, cursor, ct)).WithName("ListIdentityCredentials");

        var all = v1.MapGroup("/credentials").WithTags("Credentials");
        all.MapGet("/", (IMandateStore store, string? identity, string? kind, int? limit, string? cursor, CancellationToken ct) =>
            ListAsync(store, identity, WireEnum.Parse<CredentialKind>(kind, "kind"), limit, cursor, ct)).WithName("ListCredentials");
        all.MapGet("/{id}", GetAsync).WithName("GetCredential");
        all.MapPost("/{id}/revoke", RevokeAsync).WithName("RevokeCredential");
        all.MapPost("/{id}/rotate", RotateAsync).WithName("RotateCredential");
    }

    private static async Task<IResult> AddAsync(
        string identityId, CredentialInput body, CredentialRegistry registry, CredentialInputs inputs, ControlPlaneGuard guard, HttpContext http, CancellationToken ct)
    {
        var request = inputs.ToNewCredential(body, out var secret);
        if (ControlPlaneGuard.IsIdentityCaller(http))
        {
            guard.Require(http, ControlPlaneActions.AddCredential, guard.Identity(identityId), DecisionContext(request.Material.Kind));
        }

        var credential = await registry.AddAsync(identityId, request, http.Audit(), ct);
        return TypedResults.Created($"/v1/credentials/{Uri.EscapeDataString(credential.Id)}", new CredentialResponse(credential, secret));
    }

    /// <summary>The context of an <c>add_credential</c> decision: the kind of credential being added.</summary>
    internal static Dictionary<string, CedarValue> DecisionContext(CredentialKind kind) =>
        new() { ["kind"] = new StringValue(WireEnum.Name(kind)) };

    private static async Task<IResult> ListAsync(IMandateStore store, string? identityId, CredentialKind? kind, int? limit, string? cursor, CancellationToken ct)
    {
        if (identityId is not null && await store.Identities.GetAsync(identityId, ct) is null)
        {
            throw MandateException.NotFound("identity", identityId);
        }

        var page = await store.Credentials.ListAsync(identityId, kind, Paging.From(limit, cursor), ct);
        return TypedResults.Ok(new PageResponse<Credential>(page.Items, page.NextCursor));
    }

    private static async Task<IResult> GetAsync(string id, IMandateStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.Credentials.GetAsync(id, ct) ?? throw MandateException.NotFound("credential", id));

    private static async Task<IResult> RotateAsync(string id, RotateCredentialRequest? body, CredentialRegistry registry, HttpContext http, CancellationToken ct)
    {
        var seconds = body?.OverlapSeconds ?? 3600;
        if (seconds < 0 || seconds > CredentialRegistry.MaxRotationOverlap.TotalSeconds)
        {
            throw MandateException.Invalid("overlap_seconds", $"overlap_seconds must be 0 to {CredentialRegistry.MaxRotationOverlap.TotalSeconds}");
        }

        var (successor, retiring, secret) = await registry.RotateApiKeyAsync(id, TimeSpan.FromSeconds(seconds), http.Audit(), ct);
        return TypedResults.Created($"/v1/credentials/{Uri.EscapeDataString(successor.Id)}", new RotationResponse(successor, secret, retiring));
    }

    private static async Task<IResult> RevokeAsync(string id, StatusChangeRequest? body, CredentialRegistry registry, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await registry.RevokeAsync(id, body?.Reason, http.Audit(), ct));
}
