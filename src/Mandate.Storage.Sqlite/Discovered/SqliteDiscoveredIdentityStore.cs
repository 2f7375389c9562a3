using Mandate.Core.Identities;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Discovered;

/// <summary>Discovered identities are inventory, not entity state: writes never raise a state change.</summary>
internal sealed class SqliteDiscoveredIdentityStore(SqliteDatabase database) : IDiscoveredIdentityStore
{
    private const string Columns = "source, external_id, kind, display_name, claim_label, first_seen, last_seen, events, last_action";

    private const string Upsert = $"""
        INSERT INTO discovered_identities ({Columns})
        VALUES ($source, $external_id, $kind, $display_name, $claim_label, $first_seen, $last_seen, $events, $last_action)
        ON CONFLICT (source, external_id) DO UPDATE SET
            first_seen = min(first_seen, excluded.first_seen),
            last_action = CASE WHEN excluded.last_seen >= last_seen THEN excluded.last_action ELSE last_action END,
            last_seen = max(last_seen, excluded.last_seen),
            events = events + excluded.events
        """;

    public Task RecordAsync(IReadOnlyList<DiscoveredIdentity> sightings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sightings);
        if (sightings.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.WriteAsync(async session =>
        {
            await using var command = session.Command(Upsert);
            var parameters = Columns.Split(", ").Select(c => command.Parameters.Add("$" + c, SqliteType.Text)).ToArray();
            foreach (var d in sightings)
            {
                object?[] values = [d.Source, d.ExternalId, d.Kind, d.DisplayName, d.ClaimLabel, d.FirstSeen.ToStored(), d.LastSeen.ToStored(), d.Events, d.LastAction];
                for (var i = 0; i < values.Length; i++)
                {
                    parameters[i].Value = values[i] ?? DBNull.Value;
                }

                await command.ExecuteNonQueryAsync(session.CancellationToken);
            }

            return true;
        }, cancellationToken);
    }

    public Task<Page<DiscoveredIdentity>> ListAsync(string? source, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var limit = PageCursor.ValidLimit(page);
        var after = PageCursor.Decode(page.Cursor)?.Split('\n', 2);
        if (after is { Length: not 2 })
        {
            throw Core.Errors.MandateException.Invalid("cursor", "cursor is malformed; pass back the cursor of the previous page");
        }

        return database.ReadAsync(async session =>
        {
            await using var command = session.Command($"""
                SELECT {Columns} FROM discovered_identities
                WHERE ($source IS NULL OR source = $source)
                  AND ($after_source IS NULL OR (source, external_id) > ($after_source, $after_id))
                ORDER BY source, external_id LIMIT $limit
                """);
            command.Bind([("$source", source), ("$after_source", after?[0]), ("$after_id", after?[1]), ("$limit", limit + 1)]);
            var rows = await session.ListAsync(command, Read);
            return PageCursor.ToPage(rows, limit, d => d.Source + "\n" + d.ExternalId);
        }, cancellationToken);
    }

    private static DiscoveredIdentity Read(SqliteDataReader r) => new()
    {
        Source = r.GetString(0),
        ExternalId = r.GetString(1),
        Kind = r.GetString(2),
        DisplayName = r.GetString(3),
        ClaimLabel = r.GetString(4),
        FirstSeen = r.GetInstant(5),
        LastSeen = r.GetInstant(6),
        Events = r.GetInt64(7),
        LastAction = r.GetStringOrNull(8),
    };
}
