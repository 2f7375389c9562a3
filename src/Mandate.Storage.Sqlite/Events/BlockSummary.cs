using System.Globalization;
using Mandate.Core.Errors;
using Mandate.Core.Events;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// What a block stores beside its lines so queries and retention need not read them: the time range of its events and
/// the filter of the identities taking part. These columns are outside the chain, so the writer builds them here from
/// the events it encodes, and verification and retention build them here again from the stored lines and compare: one
/// derivation for both, so the check cannot drift from what the writer stores.
/// </summary>
/// <remarks>Not thread-safe: the writer keeps one per pool thread.</remarks>
internal sealed class BlockSummary
{
    private readonly HashSet<ulong> _participants = [];

    /// <summary>The earliest event time added, in UTC ticks.</summary>
    public long MinTime { get; private set; } = long.MaxValue;

    /// <summary>The latest event time added, in UTC ticks.</summary>
    public long MaxTime { get; private set; } = long.MinValue;

    /// <summary>Forgets every event added.</summary>
    public void Clear()
    {
        _participants.Clear();
        MinTime = long.MaxValue;
        MaxTime = long.MinValue;
    }

    /// <summary>Adds event <paramref name="index"/> of <paramref name="events"/>: its time and the identities taking part.</summary>
    public void Add(EncodedEvents events, int index)
    {
        var time = events.Time(index);
        MinTime = Math.Min(MinTime, time);
        MaxTime = Math.Max(MaxTime, time);
        foreach (var participant in events.Participants(index))
        {
            _participants.Add(participant);
        }
    }

    /// <summary>The participant filter of the events added (<see cref="ParticipantFilter"/>).</summary>
    public byte[] Filter() => ParticipantFilter.Build(_participants);

    /// <summary>The summary of a block's stored lines, or null when a line does not decode as an event.</summary>
    public static BlockSummary? Of(ReadOnlySpan<byte> lines)
    {
        var summary = new BlockSummary();
        using var events = new EncodedEvents(1);
        foreach (var range in lines.Split((byte)'\n'))
        {
            var line = lines[range];
            if (line.IsEmpty)
            {
                continue;
            }

            try
            {
                events.Add(EventCodec.Read(line));
            }
            catch (Exception ex) when (ex is FormatException or MandateException)
            {
                return null;
            }

            summary.Add(events, 0);
            events.Clear();
        }

        return summary;
    }

    /// <summary>
    /// What the stored columns of a block (<paramref name="minTime"/>, <paramref name="maxTime"/>,
    /// <paramref name="participants"/>) state that its <paramref name="lines"/> do not, in words, or null when they match;
    /// <paramref name="latest"/> is when the latest event of the lines happened (null when there is none or a line does not decode).
    /// </summary>
    public static string? Mismatch(long minTime, long maxTime, ReadOnlySpan<byte> participants, ReadOnlySpan<byte> lines, out DateTimeOffset? latest)
    {
        latest = null;
        if (Of(lines) is not { } actual)
        {
            return "an event line does not decode, so its stored time range and identity filter cannot be checked";
        }

        if (actual.MaxTime >= actual.MinTime)
        {
            latest = new DateTimeOffset(actual.MaxTime, TimeSpan.Zero);
        }

        if (actual.MinTime != minTime || actual.MaxTime != maxTime)
        {
            return $"its stored time range {Time(minTime)} to {Time(maxTime)} is not that of its events, {Time(actual.MinTime)} to {Time(actual.MaxTime)}";
        }

        return participants.SequenceEqual(actual.Filter())
            ? null
            : "its stored filter of the identities taking part is not that of its events";
    }

    private static string Time(long ticks) =>
        ticks >= 0 && ticks <= DateTime.MaxValue.Ticks
            ? new DateTime(ticks, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture)
            : ticks.ToString(CultureInfo.InvariantCulture);
}
