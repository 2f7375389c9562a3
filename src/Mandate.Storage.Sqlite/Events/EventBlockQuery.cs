using System.Globalization;
using System.Text;
using System.Text.Json;
using Mandate.Core.Events;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// Reads a page of events: picks candidate blocks by sequence, time and (through the identity index) identity,
/// skips lines that cannot match by a byte search before decoding them, and applies every filter exactly.
/// </summary>
internal sealed class EventBlockQuery
{
    private readonly EventQuery _query;
    private readonly byte[]? _identityNeedle;
    private readonly byte[]? _typeNeedle;

    public EventBlockQuery(EventQuery query)
    {
        _query = query;
        _identityNeedle = query.IdentityId is null ? null : Quoted(query.IdentityId);
        _typeNeedle = query.Type is null ? null : Encoding.UTF8.GetBytes("\"type\":" + Quoted(query.Type, closeQuote: false));
    }

    public async Task<Page<MandateEvent>> ReadAsync(SqliteSession session, int limit)
    {
        var parameters = new List<(string, object?)>();
        await using var command = session.Command(BlockSql(parameters));
        command.Bind([.. parameters]);
        var matches = new List<MandateEvent>(Math.Min(limit + 1, 256));
        await using var reader = await command.ExecuteReaderAsync(session.CancellationToken);
        while (matches.Count <= limit && await reader.ReadAsync(session.CancellationToken))
        {
            var lines = (byte[])reader.GetValue(0);
            Collect(lines, matches, limit + 1);
        }

        if (matches.Count <= limit)
        {
            return new Page<MandateEvent>(matches, null);
        }

        matches.RemoveAt(matches.Count - 1);
        return new Page<MandateEvent>(matches, matches[^1].Sequence.ToString(CultureInfo.InvariantCulture));
    }

    private string BlockSql(List<(string, object?)> parameters)
    {
        var sql = new StringBuilder();
        if (_query.IdentityId is { } identity)
        {
            sql.Append("SELECT b.lines FROM event_block_identities x JOIN event_blocks b ON b.first_sequence = x.first_sequence ")
                .Append("WHERE x.identity_id = $identity AND b.last_sequence > $after");
            parameters.Add(("$identity", identity));
            if (_query.From is { } from)
            {
                sql.Append(" AND x.max_time >= $from");
                parameters.Add(("$from", from.UtcTicks));
            }
        }
        else
        {
            sql.Append("SELECT b.lines FROM event_blocks b WHERE b.last_sequence > $after");
            if (_query.From is { } from)
            {
                sql.Append(" AND b.max_time >= $from");
                parameters.Add(("$from", from.UtcTicks));
            }
        }

        parameters.Add(("$after", _query.AfterSequence));
        if (_query.To is { } to)
        {
            sql.Append(" AND b.min_time < $to");
            parameters.Add(("$to", to.UtcTicks));
        }

        return sql.Append(" ORDER BY b.first_sequence").ToString();
    }

    private void Collect(byte[] lines, List<MandateEvent> matches, int wanted)
    {
        var rest = lines.AsSpan();
        while (!rest.IsEmpty && matches.Count < wanted)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (MayMatch(line) && EventCodec.ReadSequence(line) > _query.AfterSequence)
            {
                var e = EventCodec.Read(line);
                if (Matches(e))
                {
                    matches.Add(e);
                }
            }
        }
    }

    private bool MayMatch(ReadOnlySpan<byte> line) =>
        (_identityNeedle is null || line.IndexOf(_identityNeedle) >= 0) && (_typeNeedle is null || line.IndexOf(_typeNeedle) >= 0);

    private bool Matches(MandateEvent e)
    {
        var q = _query;
        if (q.IdentityId is { } identity
            && !string.Equals(e.ActorId, identity, StringComparison.Ordinal)
            && !(q.IncludeDelegated && e.Chain.Contains(identity, StringComparer.Ordinal)))
        {
            return false;
        }

        return (q.Type is null || e.Type == q.Type || (e.Type.Length > q.Type.Length && e.Type.StartsWith(q.Type, StringComparison.Ordinal) && e.Type[q.Type.Length] == '.'))
            && (q.Outcome is null || e.Outcome == q.Outcome)
            && (q.From is null || e.Time >= q.From)
            && (q.To is null || e.Time < q.To)
            && (q.Action is null || e.Action == q.Action)
            && (q.ResourceType is null || e.ResourceType == q.ResourceType)
            && (q.ResourceId is null || e.ResourceId == q.ResourceId);
    }

    // The value as it appears in a canonical line: JSON-escaped the way the writer escapes it, in quotes.
    private static byte[] Quoted(string value) => Encoding.UTF8.GetBytes(Quoted(value, closeQuote: true));

    private static string Quoted(string value, bool closeQuote)
    {
        var escaped = JsonEncodedText.Encode(value).ToString();
        return closeQuote ? $"\"{escaped}\"" : $"\"{escaped}";
    }
}
