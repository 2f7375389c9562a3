using System.Text.Json;
using Mandate.Core.Errors;
using Mandate.Core.Identities;
using Mandate.Core.Storage;
using Mandate.Server.Admin;
using Mandate.Server.Admin.Contracts;
using Mandate.Telemetry;
using Mandate.Telemetry.Import;
using Mandate.Telemetry.Ingest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Events;

/// <summary>
/// <c>POST /v1/imports/{format}</c>: external identity telemetry (CloudTrail, Kubernetes audit) normalized into the
/// event stream with actors attributed to managed identities; <c>GET /v1/discovered-identities</c>: the principals
/// no identity claims.
/// </summary>
internal static class ImportEndpoints
{
    /// <summary>Most records in one import request (the CLI sends files in chunks below this).</summary>
    public const int MaxRecords = EventIngestReader.MaxEvents;

    public static void MapImportEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapPost("/imports/{format}", ImportAsync).WithTags("Events").WithName("ImportEvents")
            .Produces<ImportResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        v1.MapGet("/discovered-identities", ListDiscoveredAsync).WithTags("Identities").WithName("ListDiscoveredIdentities");
    }

    private static async Task<IResult> ImportAsync(
        string format, HttpContext http, EventImporter importer, MandateMetrics metrics, MandateServerOptions options, CancellationToken ct)
    {
        if (ImportFormat.Find(format) is not { } importFormat)
        {
            throw new MandateException(ErrorCode.NotFound, $"no importer `{format}`; use `cloudtrail` or `k8s-audit`", "format");
        }

        var (submitted, unsupported) = await SubmittedBody.ReadAsync(http, options, ct);
        if (unsupported is not null)
        {
            return TypedResults.Problem(unsupported);
        }

        using var body = submitted!;
        var (records, errors) = ReadRecords(body.Bytes, body.Ndjson);
        if (errors.Any(e => e.Index < 0))
        {
            metrics.IngestRefused("import");
            return TypedResults.Problem(EventEndpoints.Refusal(errors));
        }

        var result = await importer.ImportAsync(importFormat, records, errors, ct);
        if (result.Errors.Count > 0)
        {
            metrics.IngestRefused("import");
            return TypedResults.Problem(EventEndpoints.Refusal(result.Errors));
        }

        metrics.Ingested(result.Imported, "import");
        return TypedResults.Ok(new ImportResponse(importFormat.Name, importFormat.Source, result.Records, result.Imported, result.Skipped,
                result.Duplicates, result.Attributed, result.Discovered, result.FirstSequence, result.LastSequence));
    }

    /// <summary>Raw records: NDJSON lines, a JSON array, or a CloudTrail log file's <c>{"Records": [...]}</c>.</summary>
    private static (List<JsonElement> Records, List<IngestError> Errors) ReadRecords(ReadOnlySpan<byte> body, bool ndjson)
    {
        var records = new List<JsonElement>();
        var errors = new List<IngestError>();
        if (ndjson)
        {
            var index = 0;
            foreach (var range in body.Split((byte)'\n'))
            {
                var line = body[range].Trim(" \t\r"u8);
                if (line.IsEmpty)
                {
                    continue;
                }

                try
                {
                    records.Add(JsonElement.Parse(line));
                }
                catch (JsonException ex)
                {
                    records.Add(default);
                    errors.Add(new IngestError(index, $"not valid JSON: {ex.Message}"));
                }

                index++;
            }
        }
        else
        {
            try
            {
                var document = JsonElement.Parse(body);
                var items = document.ValueKind == JsonValueKind.Object && document.TryGetProperty("Records", out var inner) ? inner : document;
                if (items.ValueKind != JsonValueKind.Array)
                {
                    errors.Add(new IngestError(-1, "expected a JSON array of records or a CloudTrail `{\"Records\": [...]}` document"));
                }
                else
                {
                    records.AddRange(items.EnumerateArray());
                }
            }
            catch (JsonException ex)
            {
                errors.Add(new IngestError(-1, $"the body is not valid JSON: {ex.Message}"));
            }
        }

        if (errors.Count == 0 && records.Count == 0)
        {
            errors.Add(new IngestError(-1, "the submission holds no records"));
        }
        else if (records.Count > MaxRecords)
        {
            errors.Insert(0, new IngestError(-1, $"an import request holds at most {MaxRecords} records; send big files in parts"));
        }

        return (records, errors);
    }

    private static async Task<IResult> ListDiscoveredAsync(IMandateStore store, string? source, int? limit, string? cursor, CancellationToken ct)
    {
        var page = await store.Discovered.ListAsync(source, Paging.From(limit, cursor), ct);
        var items = new List<DiscoveredIdentityResponse>(page.Items.Count);
        foreach (var found in page.Items)
        {
            var claimed = await store.Identities.ListAsync(new IdentityQuery { LabelKey = found.ClaimLabel, LabelValue = found.ExternalId }, new PageRequest(1), ct);
            items.Add(new DiscoveredIdentityResponse(found.Source, found.ExternalId, found.Kind, found.DisplayName, found.ClaimLabel,
                found.FirstSeen, found.LastSeen, found.Events, found.LastAction, claimed.Items.Count > 0 ? claimed.Items[0].Id : null));
        }

        return TypedResults.Ok(new PageResponse<DiscoveredIdentityResponse>(items, page.NextCursor));
    }

    /// <summary>The answer to an import.</summary>
    internal sealed record ImportResponse(
        string Format, string Source, int Records, int Imported, int Skipped, int Duplicates, int Attributed, IReadOnlyList<string> Discovered, long FirstSequence, long LastSequence);
}

/// <summary>A discovered identity; <c>managed_by</c> names the identity that has claimed it since, if one has.</summary>
public sealed record DiscoveredIdentityResponse(
    string Source, string ExternalId, string Kind, string DisplayName, string ClaimLabel, DateTimeOffset FirstSeen, DateTimeOffset LastSeen,
    long Events, string? LastAction = null, string? ManagedBy = null);
