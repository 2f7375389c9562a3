using Mandate.Authorization;
using Mandate.Authorization.ControlPlane;
using Mandate.Cedar.Values;
using Mandate.Core.Administration;
using Mandate.Core.Identities;
using Mandate.Core.Storage;
using Mandate.Server.Admin.Contracts;
using Mandate.Server.Hosting;
using Mandate.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Admin;

/// <summary><c>/v1/identities</c>: register, read, list, update and move identities through their lifecycle.</summary>
internal static class IdentityEndpoints
{
    public static void MapIdentityEndpoints(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/identities").WithTags("Identities");
        group.MapPost("/", CreateAsync).WithName("CreateIdentity").WithMetadata(ControlPlaneEndpoint.Governed);
        group.MapGet("/", ListAsync).WithName("ListIdentities");
        group.MapGet("/{id}", GetAsync).WithName("GetIdentity");
        group.MapPatch("/{id}", UpdateAsync).WithName("UpdateIdentity");
        group.MapPost("/{id}/suspend", (string id, StatusChangeRequest? body, IdentityRegistry registry, HttpContext http, CancellationToken ct) =>
            SetStatusAsync(id, IdentityStatus.Suspended, body, registry, http, ct)).WithName("SuspendIdentity");
        group.MapPost("/{id}/resume", (string id, StatusChangeRequest? body, IdentityRegistry registry, HttpContext http, CancellationToken ct) =>
            SetStatusAsync(id, IdentityStatus.Active, body, registry, http, ct)).WithName("ResumeIdentity");
        group.MapPost("/{id}/deactivate", (string id, StatusChangeRequest? body, IdentityRegistry registry, HttpContext http, CancellationToken ct) =>
            SetStatusAsync(id, IdentityStatus.Deactivated, body, registry, http, ct)).WithName("DeactivateIdentity");
    }

    private static async Task<IResult> CreateAsync(
        CreateIdentityRequest body, IdentityRegistry registry, IMandateStore store, CredentialInputs inputs, ControlPlaneGuard guard, HttpContext http, CancellationToken ct)
    {
        var pending = (body.Credentials ?? []).Select(input => (Credential: inputs.ToNewCredential(input, out var secret), Secret: secret))
            .Concat(CredentialInputs.FromKeySet(body.Jwks, body.JwksUri).Select(c => (Credential: c, Secret: (string?)null)))
            .ToList();
        if (ControlPlaneGuard.IsIdentityCaller(http))
        {
            var (parent, owner) = guard.CreationDefaults(http, body.Kind);
            body = body with { Parent = body.Parent ?? parent, Owner = body.Owner ?? owner };
            var newIdentity = EntityUid.Of(EntityGraph.TypeOf(body.Kind), body.Id ?? "(new)");
            var attributes = NewIdentityAttributes(body, guard);
            guard.Require(http, ControlPlaneActions.CreateIdentity, newIdentity, EmptyContext, attributes);

            // A credential that arrives with the identity is still a credential added: the same decision as
            // POST /v1/identities/{id}/credentials, asked once per kind, so a forbid or narrowed token holds here too.
            foreach (var kind in pending.Select(p => p.Credential.Material.Kind).Distinct())
            {
                guard.Require(http, ControlPlaneActions.AddCredential, newIdentity, CredentialEndpoints.DecisionContext(kind), attributes);
            }
        }

        var created = await registry.CreateAsync(new NewIdentity
        {
            Id = body.Id,
            Kind = body.Kind,
            DisplayName = body.DisplayName,
            Owner = body.Owner,
            Purpose = body.Purpose,
            Environment = body.Environment,
            Labels = body.Labels,
            Parent = body.Parent,
            ExpiresAt = body.ExpiresAt,
            Credentials = pending.Select(p => p.Credential).ToList(),
        }, http.Audit(), ct);
        var stored = await store.Credentials.ListForIdentityAsync(created.Id, ct);

        // API key secrets exist only in this response: pair each with the credential stored for its material.
        var secrets = pending.Where(p => p.Secret is not null)
            .Select(p => new IssuedSecret(stored.First(s => s.Material == p.Credential.Material).Id, p.Secret!))
            .ToList();
        return TypedResults.Created($"/v1/identities/{Uri.EscapeDataString(created.Id)}",
            new IdentityResponse(created, stored, secrets.Count == 0 ? null : secrets));
    }

    private static readonly Dictionary<string, CedarValue> EmptyContext = [];

    /// <summary>The attributes a policy sees on the identity being created.</summary>
    private static RecordValue NewIdentityAttributes(CreateIdentityRequest body, ControlPlaneGuard guard)
    {
        var attributes = new Dictionary<string, CedarValue>(StringComparer.Ordinal) { ["kind"] = new StringValue(EntityGraph.TypeOf(body.Kind)) };
        if (body.Owner is not null)
        {
            attributes["owner"] = EntityUid.Of(EntityGraph.TypeOf(IdentityKind.Human), body.Owner);
        }

        if (body.Parent is not null && guard.Find(body.Parent) is { } parent)
        {
            attributes["parent"] = parent;
        }

        return new RecordValue(attributes);
    }

    private static async Task<IResult> ListAsync(
        IMandateStore store, string? kind, string? status, string? owner, string? parent, string? environment,
        string? label, string? q, int? limit, string? cursor, CancellationToken ct)
    {
        string? labelKey = null, labelValue = null;
        if (label is not null)
        {
            var eq = label.IndexOf('=', StringComparison.Ordinal);
            (labelKey, labelValue) = eq < 0 ? (label, null) : (label[..eq], label[(eq + 1)..]);
        }

        var page = await store.Identities.ListAsync(new IdentityQuery
        {
            Kind = WireEnum.Parse<IdentityKind>(kind, "kind"),
            Status = WireEnum.Parse<IdentityStatus>(status, "status"),
            Owner = owner,
            Parent = parent,
            Environment = environment,
            LabelKey = labelKey,
            LabelValue = labelValue,
            Search = q,
        }, Paging.From(limit, cursor), ct);
        return TypedResults.Ok(new PageResponse<Identity>(page.Items, page.NextCursor));
    }

    private static async Task<IResult> GetAsync(string id, IdentityRegistry registry, CancellationToken ct) =>
        TypedResults.Ok(await registry.GetRequiredAsync(id, ct));

    private static async Task<IResult> UpdateAsync(string id, UpdateIdentityRequest body, IdentityRegistry registry, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await registry.UpdateAsync(id, new IdentityChanges
        {
            DisplayName = body.DisplayName,
            Owner = body.Owner,
            Purpose = body.Purpose,
            Environment = body.Environment,
            Labels = body.Labels,
            ExpiresAt = body.ExpiresAt,
            Version = body.Version,
        }, http.Audit(), ct));

    private static async Task<IResult> SetStatusAsync(string id, IdentityStatus status, StatusChangeRequest? body, IdentityRegistry registry, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await registry.SetStatusAsync(id, status, body?.Reason, http.Audit(), ct));
}
