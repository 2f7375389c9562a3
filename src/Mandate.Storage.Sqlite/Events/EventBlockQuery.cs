using System.Globalization;
using System.Text;
using System.Text.Json;
using Mandate.Core.Events;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// Reads a page of events: picks candidate blocks by sequence and time, skips blocks whose participant filter
/// rules out every wanted identity, decompresses the rest a growing batch at a time (in parallel), skips lines
/// that cannot match by a byte search before decoding them, and applies every filter exactly.
/// </summary>
internal sealed class EventBlockQuery
{
    private const int MaxParallelBlocks = 8;

    private readonly EventQuery _query;
    private readonly HashSet<string> _identities;
    private readonly ulong[] _identityHashes;
    private readonly byte[][] _identityNeedles;
    private readonly byte[][] _needles;

    public EventBlockQuery(EventQuery query)
    {
        _query = query;
        _identities = new HashSet<string>(query.IdentityIds, StringComparer.Ordinal);
        if (query.IdentityId is { } single)
        {
            _identities.Add(single);
        }

        _identityHashes = [.. _identities.Select(ParticipantFilter.Hash)];
        _identityNeedles = [.. _identities.Select(i => Bytes(Quoted(i)))];
        var needles = new List<byte[]>();
        if (query.Type is { } type)
        {
            needles.Add(Bytes("\"type\":\"" + JsonEncodedText.Encode(type)));
        }

        if (query.Action is { } action)
        {
            needles.Add(Bytes("\"action\":" + Quoted(action)));
        }

        if (query.ResourceId is { } resource)
        {
            needles.Add(Bytes("\"resource_id\":" + Quoted(resource)));
        }

        if (query.Outcome is { } outcome)
        {
            needles.Add(Bytes(outcome == EventOutcome.Success ? "\"outcome\":\"success\"" : "\"outcome\":\"failure\""));
        }

        _needles = [.. needles];
    }

    public async Task<Page<MandateEvent>> ReadAsync(SqliteSession session, int limit)
    {
        await using var candidates = session.Command(CandidateSql(out var parameters));
        candidates.Bind([.. parameters]);
        await using var load = session.Command("SELECT encoding, lines FROM event_blocks WHERE first_sequence = $key");
        var key = load.Parameters.Add("$key", SqliteType.Integer);
        var matches = new List<MandateEvent>(Math.Min(limit + 1, 256));
        await using var reader = await candidates.ExecuteReaderAsync(session.CancellationToken);
        var stored = new List<StoredBlock>();
        var batch = 1;
        var more = true;
        try
        {
            while (more && matches.Count <= limit)
            {
                Release(stored);
                while (stored.Count < batch && (more = await reader.ReadAsync(session.CancellationToken)))
                {
                    if (_identityHashes.Length > 0 && !MayHoldIdentity((byte[])reader.GetValue(1)))
                    {
                        continue;
                    }

                    key.Value = reader.GetInt64(0);
                    await using var block = await load.ExecuteReaderAsync(session.CancellationToken);
                    if (await block.ReadAsync(session.CancellationToken))
                    {
                        stored.Add(StoredBlock.Read(block));
                    }
                }

                var lines = Decompress(stored);
                try
                {
                    foreach (var block in lines)
                    {
                        Collect(block.WrittenSpan, matches, limit + 1);
                        if (matches.Count > limit)
                        {
                            break;
                        }
                    }
                }
                finally
                {
                    foreach (var block in lines)
                    {
                        block.Dispose();
                    }
                }

                // A page found in the first block decompresses one; a search over many blocks takes them several at a
                // time, decompressed in parallel.
                batch = Math.Min(batch * 2, MaxParallelBlocks);
            }
        }
        finally
        {
            Release(stored);
        }

        if (matches.Count <= limit)
        {
            return new Page<MandateEvent>(matches, null);
        }

        matches.RemoveAt(matches.Count - 1);
        return new Page<MandateEvent>(matches, matches[^1].Sequence.ToString(CultureInfo.InvariantCulture));
    }

    // Decompression is most of a query's cost; blocks are independent, so several run at once, in order of use.
    private static PooledBuffer[] Decompress(List<StoredBlock> stored)
    {
        var lines = new PooledBuffer[stored.Count];
        if (stored.Count == 1)
        {
            lines[0] = BlockCompression.DecompressPooled(stored[0].Encoding, stored[0].Bytes.WrittenSpan);
            return lines;
        }

        try
        {
            Parallel.For(0, stored.Count, i => lines[i] = BlockCompression.DecompressPooled(stored[i].Encoding, stored[i].Bytes.WrittenSpan));
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            // The blocks that did decompress go back to the pool; callers see what one block's failure would have
            // raised (a damaged block is InvalidDataException).
            foreach (var block in lines)
            {
                block?.Dispose();
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
        }

        return lines;
    }

    private static void Release(List<StoredBlock> stored)
    {
        foreach (var block in stored)
        {
            block.Bytes.Dispose();
        }

        stored.Clear();
    }

    private string CandidateSql(out List<(string, object?)> parameters)
    {
        parameters = [("$after", _query.AfterSequence)];
        var sql = new StringBuilder("SELECT first_sequence, ")
            .Append(_identityHashes.Length > 0 ? "participants" : "NULL")
            .Append(" FROM event_blocks WHERE last_sequence > $after");
        if (_query.From is { } from)
        {
            sql.Append(" AND max_time >= $from");
            parameters.Add(("$from", from.UtcTicks));
        }

        if (_query.To is { } to)
        {
            sql.Append(" AND min_time < $to");
            parameters.Add(("$to", to.UtcTicks));
        }

        return sql.Append(" ORDER BY first_sequence").ToString();
    }

    private bool MayHoldIdentity(byte[] participants)
    {
        foreach (var hash in _identityHashes)
        {
            if (ParticipantFilter.MayContain(participants, hash))
            {
                return true;
            }
        }

        return false;
    }

    private void Collect(ReadOnlySpan<byte> lines, List<MandateEvent> matches, int wanted)
    {
        var rest = lines;
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

    private bool MayMatch(ReadOnlySpan<byte> line)
    {
        foreach (var needle in _needles)
        {
            if (line.IndexOf(needle) < 0)
            {
                return false;
            }
        }

        if (_identityNeedles.Length == 0)
        {
            return true;
        }

        foreach (var needle in _identityNeedles)
        {
            if (line.IndexOf(needle) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private bool Matches(MandateEvent e)
    {
        var q = _query;
        if (_identities.Count > 0 && !InvolvesIdentity(e))
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

    private bool InvolvesIdentity(MandateEvent e)
    {
        if (e.ActorId is { } actor && _identities.Contains(actor))
        {
            return true;
        }

        if (_query.IncludeDelegated)
        {
            foreach (var delegator in e.Chain)
            {
                if (_identities.Contains(delegator))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    // A value as it appears in a canonical line: JSON-escaped the way the writer escapes it, in quotes.
    private static string Quoted(string value) => $"\"{JsonEncodedText.Encode(value)}\"";

    /// <summary>A block's stored bytes, read into a buffer on a pooled array.</summary>
    private readonly record struct StoredBlock(int Encoding, PooledBuffer Bytes)
    {
        public static StoredBlock Read(SqliteDataReader block)
        {
            var length = (int)block.GetBytes(1, 0, null, 0, 0);
            var bytes = new PooledBuffer(length);
            block.GetBytes(1, 0, bytes.Array, 0, length);
            bytes.Advance(length);
            return new StoredBlock(block.GetInt32(0), bytes);
        }
    }
}
