using System.Reflection;
using System.Text.Json;
using Mandate.Core.Events;

namespace Mandate.Telemetry.Ocsf;

/// <summary>
/// Writes Mandate events as OCSF (schema <see cref="OcsfClass.SchemaVersion"/>) JSON objects, one class per event
/// category, with every attribute the class requires: the actor (identity, kind, token session and the decision's
/// determining policies), the source endpoint, the HTTP request, the API operation or managed entity, the
/// resources, the status and the product metadata. The delegation chain, which OCSF has no attribute for, goes
/// under <c>unmapped.mandate</c> with the event's own type and source. See docs/events.md for the full mapping.
/// </summary>
public static class OcsfWriter
{
    private static readonly string ProductVersion =
        typeof(OcsfWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Writes <paramref name="e"/> as one OCSF event object.</summary>
    public static void Write(Utf8JsonWriter writer, MandateEvent e)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(e);
        var cls = OcsfClass.Of(e.Category);
        var (activity, activityName) = OcsfActivity.Of(cls, e);
        var finding = cls == OcsfClass.DetectionFinding;
        var failed = e.Outcome == EventOutcome.Failure;
        var severity = finding ? (4, "High") : failed ? (2, "Low") : (1, "Informational");

        writer.WriteStartObject();
        writer.WriteNumber("class_uid", cls.Uid);
        writer.WriteString("class_name", cls.Name);
        writer.WriteNumber("category_uid", cls.CategoryUid);
        writer.WriteString("category_name", cls.CategoryName);
        writer.WriteNumber("activity_id", activity);
        writer.WriteString("activity_name", activityName);
        writer.WriteNumber("type_uid", (cls.Uid * 100L) + activity);
        writer.WriteString("type_name", $"{cls.Name}: {activityName}");
        writer.WriteNumber("severity_id", severity.Item1);
        writer.WriteString("severity", severity.Item2);
        writer.WriteNumber("time", e.Time.ToUnixTimeMilliseconds());
        if (finding)
        {
            // A finding's status is its triage state, not the outcome of an activity.
            writer.WriteNumber("status_id", 1);
            writer.WriteString("status", "New");
        }
        else
        {
            writer.WriteNumber("status_id", failed ? 2 : 1);
            writer.WriteString("status", failed ? "Failure" : "Success");
            if (failed && e.Message is not null)
            {
                writer.WriteString("status_detail", e.Message);
            }
        }

        if (e.Message is not null)
        {
            writer.WriteString("message", e.Message);
        }

        WriteMetadata(writer, e);
        switch (cls.Uid)
        {
            case 3002:
                WriteActor(writer, e);
                WriteUser(writer, "user", e.ActorId, e.ActorKind);
                writer.WriteStartObject("service");
                writer.WriteString("name", e.ResourceType == "Audience" && e.ResourceId is { } audience ? audience : e.Source ?? "mandate");
                writer.WriteEndObject();
                writer.WriteString("auth_protocol", "OAuth 2.0");
                writer.WriteNumber("auth_protocol_id", OcsfActivity.Other);
                WriteSession(writer, e);
                break;
            case 3003:
                WriteActor(writer, e);
                WriteUser(writer, "user", e.ActorId, e.ActorKind);
                WriteStrings(writer, "privileges", [e.Action ?? e.Type]);
                WriteSession(writer, e);
                break;
            case 3001:
                WriteActor(writer, e);
                if (e.ResourceId is { } target && e.ResourceType is not "Credential")
                {
                    WriteUser(writer, "user", target, e.ResourceType);
                }
                else
                {
                    WriteUser(writer, "user", e.ActorId, e.ActorKind);
                }

                break;
            case 3004:
                WriteActor(writer, e);
                writer.WriteStartObject("entity");
                writer.WriteString("name", e.ResourceId ?? e.Type);
                if (e.ResourceId is not null)
                {
                    writer.WriteString("uid", e.ResourceId);
                }

                if (e.ResourceType is not null)
                {
                    writer.WriteString("type", e.ResourceType);
                }

                writer.WriteEndObject();
                if (e.Message is not null)
                {
                    writer.WriteString("comment", e.Message);
                }

                break;
            case 6003:
                WriteActor(writer, e);
                writer.WriteStartObject("api");
                writer.WriteString("operation", e.Action ?? e.Type);
                writer.WriteStartObject("service");
                writer.WriteString("name", e.Source ?? "mandate");
                writer.WriteEndObject();
                if (e.RequestId is not null)
                {
                    writer.WriteStartObject("request");
                    writer.WriteString("uid", e.RequestId);
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
                WriteResources(writer, e);
                break;
            case 2004:
                writer.WriteStartObject("finding_info");
                writer.WriteString("uid", e.Id);
                writer.WriteString("title", e.Message ?? e.Type);
                WriteStrings(writer, "types", [e.Type]);
                writer.WriteStartObject("analytic");
                writer.WriteString("name", e.Type);
                writer.WriteNumber("type_id", 1);
                writer.WriteString("type", "Rule");
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteBoolean("is_alert", true);
                writer.WriteStartArray("evidences");
                writer.WriteStartObject();
                WriteActor(writer, e);
                WriteEndpointAndRequest(writer, e, required: false);
                writer.WriteEndObject();
                writer.WriteEndArray();
                WriteResources(writer, e);
                break;
        }

        if (cls.Uid != 2004)
        {
            WriteEndpointAndRequest(writer, e, required: cls.Uid == 6003);
        }

        WriteUnmapped(writer, e);
        writer.WriteEndObject();
    }

    private static void WriteMetadata(Utf8JsonWriter writer, MandateEvent e)
    {
        writer.WriteStartObject("metadata");
        writer.WriteString("version", OcsfClass.SchemaVersion);
        writer.WriteStartObject("product");
        writer.WriteString("name", "Mandate");
        writer.WriteString("vendor_name", "Mandate");
        writer.WriteString("version", ProductVersion);
        writer.WriteEndObject();
        writer.WriteString("uid", e.Id);
        if (e.RequestId is not null)
        {
            writer.WriteString("correlation_uid", e.RequestId);
        }

        writer.WriteNumber("sequence", e.Sequence);
        writer.WriteString("event_code", e.Type);
        writer.WriteString("log_name", "mandate.events");
        if (e.Source is not null)
        {
            writer.WriteString("log_provider", e.Source);
        }

        writer.WriteEndObject();
    }

    private static void WriteActor(Utf8JsonWriter writer, MandateEvent e)
    {
        writer.WriteStartObject("actor");
        if (e.ActorId is not null)
        {
            WriteUser(writer, "user", e.ActorId, e.ActorKind);
        }
        else
        {
            writer.WriteString("app_name", e.Source ?? "mandate");
        }

        if (e.TokenId is not null)
        {
            writer.WriteStartObject("session");
            writer.WriteString("uid", e.TokenId);
            writer.WriteEndObject();
        }

        if (e.Category == EventCategory.Authorization && e.Policies.Count > 0)
        {
            writer.WriteStartArray("authorizations");
            foreach (var policy in e.Policies)
            {
                writer.WriteStartObject();
                writer.WriteString("decision", e.Outcome == EventOutcome.Success ? "allow" : "deny");
                writer.WriteStartObject("policy");
                writer.WriteString("uid", policy);
                writer.WriteString("name", policy);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>An OCSF user for a Mandate identity: <c>type_id</c> User, Admin or System where those fit, otherwise Other named by the kind.</summary>
    private static void WriteUser(Utf8JsonWriter writer, string property, string? id, string? kind)
    {
        writer.WriteStartObject(property);
        writer.WriteString("name", id ?? "unknown");
        if (id is not null)
        {
            writer.WriteString("uid", id);
        }

        var (typeId, type) = kind?.ToLowerInvariant() switch
        {
            null => (0, "Unknown"),
            "human" or "user" => (1, "User"),
            "admin" => (2, "Admin"),
            "system" => (3, "System"),
            _ => (99, kind),
        };
        writer.WriteNumber("type_id", typeId);
        writer.WriteString("type", type);
        writer.WriteEndObject();
    }

    private static void WriteSession(Utf8JsonWriter writer, MandateEvent e)
    {
        if (e.TokenId is not null)
        {
            writer.WriteStartObject("session");
            writer.WriteString("uid", e.TokenId);
            writer.WriteEndObject();
        }
    }

    private static void WriteResources(Utf8JsonWriter writer, MandateEvent e)
    {
        if (e.ResourceId is null && e.ResourceType is null)
        {
            return;
        }

        writer.WriteStartArray("resources");
        writer.WriteStartObject();
        if (e.ResourceId is not null)
        {
            writer.WriteString("uid", e.ResourceId);
            writer.WriteString("name", e.ResourceId);
        }

        if (e.ResourceType is not null)
        {
            writer.WriteString("type", e.ResourceType);
        }

        writer.WriteEndObject();
        writer.WriteEndArray();
    }

    private static void WriteEndpointAndRequest(Utf8JsonWriter writer, MandateEvent e, bool required)
    {
        if (e.SourceIp is not null || required)
        {
            writer.WriteStartObject("src_endpoint");
            if (e.SourceIp is not null)
            {
                writer.WriteString("ip", e.SourceIp);
            }
            else
            {
                writer.WriteString("name", e.Source ?? "mandate");
            }

            writer.WriteEndObject();
        }

        if (e.UserAgent is not null || e.RequestId is not null)
        {
            writer.WriteStartObject("http_request");
            if (e.UserAgent is not null)
            {
                writer.WriteString("user_agent", e.UserAgent);
            }

            if (e.RequestId is not null)
            {
                writer.WriteString("uid", e.RequestId);
            }

            writer.WriteEndObject();
        }
    }

    private static void WriteUnmapped(Utf8JsonWriter writer, MandateEvent e)
    {
        writer.WriteStartObject("unmapped");
        writer.WriteStartObject("mandate");
        writer.WriteString("type", e.Type);
        writer.WriteString("outcome", e.Outcome == EventOutcome.Success ? "success" : "failure");
        WriteStrings(writer, "delegation_chain", e.Chain);

        if (e.Action is not null)
        {
            writer.WriteString("action", e.Action);
        }

        if (e.ResourceType is not null || e.ResourceId is not null)
        {
            writer.WriteStartObject("resource");
            if (e.ResourceType is not null)
            {
                writer.WriteString("type", e.ResourceType);
            }

            if (e.ResourceId is not null)
            {
                writer.WriteString("id", e.ResourceId);
            }

            writer.WriteEndObject();
        }

        WriteStrings(writer, "policies", e.Policies);

        if (e.Source is not null)
        {
            writer.WriteString("source", e.Source);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
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
}
