using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Mandate.Core.Events;

/// <summary>
/// The canonical stored form of an event: one line of compact JSON with the fields always in the same order,
/// absent fields and empty lists left out, and the time in UTC with 100 ns precision. The audit chain hashes
/// exactly these bytes, so the same event always encodes to the same line.
/// </summary>
public static class EventCodec
{
    /// <summary>Appends the canonical line of <paramref name="e"/> (without a line break) to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, MandateEvent e) => Write(output, e, e?.Sequence ?? 0);

    /// <summary>Appends the canonical line of <paramref name="e"/> as if its sequence number were <paramref name="sequence"/>.</summary>
    public static void Write(IBufferWriter<byte> output, MandateEvent e, long sequence)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(e);
        var fields = EventFields.Of(e);
        var line = new EventLineWriter(output.GetSpan(MaxLineLength(fields, e.Id.Length)));
        line.Begin(sequence);
        WriteFields(ref line, fields);
        output.Advance(line.Written);
    }

    /// <summary>
    /// Writes the canonical line of <paramref name="e"/>, with <paramref name="id"/> as its id, without its leading
    /// sequence number (everything after <c>{"seq":N</c>) into <paramref name="destination"/>, which holds at least
    /// <see cref="MaxLineLength"/> bytes, and returns its length; <paramref name="idEnd"/> is where the id's (escaped)
    /// characters end.
    /// </summary>
    internal static int WriteBody(Span<byte> destination, in EventFields e, ReadOnlySpan<char> id, out int idEnd)
    {
        var line = new EventLineWriter(destination);
        line.Text(",\"id\":"u8, id);
        idEnd = line.Written - 1;
        WriteFields(ref line, e, withId: false);
        return line.Written;
    }

    /// <summary>The leading part of every canonical line: <c>{"seq":</c> and the number.</summary>
    internal static int WriteStart(Span<byte> destination, long sequence)
    {
        var line = new EventLineWriter(destination);
        line.Begin(sequence);
        return line.Written;
    }

    private static void WriteFields(ref EventLineWriter line, in EventFields e, bool withId = true)
    {
        if (withId)
        {
            line.Text(",\"id\":"u8, e.Id);
        }

        line.Time(e.Time);
        line.Raw(",\"category\":"u8, CategoryNameBytes(e.Category));
        line.Text(",\"type\":"u8, e.Type);
        line.Raw(",\"outcome\":"u8, e.Outcome == EventOutcome.Success ? "success"u8 : "failure"u8);
        line.Optional(",\"actor\":"u8, e.ActorId);
        line.Optional(",\"actor_kind\":"u8, e.ActorKind);
        line.List(",\"chain\":"u8, e.Chain);
        line.Optional(",\"action\":"u8, e.Action);
        line.Optional(",\"resource_type\":"u8, e.ResourceType);
        line.Optional(",\"resource_id\":"u8, e.ResourceId);
        line.List(",\"policies\":"u8, e.Policies);
        line.Optional(",\"token_id\":"u8, e.TokenId);
        line.Optional(",\"source_ip\":"u8, e.SourceIp);
        line.Optional(",\"user_agent\":"u8, e.UserAgent);
        line.Optional(",\"request_id\":"u8, e.RequestId);
        line.Optional(",\"message\":"u8, e.Message);
        line.Optional(",\"source\":"u8, e.Source);
        line.End();
    }

    // The worst case of a line: every string character escaped. Summing lengths is far cheaper than asking the
    // output for room field by field.
    internal static int MaxLineLength(in EventFields e, int idLength)
    {
        var characters = idLength + e.Type.Length + Length(e.ActorId) + Length(e.ActorKind) + Length(e.Action)
            + Length(e.ResourceType) + Length(e.ResourceId) + Length(e.TokenId) + Length(e.SourceIp) + Length(e.UserAgent)
            + Length(e.RequestId) + Length(e.Message) + Length(e.Source);
        var items = 0;
        foreach (var list in (ReadOnlySpan<IReadOnlyList<string>?>)[e.Chain, e.Policies])
        {
            for (var i = 0; i < (list?.Count ?? 0); i++)
            {
                characters += list![i].Length;
                items++;
            }
        }

        return EventLineWriter.MaxLength(characters, items);
    }

    private static int Length(string? value) => value?.Length ?? 0;

    /// <summary>The canonical line of <paramref name="e"/> as bytes.</summary>
    public static byte[] Encode(MandateEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, e);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a canonical line back.</summary>
    /// <exception cref="FormatException">The bytes are not a stored event.</exception>
    public static MandateEvent Read(ReadOnlySpan<byte> line)
    {
        try
        {
            return ReadCore(line);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not a stored event: {ex.Message}", ex);
        }
    }

    /// <summary>The sequence number of a canonical line, read without decoding the rest.</summary>
    /// <exception cref="FormatException">The line does not start with a sequence number.</exception>
    public static long ReadSequence(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject && reader.Read()
                && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(Names.Sequence)
                && reader.Read() && reader.TryGetInt64(out var sequence))
            {
                return sequence;
            }
        }
        catch (JsonException)
        {
        }

        throw new FormatException("not a stored event: it does not start with its sequence number");
    }

    private static MandateEvent ReadCore(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        Expect(ref reader, JsonTokenType.StartObject);
        long sequence = 0;
        string? id = null, type = null, actor = null, actorKind = null, action = null, resourceType = null, resourceId = null;
        string? tokenId = null, sourceIp = null, userAgent = null, requestId = null, message = null, source = null;
        DateTimeOffset? time = null;
        EventCategory? category = null;
        EventOutcome? outcome = null;
        IReadOnlyList<string> chain = [], policies = [];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case Names.Sequence: sequence = reader.GetInt64(); break;
                case Names.Id: id = reader.GetString(); break;
                case Names.Time: time = ParseTime(reader.GetString()); break;
                case Names.Category: category = ParseCategory(reader.GetString()); break;
                case Names.Type: type = reader.GetString(); break;
                case Names.Outcome: outcome = reader.GetString() == "success" ? EventOutcome.Success : EventOutcome.Failure; break;
                case Names.Actor: actor = reader.GetString(); break;
                case Names.ActorKind: actorKind = reader.GetString(); break;
                case Names.Chain: chain = ReadList(ref reader); break;
                case Names.Action: action = reader.GetString(); break;
                case Names.ResourceType: resourceType = reader.GetString(); break;
                case Names.ResourceId: resourceId = reader.GetString(); break;
                case Names.Policies: policies = ReadList(ref reader); break;
                case Names.TokenId: tokenId = reader.GetString(); break;
                case Names.SourceIp: sourceIp = reader.GetString(); break;
                case Names.UserAgent: userAgent = reader.GetString(); break;
                case Names.RequestId: requestId = reader.GetString(); break;
                case Names.Message: message = reader.GetString(); break;
                case Names.Source: source = reader.GetString(); break;
                default: throw new JsonException($"unknown field `{name}`");
            }
        }

        return new MandateEvent
        {
            Sequence = sequence,
            Id = id ?? throw new JsonException("missing `id`"),
            Time = time ?? throw new JsonException("missing `time`"),
            Category = category ?? throw new JsonException("missing `category`"),
            Type = type ?? throw new JsonException("missing `type`"),
            Outcome = outcome ?? throw new JsonException("missing `outcome`"),
            ActorId = actor,
            ActorKind = actorKind,
            Chain = chain,
            Action = action,
            ResourceType = resourceType,
            ResourceId = resourceId,
            Policies = policies,
            TokenId = tokenId,
            SourceIp = sourceIp,
            UserAgent = userAgent,
            RequestId = requestId,
            Message = message,
            Source = source,
        };
    }

    /// <summary>The stored name of a category: its OCSF class name in snake case.</summary>
    public static string CategoryName(EventCategory category) => category switch
    {
        EventCategory.Authentication => "authentication",
        EventCategory.Authorization => "authorize_session",
        EventCategory.AccountChange => "account_change",
        EventCategory.EntityManagement => "entity_management",
        EventCategory.ApiActivity => "api_activity",
        EventCategory.DetectionFinding => "detection_finding",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "unknown event category"),
    };

    private static ReadOnlySpan<byte> CategoryNameBytes(EventCategory category) => category switch
    {
        EventCategory.Authentication => "authentication"u8,
        EventCategory.Authorization => "authorize_session"u8,
        EventCategory.AccountChange => "account_change"u8,
        EventCategory.EntityManagement => "entity_management"u8,
        EventCategory.ApiActivity => "api_activity"u8,
        EventCategory.DetectionFinding => "detection_finding"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "unknown event category"),
    };

    /// <summary>Parses a category's stored name (see <see cref="CategoryName"/>).</summary>
    /// <exception cref="FormatException">The name is not a category.</exception>
    public static EventCategory ParseCategory(string? name) => name switch
    {
        "authentication" => EventCategory.Authentication,
        "authorize_session" => EventCategory.Authorization,
        "account_change" => EventCategory.AccountChange,
        "entity_management" => EventCategory.EntityManagement,
        "api_activity" => EventCategory.ApiActivity,
        "detection_finding" => EventCategory.DetectionFinding,
        _ => throw new FormatException($"unknown event category `{name}`"),
    };

    private static DateTimeOffset ParseTime(string? text) =>
        DateTimeOffset.ParseExact(text ?? string.Empty, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new JsonException($"expected {type}");
        }
    }

    private static string[] ReadList(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("expected a list");
        }

        var items = new List<string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            items.Add(reader.GetString()!);
        }

        return [.. items];
    }

    private static class Names
    {
        public const string Sequence = "seq";
        public const string Id = "id";
        public const string Time = "time";
        public const string Category = "category";
        public const string Type = "type";
        public const string Outcome = "outcome";
        public const string Actor = "actor";
        public const string ActorKind = "actor_kind";
        public const string Chain = "chain";
        public const string Action = "action";
        public const string ResourceType = "resource_type";
        public const string ResourceId = "resource_id";
        public const string Policies = "policies";
        public const string TokenId = "token_id";
        public const string SourceIp = "source_ip";
        public const string UserAgent = "user_agent";
        public const string RequestId = "request_id";
        public const string Message = "message";
        public const string Source = "source";
    }
}
