using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mandate.Core;
using Mandate.Core.Events;

namespace Mandate.Telemetry.Ingest;

/// <summary>
/// The fields of one submitted event as they are read. Member names are matched on their UTF-8 bytes and values kept
/// in plain fields, so reading an event allocates little beyond its strings: ingest parses millions of them.
/// </summary>
internal partial struct IngestFields
{
    /// <summary>
    /// How far ahead of the server's clock an event's time may be. Producers' clocks drift a little, but an event dated in
    /// the future would keep age-based retention from ever removing its block, or any block after it.
    /// </summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private const int MaxText = 4096;
    private const int MaxMessage = 16 * 1024;
    private const int MaxList = 64;

    /// <summary>Text members in the order of <see cref="Field"/> up to <see cref="Field.Source"/>.</summary>
    private static readonly string[] TextNames =
    [
        "id", "type", "outcome", "category", "actor_id", "actor_kind", "action", "resource_type", "resource_id",
        "token_id", "source_ip", "user_agent", "request_id", "message", "source",
    ];

    private static readonly byte[][] Names =
    [
        .. TextNames.Select(n => System.Text.Encoding.UTF8.GetBytes(n)),
        "time"u8.ToArray(), "chain"u8.ToArray(), "policies"u8.ToArray(), "sequence"u8.ToArray(),
    ];

    private string?[]? _text;
    private IReadOnlyList<string>? _chain;
    private IReadOnlyList<string>? _policies;
    private DateTimeOffset? _time;

    public enum Field
    {
        Id, Type, Outcome, Category, ActorId, ActorKind, Action, ResourceType, ResourceId, TokenId, SourceIp, UserAgent, RequestId, Message, Source,
        Time, Chain, Policies, Sequence, Unknown,
    }

    /// <summary>The member the reader is on (a property name).</summary>
    public static Field Find(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var name = reader.ValueSpan;
            for (var i = 0; i < Names.Length; i++)
            {
                if (name.SequenceEqual(Names[i]))
                {
                    return (Field)i;
                }
            }

            return Field.Unknown;
        }

        var text = reader.GetString();
        var index = Array.IndexOf([.. TextNames, "time", "chain", "policies", "sequence"], text);
        return index < 0 ? Field.Unknown : (Field)index;
    }

    public string? Set(Field field, ref Utf8JsonReader reader)
    {
        switch (field)
        {
            case Field.Sequence:
                reader.Skip();
                return null;
            case Field.Time:
                if (reader.TokenType != JsonTokenType.String || !TryParseTime(reader.GetString()!, out var time))
                {
                    return "`time` must be an RFC 3339 date-time string with `Z` or an offset, for example `2026-11-20T10:00:00Z`";
                }

                _time = time;
                return null;
            case Field.Chain:
                var chainProblem = ReadList(ref reader, "chain", out var chain);
                _chain = chain;
                return chainProblem;
            case Field.Policies:
                var policiesProblem = ReadList(ref reader, "policies", out var policies);
                _policies = policies;
                return policiesProblem;
            default:
                var name = TextNames[(int)field];
                if (reader.TokenType == JsonTokenType.Null)
                {
                    Text[(int)field] = null;
                    return null;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    return $"`{name}` must be a string";
                }

                var value = reader.GetString()!;
                var max = field == Field.Message ? MaxMessage : MaxText;
                if (value.Length > max)
                {
                    return $"`{name}` is longer than {max} characters";
                }

                Text[(int)field] = value;
                return null;
        }
    }

    public readonly (MandateEvent?, string?) ToEvent(DateTimeOffset now, string defaultSource)
    {
        var type = Get(Field.Type);
        if (string.IsNullOrEmpty(type))
        {
            return (null, "`type` is required, for example `login.succeeded`");
        }

        if (!IsDottedName(type))
        {
            return (null, $"`type` `{type}` must be dotted lower-case words, for example `login.succeeded`");
        }

        EventOutcome outcome;
        switch (Get(Field.Outcome))
        {
            case "success": outcome = EventOutcome.Success; break;
            case "failure": outcome = EventOutcome.Failure; break;
            case null: return (null, "`outcome` is required: `success` or `failure`");
            case var other: return (null, $"`outcome` `{other}` must be `success` or `failure`");
        }

        if (Category(Get(Field.Category)) is not { } category)
        {
            return (null, $"`category` `{Get(Field.Category)}` is not one of authentication, authorization, account_change, entity_management, api_activity, detection_finding");
        }

        if (_time > now + MaxClockSkew)
        {
            return (null, $"`time` is more than {MaxClockSkew.TotalMinutes:0} minutes ahead of the server's clock");
        }

        var id = Get(Field.Id);
        if (id is { Length: 0 })
        {
            return (null, "`id` must not be empty");
        }

        return (new MandateEvent
        {
            Id = id ?? MandateId.New("evt"),
            Time = _time ?? now,
            Category = category,
            Type = type,
            Outcome = outcome,
            ActorId = Get(Field.ActorId),
            ActorKind = Get(Field.ActorKind),
            Chain = _chain ?? [],
            Action = Get(Field.Action),
            ResourceType = Get(Field.ResourceType),
            ResourceId = Get(Field.ResourceId),
            Policies = _policies ?? [],
            TokenId = Get(Field.TokenId),
            SourceIp = Get(Field.SourceIp),
            UserAgent = Get(Field.UserAgent),
            RequestId = Get(Field.RequestId),
            Message = Get(Field.Message),
            Source = Get(Field.Source) ?? defaultSource,
        }, null);
    }

    private string?[] Text => _text ??= new string?[TextNames.Length];

    /// <summary>
    /// Reads an RFC 3339 date-time only: a zone is required (never the server's local one), and no other form such as
    /// <c>01/02/2026</c> is guessed at. Digits of the fraction past the 100 ns ticks an event keeps are dropped.
    /// </summary>
    private static bool TryParseTime(string text, out DateTimeOffset time)
    {
        time = default;
        var match = Rfc3339().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var fraction = match.Groups["fraction"].Value;
        var exact = string.Concat(match.Groups["seconds"].Value, fraction[..Math.Min(fraction.Length, 8)], match.Groups["zone"].Value).ToUpperInvariant();
        return DateTimeOffset.TryParse(exact, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out time);
    }

    [GeneratedRegex("^(?<seconds>[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2})(?<fraction>\\.[0-9]+)?(?<zone>[Zz]|[+-][0-9]{2}:[0-9]{2})\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    private readonly string? Get(Field field) => _text?[(int)field];

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
