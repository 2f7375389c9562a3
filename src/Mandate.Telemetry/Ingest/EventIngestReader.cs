using System.Globalization;
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

    private const int MaxText = 4096;
    private const int MaxMessage = 16 * 1024;
    private const int MaxList = 64;
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
        var fields = new Fields();
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, "an event must be a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (fields.Set(name, ref reader) is { } problem)
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

    private sealed class Fields
    {
        private readonly Dictionary<string, string?> _text = new(StringComparer.Ordinal);
        private IReadOnlyList<string> _chain = [];
        private IReadOnlyList<string> _policies = [];
        private DateTimeOffset? _time;

        private static readonly HashSet<string> TextFields = new(StringComparer.Ordinal)
        {
            "id", "type", "outcome", "category", "actor_id", "actor_kind", "action", "resource_type", "resource_id",
            "token_id", "source_ip", "user_agent", "request_id", "message", "source",
        };

        public string? Set(string name, ref Utf8JsonReader reader)
        {
            switch (name)
            {
                case "sequence":
                    reader.Skip();
                    return null;
                case "time":
                    if (reader.TokenType != JsonTokenType.String
                        || !DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
                    {
                        return "`time` must be an RFC 3339 date-time string";
                    }

                    _time = time;
                    return null;
                case "chain":
                    return ReadList(ref reader, name, out _chain);
                case "policies":
                    return ReadList(ref reader, name, out _policies);
                case var text when TextFields.Contains(text):
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        _text[name] = null;
                        return null;
                    }

                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return $"`{name}` must be a string";
                    }

                    var value = reader.GetString()!;
                    if (value.Length > (name == "message" ? MaxMessage : MaxText))
                    {
                        return $"`{name}` is longer than {(name == "message" ? MaxMessage : MaxText)} characters";
                    }

                    _text[name] = value;
                    return null;
                default:
                    return $"unknown field `{name}`";
            }
        }

        public (MandateEvent?, string?) ToEvent(DateTimeOffset now, string defaultSource)
        {
            var type = Text("type");
            if (string.IsNullOrEmpty(type))
            {
                return (null, "`type` is required, for example `login.succeeded`");
            }

            if (!IsDottedName(type))
            {
                return (null, $"`type` `{type}` must be dotted lower-case words, for example `login.succeeded`");
            }

            EventOutcome outcome;
            switch (Text("outcome"))
            {
                case "success": outcome = EventOutcome.Success; break;
                case "failure": outcome = EventOutcome.Failure; break;
                case null: return (null, "`outcome` is required: `success` or `failure`");
                case var other: return (null, $"`outcome` `{other}` must be `success` or `failure`");
            }

            if (Category(Text("category")) is not { } category)
            {
                return (null, $"`category` `{Text("category")}` is not one of authentication, authorization, account_change, entity_management, api_activity, detection_finding");
            }

            var id = Text("id");
            if (id is { Length: 0 })
            {
                return (null, "`id` must not be empty");
            }

            return (new MandateEvent
            {
                Id = id ?? Guid.NewGuid().ToString("n"),
                Time = _time ?? now,
                Category = category,
                Type = type,
                Outcome = outcome,
                ActorId = Text("actor_id"),
                ActorKind = Text("actor_kind"),
                Chain = _chain,
                Action = Text("action"),
                ResourceType = Text("resource_type"),
                ResourceId = Text("resource_id"),
                Policies = _policies,
                TokenId = Text("token_id"),
                SourceIp = Text("source_ip"),
                UserAgent = Text("user_agent"),
                RequestId = Text("request_id"),
                Message = Text("message"),
                Source = Text("source") ?? defaultSource,
            }, null);
        }

        private string? Text(string name) => _text.GetValueOrDefault(name);

        private static EventCategory? Category(string? name) => name switch
        {
            null or "api_activity" => EventCategory.ApiActivity,
            "authentication" => EventCategory.Authentication,
            "authorization" => EventCategory.Authorization,
            "account_change" => EventCategory.AccountChange,
            "entity_management" => EventCategory.EntityManagement,
            "detection_finding" => EventCategory.DetectionFinding,
            _ => null,
        };

        private static bool IsDottedName(string type) =>
            type.Length <= 128 && type[0] != '.' && type[^1] != '.' && !type.Contains("..", StringComparison.Ordinal)
            && type.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.' or '-');

        private static string? ReadList(ref Utf8JsonReader reader, string name, out IReadOnlyList<string> values)
        {
            values = [];
            if (reader.TokenType == JsonTokenType.Null)
            {
                return null;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                return $"`{name}` must be a list of strings";
            }

            var items = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.String || items.Count == MaxList)
                {
                    return items.Count == MaxList ? $"`{name}` holds at most {MaxList} entries" : $"`{name}` must be a list of strings";
                }

                var value = reader.GetString()!;
                if (value.Length > MaxText)
                {
                    return $"`{name}` entries are at most {MaxText} characters";
                }

                items.Add(value);
            }

            values = items;
            return null;
        }
    }
}
