using System.Buffers;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Mandate.Core.Errors;

namespace Mandate.Core.Events;

/// <summary>
/// Events already in their canonical form (<see cref="EventCodec"/>), in pooled memory: each event's line without its
/// leading sequence number, which a store adds when it numbers the batch, and beside it what a store indexes (the time,
/// a hash of the id, hashes of the identities taking part). Producers encode an event when it happens, so nothing
/// object-shaped waits for the batch to commit: at hundreds of thousands of decisions a second, events that wait as
/// objects survive collections, and every collection that copies them pauses every thread for longer.
/// </summary>
/// <remarks>Not thread-safe: a batch has one owner at a time. <see cref="Dispose"/> gives its arrays back to the pool.</remarks>
public sealed class EncodedEvents : IDisposable
{
    /// <summary>The most bytes a line's sequence number adds to its body (<c>{"seq":</c> and a 64-bit number).</summary>
    public const int MaxNumberLength = 32;

    private const int InitialEvents = 16;

    private const int MaxIdPrefixLength = 16;

    // Each thread keeps one set for checking ids.
    [ThreadStatic]
    private static HashSet<ulong>? t_ids;

    private byte[] _bytes;
    private Entry[] _entries;
    private ulong[] _participants;
    private int _length;
    private int _count;
    private int _participantCount;

    /// <summary>An empty batch with room for about <paramref name="events"/> events before it grows.</summary>
    public EncodedEvents(int events = InitialEvents)
    {
        events = Math.Max(events, 1);
        _bytes = ArrayPool<byte>.Shared.Rent(events * 512);
        _entries = ArrayPool<Entry>.Shared.Rent(events);
        _participants = ArrayPool<ulong>.Shared.Rent(events);
    }

    /// <summary>Events held.</summary>
    public int Count => _count;

    /// <summary>
    /// A stable 64-bit hash of an event id or an identity id, the same in every process and on every machine (stores
    /// keep it on disk, in participant filters, so it never changes).
    /// </summary>
    public static ulong Hash(string value) => Hash(value.AsSpan());

    /// <inheritdoc cref="Hash(string)"/>
    public static ulong Hash(ReadOnlySpan<char> value) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(value));

    /// <summary>Encodes <paramref name="e"/> at the end of the batch.</summary>
    /// <exception cref="MandateException">The event has no id.</exception>
    public void Add(MandateEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (string.IsNullOrEmpty(e.Id))
        {
            throw MandateException.Invalid("id", "every event needs an id");
        }

        Add(EventFields.Of(e));
    }

    /// <summary>Encodes the event of <paramref name="e"/> at the end of the batch, with a new id when it has none.</summary>
    /// <exception cref="MandateException">The fields have an empty id, or neither an id nor a prefix for one.</exception>
    public void Add(in EventFields e)
    {
        if (e.Id is { Length: 0 } || (e.Id is null && e.IdPrefix is not { Length: > 0 and <= MaxIdPrefixLength }))
        {
            throw MandateException.Invalid("id", "every event needs an id, or a prefix of 1 to 16 characters for a new one");
        }

        Span<char> made = stackalloc char[e.Id is null ? MandateId.NewLength(e.IdPrefix) : 0];
        if (e.Id is null)
        {
            MandateId.Write(e.IdPrefix, e.Time, made);
        }

        ReadOnlySpan<char> id = e.Id is null ? made : e.Id;
        EnsureBytes(EventCodec.MaxLineLength(e, id.Length));
        var length = EventCodec.WriteBody(_bytes.AsSpan(_length), e, id, out var idEnd);
        var chain = e.Chain ?? [];
        var participants = (e.ActorId is null ? 0 : 1) + chain.Count;
        EnsureParticipants(participants);
        var first = _participantCount;
        if (e.ActorId is { } actor)
        {
            _participants[_participantCount++] = Hash(actor);
        }

        for (var i = 0; i < chain.Count; i++)
        {
            _participants[_participantCount++] = Hash(chain[i]);
        }

        Append(new Entry(_length, length, idEnd, e.Time.UtcTicks, Hash(id), first, participants));
        _length += length;
    }

    /// <summary>Copies every event of <paramref name="source"/> to the end of this batch.</summary>
    public void AddRange(EncodedEvents source)
    {
        ArgumentNullException.ThrowIfNull(source);
        AddRange(source, 0, source._count);
    }

    /// <summary>Copies <paramref name="count"/> events of <paramref name="source"/> from <paramref name="start"/> to the end of this batch.</summary>
    public void AddRange(EncodedEvents source, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, source._count - start);
        if (count <= 0)
        {
            return;
        }

        var first = source._entries[start];
        var last = source._entries[start + count - 1];
        var bytes = last.Offset + last.Length - first.Offset;
        var participants = last.FirstParticipant + last.Participants - first.FirstParticipant;
        EnsureBytes(bytes);
        EnsureParticipants(participants);
        source._bytes.AsSpan(first.Offset, bytes).CopyTo(_bytes.AsSpan(_length));
        source._participants.AsSpan(first.FirstParticipant, participants).CopyTo(_participants.AsSpan(_participantCount));
        for (var i = 0; i < count; i++)
        {
            var e = source._entries[start + i];
            Append(e with { Offset = e.Offset - first.Offset + _length, FirstParticipant = e.FirstParticipant - first.FirstParticipant + _participantCount });
        }

        _length += bytes;
        _participantCount += participants;
    }

    /// <summary>The canonical line of event <paramref name="index"/> from just after its sequence number to its closing brace.</summary>
    public ReadOnlySpan<byte> Body(int index)
    {
        var e = At(index);
        return _bytes.AsSpan(e.Offset, e.Length);
    }

    /// <summary>
    /// Writes the whole canonical line of event <paramref name="index"/>, numbered <paramref name="sequence"/>, into
    /// <paramref name="destination"/> (at least <see cref="MaxNumberLength"/> bytes more than its body) and returns its length.
    /// </summary>
    public int WriteLine(int index, long sequence, Span<byte> destination)
    {
        var body = Body(index);
        var start = EventCodec.WriteStart(destination, sequence);
        body.CopyTo(destination[start..]);
        return start + body.Length;
    }

    /// <summary>Bytes of the bodies of <paramref name="count"/> events from <paramref name="start"/>.</summary>
    public int BodyLength(int start, int count)
    {
        if (count <= 0)
        {
            return 0;
        }

        var last = At(start + count - 1);
        return last.Offset + last.Length - At(start).Offset;
    }

    /// <summary>When event <paramref name="index"/> happened, in UTC ticks.</summary>
    public long Time(int index) => At(index).Time;

    /// <summary>The <see cref="Hash(string)"/> of event <paramref name="index"/>'s id.</summary>
    public ulong IdHash(int index) => At(index).IdHash;

    /// <summary>The id of event <paramref name="index"/> as it is written in its line (UTF-8, JSON-escaped).</summary>
    public ReadOnlySpan<byte> Id(int index)
    {
        var e = At(index);

        // The body starts with ,"id":" and the id's characters run to IdEnd.
        const int start = 7;
        return _bytes.AsSpan(e.Offset + start, e.IdEnd - start);
    }

    /// <summary>The id of event <paramref name="index"/>, for messages.</summary>
    public string IdText(int index) => Encoding.UTF8.GetString(Id(index));

    /// <summary>The <see cref="Hash(string)"/>es of the identities taking part in event <paramref name="index"/>: its actor, then its chain.</summary>
    public ReadOnlySpan<ulong> Participants(int index)
    {
        var e = At(index);
        return _participants.AsSpan(e.FirstParticipant, e.Participants);
    }

    /// <summary>Refuses the batch when two of its events share an id.</summary>
    /// <exception cref="MandateException">An id repeats (<see cref="ErrorCode.Conflict"/>).</exception>
    public void RefuseRepeatedIds()
    {
        // The ids' hashes meet in a set; only when two meet are the ids themselves compared.
        var hashes = t_ids ??= [];
        hashes.Clear();
        for (var i = 0; i < _count; i++)
        {
            if (!hashes.Add(_entries[i].IdHash))
            {
                for (var j = 0; j < i; j++)
                {
                    if (_entries[j].IdHash == _entries[i].IdHash && Id(j).SequenceEqual(Id(i)))
                    {
                        throw new MandateException(ErrorCode.Conflict, $"event id `{IdText(i)}` appears twice in the batch", "id");
                    }
                }
            }
        }
    }

    /// <summary>Forgets every event, keeping the memory for the next ones.</summary>
    public void Clear()
    {
        _length = 0;
        _count = 0;
        _participantCount = 0;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Clear();
        Return(ref _bytes);
        Return(ref _entries);
        Return(ref _participants);
    }

    private Entry At(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _count);
        return _entries[index];
    }

    private void Append(Entry entry)
    {
        if (_count == _entries.Length)
        {
            Grow(ref _entries, _count + 1, _count);
        }

        _entries[_count++] = entry;
    }

    private void EnsureBytes(int more)
    {
        if (_length + more > _bytes.Length)
        {
            Grow(ref _bytes, _length + more, _length);
        }
    }

    private void EnsureParticipants(int more)
    {
        if (_participantCount + more > _participants.Length)
        {
            Grow(ref _participants, _participantCount + more, _participantCount);
        }
    }

    private static void Grow<T>(ref T[] array, int needed, int used)
    {
        var larger = ArrayPool<T>.Shared.Rent(Math.Max(needed, array.Length * 2));
        array.AsSpan(0, used).CopyTo(larger);
        Return(ref array);
        array = larger;
    }

    private static void Return<T>(ref T[] array)
    {
        var rented = array;
        array = [];
        if (rented.Length > 0)
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>Where one event's body lies and what is indexed beside it.</summary>
    private readonly record struct Entry(int Offset, int Length, int IdEnd, long Time, ulong IdHash, int FirstParticipant, int Participants);
}
