using System.Text.Json;
using Mandate.Core.Events;

namespace Mandate.Telemetry.Ingest;

/// <summary>Why one submitted event was refused.</summary>
/// <param name="Index">Zero-based position of the event in the submission.</param>
/// <param name="Reason">What is wrong with it.</param>
public sealed record IngestError(int Index, string Reason);

/// <summary>A parsed submission: the events when every one is acceptable, otherwise the reasons.</summary>
/// <param name="Events">The events ready to store (empty when any was refused).</param>
/// <param name="Errors">One entry per refused event, or one for the whole body.</param>
public sealed record IngestBatch(IReadOnlyList<MandateEvent> Events, IReadOnlyList<IngestError> Errors);

/// <summary>
/// Reads events submitted by external producers, as a JSON array or NDJSON (one object per line), in the same
/// shape <c>GET /v1/events</c> returns: <c>type</c> and <c>outcome</c> are required; <c>id</c>, <c>time</c>,
/// <c>category</c> and <c>source</c> get defaults; <c>sequence</c> is assigned on storage and ignored here.
/// Every event is checked; a submission is accepted whole or refused whole, with a reason per bad event.
/// </summary>
public static class EventIngestReader
{
    /// <summary>Most events in one submission.</summary>
    public const int MaxEvents = 10_000;

    private const int MaxReported = 100;

    /// <summary>Parses a submission; <paramref name="ndjson"/> selects NDJSON over a JSON array.</summary>
    public static IngestBatch Read(ReadOnlySpan<byte> body, bool ndjson, DateTimeOffset now, string defaultSource)
    {
        var events = new List<MandateEvent>();
        var errors = new List<IngestError>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (ndjson)
        {
            var index = 0;
            while (!body.IsEmpty)
            {
                var end = body.IndexOf((byte)'\n');
                var line = end < 0 ? body : body[..end];
                body = end < 0 ? [] : body[(end + 1)..];
                if (line.Trim(" \t\r"u8).IsEmpty)
                {
                    continue;
                }

                if (index == MaxEvents)
                {
                    return Refused($"a submission holds at most {MaxEvents} events");
                }

                Add(ReadOne(line, now, defaultSource), index++, events, errors, ids);
            }
        }
        else if (ReadArray(body, now, defaultSource, events, errors, ids) is { } whole)
        {
            return Refused(whole);
        }

        if (events.Count == 0 && errors.Count == 0)
        {
            return Refused("the submission holds no events");
        }

        return errors.Count == 0 ? new IngestBatch(events, []) : new IngestBatch([], [.. errors.Take(MaxReported)]);
    }

    private static IngestBatch Refused(string reason) => new([], [new IngestError(-1, reason)]);

    private static string? ReadArray(ReadOnlySpan<byte> body, DateTimeOffset now, string source, List<MandateEvent> events, List<IngestError> errors, HashSet<string> ids)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return "expected a JSON array of events (or NDJSON with Content-Type application/x-ndjson)";
            }

            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (index == MaxEvents)
                {
                    return $"a submission holds at most {MaxEvents} events";
                }

                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                var item = body[start..((int)reader.BytesConsumed)];
                Add(ReadOne(item, now, source), index++, events, errors, ids);
            }

            return reader.Read() ? "unexpected content after the array" : null;
        }
        catch (JsonException ex)
        {
            return $"the body is not valid JSON: {ex.Message}";
        }
    }

    private static void Add((MandateEvent? Event, string? Error) result, int index, List<MandateEvent> events, List<IngestError> errors, HashSet<string> ids)
    {
        if (result.Error is { } error)
        {
            errors.Add(new IngestError(index, error));
        }
        else if (!ids.Add(result.Event!.Id))
        {
            errors.Add(new IngestError(index, $"event id `{result.Event.Id}` appears twice in the submission"));
        }
        else
        {
            events.Add(result.Event);
        }
    }

    private static (MandateEvent?, string?) ReadOne(ReadOnlySpan<byte> json, DateTimeOffset now, string defaultSource)
    {
        var fields = new IngestFields();
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, "an event must be a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = IngestFields.Find(ref reader);
                if (field == IngestFields.Field.Unknown)
                {
                    return (null, $"unknown field `{reader.GetString()}`");
                }

                reader.Read();
                if (fields.Set(field, ref reader) is { } problem)
                {
                    return (null, problem);
                }
            }

            if (reader.Read())
            {
                return (null, "unexpected content after the event");
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return (null, $"not valid JSON: {ex.Message}");
        }

        return fields.ToEvent(now, defaultSource);
    }
}
