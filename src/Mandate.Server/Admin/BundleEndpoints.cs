using Mandate.Authorization;
using Mandate.Core.Errors;
using Mandate.Server.Admin.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Admin;

/// <summary>
/// <c>/v1/bundle</c>: what the served policy bundle holds, replacing it with an uploaded one (a JSON document of files
/// or a <c>.tar.gz</c>), and reloading it from its directory. Every change swaps the snapshot atomically; a bundle that
/// fails to load is refused whole with every problem, and the served one stays.
/// </summary>
internal static class BundleEndpoints
{
    public static void MapBundleEndpoints(this RouteGroupBuilder v1)
    {
        var bundle = v1.MapGroup("/bundle").WithTags("Policies");
        bundle.MapGet("/", (SnapshotSource snapshots) => TypedResults.Ok(Describe(
            snapshots.Bundle ?? throw MandateException.NotFound("bundle", "(none: push one or start with --bundle DIR)")))).WithName("GetBundle");
        bundle.MapPut("/", PushAsync).WithName("PushBundle").Accepts<BundleUpload>("application/json", "application/gzip");
        bundle.MapPost("/reload", ReloadAsync).WithName("ReloadBundle");
    }

    /// <summary>Replaces the served bundle with the uploaded one and keeps it in the data directory for restarts.</summary>
    private static async Task<IResult> PushAsync(HttpContext http, SnapshotSource snapshots, StoredBundle stored, MandateServerOptions options, CancellationToken ct)
    {
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxBundleBytes;
        }

        var files = await BundleUpload.ReadAsync(http.Request, options.MaxBundleBytes, ct);
        var bundle = PolicyBundle.Parse(StoredBundle.Source, files);
        await stored.ChangeAsync(async () =>
        {
            await stored.SaveAsync(bundle, ct);
            await snapshots.ReplaceBundleAsync(bundle, ct);
            return bundle;
        }, ct);
        return TypedResults.Ok(Describe(bundle));
    }

    /// <summary>Reads the bundle directory again; a bundle that fails to load leaves the served one in place.</summary>
    private static async Task<IResult> ReloadAsync(SnapshotSource snapshots, StoredBundle stored, MandateServerOptions options, CancellationToken ct)
    {
        var loaded = await stored.ChangeAsync(async () =>
        {
            var directory = snapshots.Bundle is { Source: not StoredBundle.Source } served ? served.Source : options.BundleDirectory
                ?? throw new MandateException(ErrorCode.Conflict, "the served bundle was uploaded, not read from a directory; push it again to change it");
            var bundle = PolicyBundle.Load(directory);
            await snapshots.ReplaceBundleAsync(bundle, ct);
            return bundle;
        }, ct);
        return TypedResults.Ok(Describe(loaded));
    }

    private static BundleInfo Describe(PolicyBundle bundle) =>
        new(bundle.Source, bundle.Digest, [.. bundle.Files.Keys.Order(StringComparer.Ordinal)], [.. bundle.Policies.Select(p => p.Id)], bundle.Entities.Count);
}
