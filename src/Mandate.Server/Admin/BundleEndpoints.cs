using Mandate.Authorization;
using Mandate.Core.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Admin;

/// <summary><c>/v1/bundle</c>: what the served policy bundle holds, and reloading it without a restart.</summary>
internal static class BundleEndpoints
{
    public static void MapBundleEndpoints(this RouteGroupBuilder v1)
    {
        var bundle = v1.MapGroup("/bundle").WithTags("Policies");
        bundle.MapGet("/", (SnapshotSource snapshots) => TypedResults.Ok(Describe(
            snapshots.Bundle ?? throw MandateException.NotFound("bundle", "(none: start with --bundle DIR)")))).WithName("GetBundle");
        bundle.MapPost("/reload", ReloadAsync).WithName("ReloadBundle");
    }

    /// <summary>Reads the bundle directory again; a bundle that fails to load leaves the served one in place.</summary>
    private static async Task<IResult> ReloadAsync(SnapshotSource snapshots, MandateServerOptions options, CancellationToken ct)
    {
        var directory = snapshots.Bundle?.Directory ?? options.BundleDirectory
            ?? throw new MandateException(ErrorCode.Conflict, "no bundle directory is configured; start the server with --bundle DIR");
        var loaded = PolicyBundle.Load(directory);
        await snapshots.ReplaceBundleAsync(loaded, ct);
        return TypedResults.Ok(Describe(loaded));
    }

    private static BundleInfo Describe(PolicyBundle bundle) =>
        new(bundle.Directory, [.. bundle.Policies.Select(p => p.Id)], bundle.Entities.Count);

    private sealed record BundleInfo(string Directory, IReadOnlyList<string> Policies, int Entities);
}
