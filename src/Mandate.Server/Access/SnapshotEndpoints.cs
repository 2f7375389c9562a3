using System.Text.Json;
using Mandate.Authorization;
using Mandate.Authorization.Sync;
using Mandate.Core.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Mandate.Server.Access;

/// <summary>
/// <c>GET /v1/snapshot</c>: the policies, entities and identity states decisions use now, for in-process enforcement
/// points. The version is the ETag; with <c>If-None-Match</c> an unchanged snapshot is 304, and <c>wait=SECONDS</c>
/// (at most 60) holds the request open until the snapshot changes (long poll), so followers see a change at once.
/// </summary>
internal static class SnapshotEndpoints
{
    private const int MaxWaitSeconds = 60;

    public static void MapSnapshotEndpoints(this RouteGroupBuilder v1) =>
        v1.MapGet("/snapshot", GetAsync).WithTags("Access").WithName("GetSnapshot");

    private static async Task GetAsync(HttpContext http, SnapshotSource snapshots, int? wait)
    {
        if (wait is < 0 or > MaxWaitSeconds)
        {
            throw MandateException.Invalid("wait", $"`wait` is a number of seconds from 0 to {MaxWaitSeconds}");
        }

        var snapshot = snapshots.Current;
        var known = http.Request.Headers.IfNoneMatch.ToString();
        if (known.Length > 0 && known == Tag(snapshots.VersionOf(snapshot)) && wait is > 0)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(wait.Value));
            try
            {
                snapshot = await snapshots.WaitForChangeAsync(snapshot.Generation, timeout.Token);
            }
            catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
            {
                // No change within the wait: answer 304 below.
            }
        }

        var tag = Tag(snapshots.VersionOf(snapshot));
        http.Response.Headers.ETag = tag;
        http.Response.Headers.CacheControl = "no-cache";
        if (known == tag)
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        http.Response.ContentType = SnapshotDocument.MediaType;
        await using (var writer = new Utf8JsonWriter(http.Response.BodyWriter))
        {
            SnapshotDocument.Write(writer, snapshot, snapshots.VersionOf(snapshot));
        }

        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
    }

    private static string Tag(string version) => new EntityTagHeaderValue('"' + version + '"').ToString();
}
