using System.Buffers;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Core.Storage;
using Mandate.Server.Admin.Contracts;
using Mandate.Server.Hosting;
using Mandate.Telemetry;
using Mandate.Telemetry.Ingest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Events;

/// <summary><c>/v1/events</c>: query the event stream, or follow it live over Server-Sent Events.</summary>
internal static class EventEndpoints
{
    private const int MaxLimit = 1000;

    public static void MapEventEndpoints(this RouteGroupBuilder v1)
    {
        var events = v1.MapGroup("/events").WithTags("Events");
        events.MapGet("/", ListAsync).WithName("ListEvents");
        events.MapPost("/", IngestAsync).WithName("IngestEvents")
            .Accepts<MandateEvent[]>("application/json", "application/x-ndjson")
            .Produces<IngestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        events.MapGet("/stream", Follow).WithName("FollowEvents");
        events.MapGet("/export", ExportAsync).WithName("ExportEvents").Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson");
    }

    private static async Task<IResult> ListAsync(IMandateStore store, [AsParameters] EventFilter filter, int? limit, CancellationToken ct)
    {
        var query = await filter.ToQueryAsync(store, filter.Cursor, ct);
        var page = await store.Events.QueryAsync(query, Limit(limit), ct);
        return TypedResults.Ok(new PageResponse<MandateEvent>(page.Items, page.NextCursor));
    }

    /// <summary>
    /// Stores events from an external producer: a JSON array or NDJSON. Answers only once every event is durable;
    /// refuses the whole submission, with a reason per bad event, when any is malformed.
    /// </summary>
    private static async Task<IResult> IngestAsync(
        HttpContext http, EventPipeline pipeline, MandateMetrics metrics, MandateServerOptions options, TimeProvider time, CancellationToken ct)
    {
        var (submitted, unsupported) = await SubmittedBody.ReadAsync(http, options, ct);
        if (unsupported is not null)
        {
            return TypedResults.Problem(unsupported);
        }

        using var body = submitted!;
        var batch = EventIngestReader.Read(body.Bytes, body.Ndjson, time.GetUtcNow(), "ingest");
        if (batch.Errors.Count > 0)
        {
            metrics.IngestRefused("ingest");
            return TypedResults.Problem(Refusal(batch.Errors));
        }

        var stored = await pipeline.AppendDurableAsync(batch.Events, ct);
        metrics.Ingested(stored.Count, "ingest");
        return TypedResults.Ok(new IngestResponse(stored.Count, stored[0].Sequence, stored[^1].Sequence));
    }

    /// <summary>
    /// Streams every matching event stored when the export starts as OCSF JSON lines (<c>application/x-ndjson</c>),
    /// oldest first, for SIEMs; the filters are those of the listing.
    /// </summary>
    private static async Task ExportAsync(IMandateStore store, HttpContext http, [AsParameters] EventFilter filter)
    {
        var query = await filter.ToQueryAsync(store, filter.Cursor, http.RequestAborted);
        var end = (await store.Audit.HeadAsync(http.RequestAborted)).Sequence;
        http.Response.ContentType = "application/x-ndjson";
        await using var writer = new Utf8JsonWriter(http.Response.BodyWriter, new JsonWriterOptions { Indented = false, SkipValidation = true });
        await foreach (var page in store.Events.PagesAsync(query, MaxLimit, http.RequestAborted))
        {
            foreach (var evt in page)
            {
                if (evt.Sequence > end)
                {
                    return;
                }

                Telemetry.Ocsf.OcsfWriter.Write(writer, evt);
                writer.Flush();
                writer.Reset();
                http.Response.BodyWriter.Write("\n"u8);
            }

            await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
        }
    }

    /// <summary>
    /// Streams matching events as they are stored, starting after <c>cursor</c> (or the SSE
    /// <c>Last-Event-ID</c> on reconnect); each event's SSE id is its sequence.
    /// </summary>
    private static async Task Follow(IMandateStore store, EventPipeline pipeline, HttpContext http, [AsParameters] EventFilter filter)
    {
        var resume = http.Request.Headers["Last-Event-ID"].ToString();
        var query = await filter.ToQueryAsync(store, resume.Length > 0 ? resume : filter.Cursor, http.RequestAborted);

        // Send the headers at once so a follower knows it is subscribed before the first event exists.
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        await http.Response.StartAsync(http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
        try
        {
            await SseFormatter.WriteAsync(StreamAsync(store.Events, store.Audit, () => pipeline.NextAppend, query, http.RequestAborted), http.Response.Body,
                (item, writer) =>
                {
                    using var json = new Utf8JsonWriter(writer);
                    JsonSerializer.Serialize(json, item.Data, ApiJson.Options);
                }, http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The follower went away.
        }
    }

    /// <summary>
    /// The events matching <paramref name="query"/> as they are stored; <paramref name="nextAppend"/> completes when the
    /// next batch has been written (<see cref="EventPipeline.NextAppend"/>).
    /// </summary>
    internal static async IAsyncEnumerable<SseItem<MandateEvent>> StreamAsync(
        IEventStore events, IAuditLog audit, Func<Task> nextAppend, EventQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var after = query.AfterSequence;
        while (!ct.IsCancellationRequested)
        {
            var appended = nextAppend();

            // Every event up to the head read before the query is visible to it, so once a page comes back short the
            // follower has seen all of them: the next read starts there, not at the last match, or a rare filter would
            // rescan the whole log since its last match on every commit.
            var head = (await audit.HeadAsync(ct)).Sequence;
            var page = await events.QueryAsync(query with { AfterSequence = after }, MaxLimit, ct);
            foreach (var evt in page.Items)
            {
                after = evt.Sequence;
                yield return new SseItem<MandateEvent>(evt, "event") { EventId = evt.Sequence.ToString(CultureInfo.InvariantCulture) };
            }

            if (page.NextCursor is null)
            {
                after = Math.Max(after, head);
                try
                {
                    await appended.WaitAsync(TimeSpan.FromSeconds(15), ct);
                }
                catch (TimeoutException)
                {
                    // Nothing new; loop to re-check (keeps idle connections honest behind proxies).
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
            }
        }
    }

    /// <summary>A 400 naming every refused item (up to a hundred), or the reason the whole body was refused.</summary>
    internal static ProblemDetails Refusal(IReadOnlyList<IngestError> errors)
    {
        var problem = Problems.Create(StatusCodes.Status400BadRequest, ErrorCode.InvalidArgument, errors[0].Index < 0
            ? errors[0].Reason
            : $"{errors.Count} item(s) refused, nothing was stored; first: item {errors[0].Index}: {errors[0].Reason}");
        problem.Extensions["errors"] = errors.Where(e => e.Index >= 0).Select(e => new { index = e.Index, reason = e.Reason }).ToArray();
        return problem;
    }

    private static int Limit(int? limit) =>
        limit is null ? 100
        : limit is < 1 or > MaxLimit ? throw MandateException.Invalid("limit", $"limit must be between 1 and {MaxLimit}")
        : limit.Value;

    /// <summary>The answer to an ingest: how many events were stored durably, and their sequence numbers.</summary>
    internal sealed record IngestResponse(int Accepted, long FirstSequence, long LastSequence);

    /// <summary>The query-string filters shared by listing and following.</summary>
    internal sealed record EventFilter(
        string? Identity,
        [property: FromQuery(Name = "include_delegated")] bool? IncludeDelegated,
        [property: FromQuery(Name = "include_descendants")] bool? IncludeDescendants,
        string? Type,
        string? Outcome,
        string? Action,
        [property: FromQuery(Name = "resource_type")] string? ResourceType,
        [property: FromQuery(Name = "resource_id")] string? ResourceId,
        DateTimeOffset? From,
        DateTimeOffset? To,
        string? Cursor)
    {
        /// <summary>The query; with <c>include_descendants</c>, the identity's sub-agents (by <c>parent</c>) are looked up and added.</summary>
        public async Task<EventQuery> ToQueryAsync(IMandateStore store, string? cursor, CancellationToken ct)
        {
            var query = ToQuery(cursor);
            if (IncludeDescendants != true)
            {
                return query;
            }

            if (Identity is null)
            {
                throw MandateException.Invalid("include_descendants", "include_descendants needs `identity`");
            }

            return query with { IdentityIds = await IdentityLineage.DescendantsAsync(store.Identities, Identity, ct) };
        }

        private EventQuery ToQuery(string? cursor) => new()
        {
            IdentityId = Identity,
            IncludeDelegated = IncludeDelegated ?? false,
            Type = Type,
            Outcome = WireEnum.Parse<EventOutcome>(Outcome, "outcome"),
            Action = Action,
            ResourceType = ResourceType,
            ResourceId = ResourceId,
            From = From,
            To = To,
            AfterSequence = cursor is null ? 0
                : long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var after) ? after
                : throw MandateException.Invalid("cursor", $"cursor `{cursor}` is not a cursor returned by this API"),
        };
    }
}
