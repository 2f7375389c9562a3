using System.Text.Json;
using Mandate.Core.Events;
using Mandate.Core.Identities;
using Mandate.Core.Storage;
using Mandate.Telemetry.Ingest;

namespace Mandate.Telemetry.Import;

/// <summary>The outcome of importing a batch of records.</summary>
/// <param name="Records">Records received.</param>
/// <param name="Imported">Events stored.</param>
/// <param name="Skipped">Records deliberately left out (intermediate stages of a request).</param>
/// <param name="Duplicates">Records whose event is already stored (an earlier import of the same record) or appears earlier in the same batch, left out.</param>
/// <param name="Attributed">Stored events whose actor is a managed identity.</param>
/// <param name="Discovered">The unmanaged principals seen acting, by external id.</param>
/// <param name="FirstSequence">The first stored event's sequence number (0 when nothing was stored).</param>
/// <param name="LastSequence">The last stored event's sequence number (0 when nothing was stored).</param>
/// <param name="Errors">Why records were refused; when there are any, nothing was stored.</param>
public sealed record ImportResult(
    int Records, int Imported, int Skipped, int Duplicates, int Attributed, IReadOnlyList<string> Discovered, long FirstSequence, long LastSequence, IReadOnlyList<IngestError> Errors);

/// <summary>
/// Imports external telemetry: normalizes every record with its <see cref="ImportFormat"/>, attributes each actor
/// (and delegator) to the managed identity whose claim label names it, stores the events durably through
/// <paramref name="append"/>, and records every principal no identity claims as a discovered, unmanaged identity.
/// A batch is all or nothing: any malformed record refuses the batch with a reason per record. Imports are idempotent:
/// an event keeps its source's id (<c>cloudtrail:&lt;eventID&gt;</c>), so a record already stored — the same file
/// imported again, or a record its source delivered twice — is recognized by that id and left out. Imports through
/// one importer run one at a time from that check to the append, so two imports of the same records at once cannot
/// both find them new (one importer serves a process; processes sharing a store do not wait for each other).
/// </summary>
/// <param name="store">Where identities are looked up and discovered identities recorded.</param>
/// <param name="append">Stores events durably (the pipeline's durable append).</param>
/// <param name="time">The clock a record's time is checked against (no more than five minutes ahead of it).</param>
public sealed class EventImporter(
    IMandateStore store, Func<IReadOnlyList<MandateEvent>, CancellationToken, Task<IReadOnlyList<MandateEvent>>> append, TimeProvider? time = null) : IDisposable
{
    private const int MaxReported = 100;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();

    /// <summary>
    /// Imports <paramref name="records"/> of <paramref name="format"/>; <paramref name="unreadable"/> names records the
    /// caller could not even parse (left undefined in <paramref name="records"/>), reported with the others.
    /// </summary>
    public async Task<ImportResult> ImportAsync(
        ImportFormat format, IReadOnlyList<JsonElement> records, IReadOnlyList<IngestError>? unreadable = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(records);
        var normalized = new List<NormalizedRecord>(records.Count);
        var errors = new List<IngestError>(unreadable ?? []);
        var skipped = 0;

        // A record dated in the future would keep age-based retention from ever removing its block, as in ingest.
        var latest = (time ?? TimeProvider.System).GetUtcNow() + Ingest.IngestFields.MaxClockSkew;
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].ValueKind == JsonValueKind.Undefined)
            {
                continue;
            }

            var result = format.Normalize(records[i]);
            if (result.Error is { } error)
            {
                errors.Add(new IngestError(i, error));
            }
            else if (result.Record is { Event.Time: var at } future && at > latest)
            {
                errors.Add(new IngestError(i, $"its time {at:O} is more than {Ingest.IngestFields.MaxClockSkew.TotalMinutes:0} minutes ahead of the server's clock"));
            }
            else if (result.Record is { } record)
            {
                normalized.Add(record);
            }
            else
            {
                skipped++;
            }
        }

        if (errors.Count > 0)
        {
            return new ImportResult(records.Count, 0, skipped, 0, 0, [], 0, 0, [.. errors.OrderBy(e => e.Index).Take(MaxReported)]);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await StoreAsync(records.Count, skipped, normalized, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    // Attributes and stores the records not stored yet, and records the principals no identity claims.
    private async Task<ImportResult> StoreAsync(int recordCount, int skipped, List<NormalizedRecord> normalized, CancellationToken cancellationToken)
    {
        var fresh = await WithoutStoredAsync(normalized, cancellationToken);
        var duplicates = normalized.Count - fresh.Count;
        var claims = new ClaimIndex(store.Identities);
        var events = new List<MandateEvent>(normalized.Count);
        var sightings = new Dictionary<(string, string), DiscoveredIdentity>();
        var attributed = 0;
        foreach (var (evt, actor, delegator) in fresh)
        {
            var owner = await claims.FindAsync(actor, cancellationToken);
            var forWhom = delegator is null ? null : await claims.FindAsync(delegator, cancellationToken);
            attributed += owner is null ? 0 : 1;
            Sight(sightings, owner is null ? actor : null, evt);
            Sight(sightings, delegator is not null && forWhom is null ? delegator : null, evt);
            events.Add(evt with
            {
                ActorId = owner?.Id ?? actor.ExternalId,
                ActorKind = owner is null ? actor.Kind : KindName(owner.Kind),
                Chain = delegator is null ? [] : [forWhom?.Id ?? delegator.ExternalId],
            });
        }

        var stored = events.Count == 0 ? [] : await append(events, cancellationToken);

        // Once the events are stored a retry finds them all duplicates and sights nothing, so what they saw is recorded
        // even if the caller gives up now.
        await store.Discovered.RecordAsync([.. sightings.Values], CancellationToken.None);
        return new ImportResult(recordCount, stored.Count, skipped, duplicates, attributed, [.. sightings.Keys.Select(k => k.Item2).Order(StringComparer.Ordinal)],
            stored.Count == 0 ? 0 : stored[0].Sequence, stored.Count == 0 ? 0 : stored[^1].Sequence, []);
    }

    // The records whose event id is neither stored nor taken by an earlier record of the batch. Stored events are
    // looked for in the batch's time range only: an imported event keeps its source's time, and the log is read by
    // time, so a re-import reads what was stored for that window, not the whole log.
    private async Task<List<NormalizedRecord>> WithoutStoredAsync(List<NormalizedRecord> normalized, CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var batch = normalized.Where(record => ids.Add(record.Event.Id)).ToList();
        if (batch.Count == 0)
        {
            return batch;
        }

        var query = new EventQuery { From = batch.Min(r => r.Event.Time), To = batch.Max(r => r.Event.Time).AddTicks(1) };
        var stored = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var page in store.Events.PagesAsync(query, PageRequest.MaxLimit, cancellationToken))
        {
            stored.UnionWith(page.Select(e => e.Id).Where(ids.Contains));
        }

        return stored.Count == 0 ? batch : [.. batch.Where(record => !stored.Contains(record.Event.Id))];
    }

    private static void Sight(Dictionary<(string, string), DiscoveredIdentity> sightings, ExternalPrincipal? principal, MandateEvent evt)
    {
        if (principal is null)
        {
            return;
        }

        var key = (principal.Source, principal.ExternalId);
        sightings[key] = sightings.TryGetValue(key, out var seen)
            ? seen with
            {
                FirstSeen = evt.Time < seen.FirstSeen ? evt.Time : seen.FirstSeen,
                LastSeen = evt.Time >= seen.LastSeen ? evt.Time : seen.LastSeen,
                LastAction = evt.Time >= seen.LastSeen ? evt.Action : seen.LastAction,
                Events = seen.Events + 1,
            }
            : new DiscoveredIdentity
            {
                Source = principal.Source,
                ExternalId = principal.ExternalId,
                Kind = principal.Kind,
                DisplayName = principal.DisplayName,
                ClaimLabel = principal.ClaimLabel,
                FirstSeen = evt.Time,
                LastSeen = evt.Time,
                Events = 1,
                LastAction = evt.Action,
            };
    }

    private static string KindName(IdentityKind kind) => kind switch
    {
        IdentityKind.Human => "human",
        IdentityKind.Agent => "agent",
        IdentityKind.ServiceAccount => "service_account",
        IdentityKind.Workload => "workload",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Which identity claims a principal, looked up once per label value.</summary>
    private sealed class ClaimIndex(IIdentityStore identities)
    {
        private readonly Dictionary<(string, string), Identity?> _found = [];

        public async Task<Identity?> FindAsync(ExternalPrincipal principal, CancellationToken cancellationToken)
        {
            var key = (principal.ClaimLabel, principal.ExternalId);
            if (!_found.TryGetValue(key, out var identity))
            {
                var page = await identities.ListAsync(new IdentityQuery { LabelKey = principal.ClaimLabel, LabelValue = principal.ExternalId }, new PageRequest(1), cancellationToken);
                _found[key] = identity = page.Items.Count > 0 ? page.Items[0] : null;
            }

            return identity;
        }
    }
}
