using Mandate.Cedar.Entities;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

/// <summary>
/// A request resolved against an entity store once, so deciding it touches no store lookups for the request's
/// own entities: the principal, action and resource entities and their lineages (themselves and every
/// ancestor) are at hand. Prepare once, decide many times (for example once per policy set, or in a search);
/// preparing allocates, deciding with <see cref="Authorization.Authorizer.Decide(PreparedRequest, Ast.PolicySet, Span{int}, out int)"/> does not.
/// </summary>
public sealed class PreparedRequest
{
    /// <summary>Resolves <paramref name="request"/> against <paramref name="entities"/>.</summary>
    public PreparedRequest(Request request, EntityStore entities)
        : this(request, entities, null, null)
    {
    }

    /// <summary>
    /// Resolves <paramref name="request"/> against <paramref name="entities"/>, with the principal's and the resource's
    /// stored entities replaced, for this request only, by <paramref name="principal"/> and <paramref name="resource"/>
    /// when given (their uids must be the request's). Lineages still come from the store: an overlay changes
    /// attributes, not the hierarchy. Nothing is copied, so an overlay costs the same whatever the store's size.
    /// </summary>
    public PreparedRequest(Request request, EntityStore entities, Entity? principal, Entity? resource)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(entities);
        if ((principal is not null && !principal.Uid.Equals(request.Principal)) || (resource is not null && !resource.Uid.Equals(request.Resource)))
        {
            throw new ArgumentException("an overlay entity must have the uid of the request's principal or resource");
        }

        Request = request;
        Entities = entities;
        _overlaid = principal is not null || resource is not null;

        // When the principal and the resource are one entity, the caller gives the whole overlay once (the resource's wins).
        if (_overlaid && request.Principal.Equals(request.Resource))
        {
            principal = resource = resource ?? principal;
        }

        PrincipalLineage = Lineage(Resolve(request.Principal, entities, ref principal), entities);
        ActionLineage = Lineage(request.Action, entities);
        ResourceLineage = Lineage(Resolve(request.Resource, entities, ref resource), entities);
        PrincipalEntity = principal;
        ResourceEntity = resource;
    }

    /// <summary>
    /// The request of <paramref name="basis"/> with another resource: the principal and the action are taken as
    /// <paramref name="basis"/> resolved them, only the resource is looked up (a search decides one principal and
    /// action over thousands of resources).
    /// </summary>
    internal PreparedRequest(PreparedRequest basis, EntityUid resource)
    {
        var request = basis.Request;
        Request = new Request(request.Principal, request.Action, resource, request.Context);
        Entities = basis.Entities;
        _overlaid = basis._overlaid;
        PrincipalEntity = basis.PrincipalEntity;
        PrincipalLineage = basis.PrincipalLineage;
        ActionLineage = basis.ActionLineage;
        Entity? entity = null;
        ResourceLineage = Lineage(Resolve(resource, Entities, ref entity), Entities);
        ResourceEntity = entity;
    }

    private readonly bool _overlaid;

    /// <summary>The request.</summary>
    public Request Request { get; }

    /// <summary>The store the request was resolved against.</summary>
    public EntityStore Entities { get; }

    internal Entity? PrincipalEntity { get; }

    internal Entity? ResourceEntity { get; }

    internal EntityUid[] PrincipalLineage { get; }

    internal EntityUid[] ActionLineage { get; }

    internal EntityUid[] ResourceLineage { get; }

    /// <summary>The stored entity for one of the request's own entities, without a store lookup.</summary>
    internal bool TryGetOwn(EntityUid uid, out Entity? entity)
    {
        if (ReferenceEquals(uid, Request.Principal))
        {
            entity = PrincipalEntity;
            return true;
        }

        if (ReferenceEquals(uid, Request.Resource))
        {
            entity = ResourceEntity;
            return true;
        }

        // An overlaid entity reached another way (say `resource.owner` naming the principal) must read the same.
        if (_overlaid && uid.Equals(Request.Principal))
        {
            entity = PrincipalEntity;
            return true;
        }

        if (_overlaid && uid.Equals(Request.Resource))
        {
            entity = ResourceEntity;
            return true;
        }

        entity = null;
        return false;
    }

    /// <summary>The lineage of one of the request's own entities, or null for any other entity.</summary>
    internal EntityUid[]? LineageOf(EntityUid uid) =>
        ReferenceEquals(uid, Request.Principal) ? PrincipalLineage
        : ReferenceEquals(uid, Request.Resource) ? ResourceLineage
        : ReferenceEquals(uid, Request.Action) ? ActionLineage
        : null;

    internal static bool Contains(EntityUid[] lineage, EntityUid ancestor)
    {
        foreach (var member in lineage)
        {
            if (member.Equals(ancestor))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The reference a request entity's lineage starts with, and its entity: unless <paramref name="overlay"/> already
    /// gives the entity, the stored one and the store's own reference to it, as the lineage's ancestors are the store's
    /// (what the policy index remembers on it; the request's reference is new with every request).
    /// </summary>
    private static EntityUid Resolve(EntityUid uid, EntityStore entities, ref Entity? overlay) =>
        overlay is null && entities.TryGet(uid, out overlay) ? overlay.Uid : uid;

    /// <summary>The entity and its ancestors, each once (a cyclic hierarchy may list the entity among its own ancestors).</summary>
    internal static EntityUid[] Lineage(EntityUid uid, EntityStore entities)
    {
        var ancestors = entities.Ancestors(uid);
        if (ancestors.Contains(uid))
        {
            return CyclicLineage(uid, ancestors);
        }

        // Once per request entity: one array, copied straight from the set.
        var lineage = new EntityUid[ancestors.Count + 1];
        lineage[0] = uid;
        ancestors.CopyTo(lineage, 1);
        return lineage;
    }

    private static EntityUid[] CyclicLineage(EntityUid uid, HashSet<EntityUid> ancestors) => [uid, .. ancestors.Where(a => !a.Equals(uid))];
}
