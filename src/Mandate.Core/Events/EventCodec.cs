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
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = true };

    /// <summary>Appends the canonical line of <paramref name="e"/> (without a line break) to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, MandateEvent e)
    {
        using var writer = CreateWriter(output);
        Write(writer, e);
    }

    /// <summary>A writer for <see cref="Write(Utf8JsonWriter, MandateEvent)"/>, to be reused with <c>Reset</c>.</summary>
    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> output) => new(output, WriterOptions);

    /// <summary>Writes the canonical line of <paramref name="e"/> with <paramref name="writer"/> and flushes it.</summary>
    public static void Write(Utf8JsonWriter writer, MandateEvent e)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(e);
        writer.WriteStartObject();
        writer.WriteNumber(Names.Sequence, e.Sequence);
        writer.WriteString(Names.Id, e.Id);
        writer.WriteString(Names.Time, e.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        writer.WriteString(Names.Category, CategoryName(e.Category));
        writer.WriteString(Names.Type, e.Type);
        writer.WriteString(Names.Outcome, e.Outcome == EventOutcome.Success ? "success" : "failure");
        WriteOptional(writer, Names.Actor, e.ActorId);
        WriteOptional(writer, Names.ActorKind, e.ActorKind);
        WriteList(writer, Names.Chain, e.Chain);
        WriteOptional(writer, Names.Action, e.Action);
        WriteOptional(writer, Names.ResourceType, e.ResourceType);
        WriteOptional(writer, Names.ResourceId, e.ResourceId);
        WriteList(writer, Names.Policies, e.Policies);
        WriteOptional(writer, Names.TokenId, e.TokenId);
        WriteOptional(writer, Names.SourceIp, e.SourceIp);
        WriteOptional(writer, Names.UserAgent, e.UserAgent);
        WriteOptional(writer, Names.RequestId, e.RequestId);
        WriteOptional(writer, Names.Message, e.Message);
        WriteOptional(writer, Names.Source, e.Source);
        writer.WriteEndObject();
        writer.Flush();
    }

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

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteList(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
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
