using Mandate.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Health;

/// <summary><c>GET /healthz</c>: liveness for orchestrators and the quick start.</summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/healthz", (EventPipeline events) => TypedResults.Ok(new HealthResponse("ok", events.Pending, events.Dropped)))
            .WithTags("Health")
            .AllowAnonymous();

    private sealed record HealthResponse(string Status, int EventsPending, long EventsDropped);
}
