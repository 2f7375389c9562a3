using System.Globalization;
using System.Text.Json;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Json;

public static partial class CedarJson
{
    /// <summary>
    /// Writes entities in Cedar's entities format (<c>uid</c>, <c>attrs</c>, <c>parents</c>, <c>tags</c>), with
    /// explicit <c>__entity</c> and <c>__extn</c> escapes so that <see cref="ParseEntities(JsonElement, CedarJsonOptions?)"/>
    /// reads back the same entities without a schema.
    /// </summary>
    public static void WriteEntities(Utf8JsonWriter writer, IEnumerable<Entity> entities)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entities);
        writer.WriteStartArray();
        foreach (var entity in entities)
        {
            WriteEntity(writer, entity);
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes one entity in Cedar's entities format.</summary>
    public static void WriteEntity(Utf8JsonWriter writer, Entity entity)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entity);
        writer.WriteStartObject();
        writer.WritePropertyName("uid");
        WriteUid(writer, entity.Uid);
        writer.WritePropertyName("attrs");
        WriteFields(writer, entity.Attributes);
        writer.WriteStartArray("parents");
        foreach (var parent in entity.Parents)
        {
            WriteUid(writer, parent);
        }

        writer.WriteEndArray();
        if (entity.Tags.Count > 0)
        {
            writer.WritePropertyName("tags");
            WriteFields(writer, entity.Tags);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a Cedar value; entity references and extension values use the explicit escapes.</summary>
    public static void WriteValue(Utf8JsonWriter writer, CedarValue value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value)
        {
            case BoolValue b:
                writer.WriteBooleanValue(b.Value);
                break;
            case LongValue l:
                writer.WriteNumberValue(l.Value);
                break;
            case StringValue s:
                writer.WriteStringValue(s.Value);
                break;
            case EntityUid uid:
                writer.WriteStartObject();
                writer.WritePropertyName("__entity");
                WriteUid(writer, uid);
                writer.WriteEndObject();
                break;
            case SetValue set:
                writer.WriteStartArray();
                foreach (var element in set.Elements)
                {
                    WriteValue(writer, element);
                }

                writer.WriteEndArray();
                break;
            case RecordValue record:
                WriteFields(writer, record.Fields);
                break;
            case DatetimeValue datetime:
                // Cedar has no literal for an arbitrary instant at millisecond precision other than an offset from the epoch.
                writer.WriteStartObject();
                writer.WriteStartObject("__extn");
                writer.WriteString("fn", "offset");
                writer.WriteStartArray("args");
                WriteExtension(writer, "datetime", "1970-01-01");
                WriteExtension(writer, "duration", datetime.EpochMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms");
                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case DurationValue duration:
                WriteExtension(writer, "duration", duration.Milliseconds.ToString(CultureInfo.InvariantCulture) + "ms");
                break;
            case DecimalValue or IpAddrValue:
                // Both print as fn("literal"): the literal is the escape's argument.
                var printed = value.ToString();
                var open = printed.IndexOf('(', StringComparison.Ordinal);
                WriteExtension(writer, printed[..open], printed[(open + 2)..^2]);
                break;
            default:
                throw new ArgumentException($"cannot write a `{value.Type}` value as Cedar JSON", nameof(value));
        }
    }

    private static void WriteExtension(Utf8JsonWriter writer, string function, string argument)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("__extn");
        writer.WriteString("fn", function);
        writer.WriteString("arg", argument);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteUid(Utf8JsonWriter writer, EntityUid uid)
    {
        writer.WriteStartObject();
        writer.WriteString("type", uid.EntityType.ToString());
        writer.WriteString("id", uid.Id);
        writer.WriteEndObject();
    }

    private static void WriteFields(Utf8JsonWriter writer, IReadOnlyDictionary<string, CedarValue> fields)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in fields)
        {
            writer.WritePropertyName(name);
            WriteValue(writer, value);
        }

        writer.WriteEndObject();
    }
}
